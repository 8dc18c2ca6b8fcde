package dev.cabtrace.replay.timeline;

/**
 * Sorts positions by up to three long keys without boxing: a stable merge sort over an int array,
 * for the million-span timelines that a comparator over {@code Integer[]} would make slow.
 */
final class IndexSort {

  private IndexSort() {}

  /** Positions 0..n-1 ordered by key1, then key2, then key3 descending if given (null to skip). */
  static int[] order(long[] key1, long[] key2, long[] key3Descending) {
    int n = key1.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int[] buffer = new int[n];
    for (int width = 1; width < n; width *= 2) {
      for (int low = 0; low < n; low += 2 * width) {
        int mid = Math.min(low + width, n);
        int high = Math.min(low + 2 * width, n);
        if (mid >= high || compare(order[mid - 1], order[mid], key1, key2, key3Descending) <= 0) {
          System.arraycopy(order, low, buffer, low, high - low);
          continue;
        }
        int i = low;
        int j = mid;
        int k = low;
        while (i < mid && j < high) {
          buffer[k++] = compare(order[j], order[i], key1, key2, key3Descending) < 0 ? order[j++] : order[i++];
        }
        while (i < mid) {
          buffer[k++] = order[i++];
        }
        while (j < high) {
          buffer[k++] = order[j++];
        }
      }
      int[] swap = order;
      order = buffer;
      buffer = swap;
    }
    return order;
  }

  private static int compare(int a, int b, long[] key1, long[] key2, long[] key3Descending) {
    int c = Long.compare(key1[a], key1[b]);
    if (c != 0 || key2 == null) {
      return c;
    }
    c = Long.compare(key2[a], key2[b]);
    if (c != 0 || key3Descending == null) {
      return c;
    }
    return Long.compare(key3Descending[b], key3Descending[a]);
  }
}
