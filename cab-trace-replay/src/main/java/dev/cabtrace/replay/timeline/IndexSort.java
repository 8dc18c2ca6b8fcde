package dev.cabtrace.replay.timeline;

/**
 * Sorts positions by up to three long keys without boxing, stably: a radix sort on one key at a
 * time, for the million-span timelines that a comparator over {@code Integer[]} would make slow.
 */
final class IndexSort {

  private IndexSort() {}

  /** Positions 0..n-1 ordered by {@code key}, equal keys in position order. */
  static int[] order(long[] key) {
    int n = key.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return byKey(order, key.clone());
  }

  /**
   * Positions 0..n-1 ordered by key1, then key2, then key3 descending, equal ones in position
   * order: one stable sort by key1, then each run of equal key1 sorted by the other two (a
   * timeline's spans rarely start at the same nanosecond, so the runs are few and short).
   */
  static int[] order(long[] key1, int[] key2, long[] key3Descending) {
    int[] order = order(key1);
    for (int from = 0, to; from < order.length; from = to) {
      to = runEnd(order, from, key1);
      if (to - from > 1) {
        sortRun(order, from, to, key2, key3Descending);
      }
    }
    return order;
  }

  /**
   * {@code order}, positions stably ordered by a key, with each position p renumbered {@code
   * renumber[p]} (in place): those of equal key then ascend in the new numbering, as a stable sort
   * by the key in that numbering orders them. {@code key} is indexed by the new numbers.
   */
  static int[] renumbered(int[] order, int[] renumber, long[] key) {
    for (int i = 0; i < order.length; i++) {
      order[i] = renumber[order[i]];
    }
    for (int from = 0, to; from < order.length; from = to) {
      to = runEnd(order, from, key);
      if (to - from > 1) {
        java.util.Arrays.sort(order, from, to);
      }
    }
    return order;
  }

  /** Where the run of positions with {@code order[from]}'s key ends in {@code order}. */
  private static int runEnd(int[] order, int from, long[] key) {
    long value = key[order[from]];
    int to = from + 1;
    while (to < order.length && key[order[to]] == value) {
      to++;
    }
    return to;
  }

  /**
   * Puts {@code a} and {@code b} in {@code order} in place: afterwards {@code a[i]} is what
   * {@code a[order[i]]} was, and so for {@code b}, with no third array (a million spans' two are 16
   * MB, which a fresh array pays for in page faults). Each cycle of the permutation is followed
   * once; {@code order} is used up, each entry flipped ({@code ~}) as its cycle is done.
   */
  static void permute(int[] order, long[] a, long[] b) {
    for (int i = 0; i < order.length; i++) {
      if (order[i] < 0) {
        continue;
      }
      long firstA = a[i];
      long firstB = b[i];
      for (int at = i; ; ) {
        int from = order[at];
        order[at] = ~from;
        if (from == i) {
          a[at] = firstA;
          b[at] = firstB;
          break;
        }
        a[at] = a[from];
        b[at] = b[from];
        at = from;
      }
    }
  }

  /** Stably sorts {@code order[from, to)} by key2, then key3 descending. */
  private static void sortRun(int[] order, int from, int to, int[] key2, long[] key3Descending) {
    if (to - from <= 16) {
      for (int i = from + 1; i < to; i++) {
        int position = order[i];
        int j = i - 1;
        while (j >= from && after(order[j], position, key2, key3Descending)) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = position;
      }
      return;
    }
    // A long run (many spans starting together): two stable radix sorts, the least significant key first.
    int length = to - from;
    int[] run = java.util.Arrays.copyOfRange(order, from, to);
    long[] keys = new long[length];
    for (int i = 0; i < length; i++) {
      keys[i] = ~key3Descending[run[i]]; // reverses the order without the overflow of a minus
    }
    run = byKey(run, keys);
    for (int i = 0; i < length; i++) {
      keys[i] = key2[run[i]];
    }
    run = byKey(run, keys);
    System.arraycopy(run, 0, order, from, length);
  }

  /** Whether position {@code a} sorts after position {@code b} by key2, then key3 descending. */
  private static boolean after(int a, int b, int[] key2, long[] key3Descending) {
    if (key2[a] != key2[b]) {
      return key2[a] > key2[b];
    }
    return key3Descending[a] < key3Descending[b];
  }

  /**
   * {@code order} stably sorted by {@code keys}, which is aligned with it ({@code keys[i]} is the
   * key of {@code order[i]}) and is used up. A least-significant-byte radix sort that carries the
   * keys along: a million times sort in a fraction of the merge sort's time, which looks each key
   * up at random. Keys are taken relative to the smallest, so a timeline's nanosecond times need
   * five passes, not eight.
   */
  private static int[] byKey(int[] order, long[] keys) {
    int n = order.length;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long k : keys) {
      min = Math.min(min, k);
      max = Math.max(max, k);
    }
    long range = max - min;
    if (n < 2 || range == 0) {
      return order;
    }
    // Relative to the smallest, or, when the keys are too far apart for that, with the sign bit
    // flipped: either way their unsigned order, which the bytes sort by, is their order.
    long bias = range > 0 ? min : Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      keys[i] = range > 0 ? keys[i] - bias : keys[i] ^ bias;
    }
    int[] nextOrder = new int[n];
    long[] nextKeys = new long[n];
    int[] count = new int[257];
    int bits = range > 0 ? 64 - Long.numberOfLeadingZeros(range) : 64;
    for (int shift = 0; shift < bits; shift += 8) {
      java.util.Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) ((keys[i] >>> shift) & 0xFF) + 1]++;
      }
      for (int d = 0; d < 256; d++) {
        count[d + 1] += count[d];
      }
      for (int i = 0; i < n; i++) {
        int at = count[(int) ((keys[i] >>> shift) & 0xFF)]++;
        nextKeys[at] = keys[i];
        nextOrder[at] = order[i];
      }
      long[] swapKeys = keys;
      keys = nextKeys;
      nextKeys = swapKeys;
      int[] swapOrder = order;
      order = nextOrder;
      nextOrder = swapOrder;
    }
    return order;
  }
}
