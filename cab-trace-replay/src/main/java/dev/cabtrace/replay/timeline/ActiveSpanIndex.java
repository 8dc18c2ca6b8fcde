package dev.cabtrace.replay.timeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the spans running at a moment in O((k + 1) log n) for k answers: spans sorted by start,
 * and a segment tree holding the latest end of each range of blocks of {@link #BLOCK} spans, so
 * that whole ranges that ended before the moment are skipped (a byte a span, not eight).
 */
final class ActiveSpanIndex {

  private static final int BLOCK = 16;

  private final long[] starts;
  private final long[] ends;
  // The latest end under each node; the leaves, from size on, are the blocks.
  private final long[] maxEnd;
  private final int size;

  ActiveSpanIndex(long[] starts, long[] ends) {
    this.starts = starts;
    this.ends = ends;
    int blocks = (ends.length + BLOCK - 1) / BLOCK;
    int n = 1;
    while (n < Math.max(1, blocks)) {
      n <<= 1;
    }
    this.size = n;
    this.maxEnd = new long[2 * n];
    java.util.Arrays.fill(maxEnd, Long.MIN_VALUE);
    for (int i = 0; i < ends.length; i++) {
      int leaf = n + i / BLOCK;
      maxEnd[leaf] = Math.max(maxEnd[leaf], ends[i]);
    }
    for (int i = n - 1; i >= 1; i--) {
      maxEnd[i] = Math.max(maxEnd[2 * i], maxEnd[2 * i + 1]);
    }
  }

  /** Positions of the spans active at {@code t}, ascending. */
  List<Integer> activeAt(long t) {
    int started = upperBound(starts, t);
    List<Integer> out = new ArrayList<>();
    if (started > 0) {
      collect(1, 0, size, started, t, out);
    }
    // Zero-length spans are active at their start only; they are the ones with end == start == t.
    for (int i = lowerBound(starts, t); i < started; i++) {
      if (ends[i] == starts[i]) {
        out.add(i);
      }
    }
    if (out.size() > 1) {
      out.sort(null);
    }
    return out;
  }

  /** Adds the spans before {@code limit} ending after {@code t} in blocks {@code [from, to)} under {@code node}. */
  private void collect(int node, int from, int to, int limit, long t, List<Integer> out) {
    if (from * BLOCK >= limit || maxEnd[node] <= t) {
      return;
    }
    if (to - from == 1) {
      for (int i = from * BLOCK, last = Math.min(limit, (from + 1) * BLOCK); i < last; i++) {
        if (ends[i] > t) {
          out.add(i);
        }
      }
      return;
    }
    int mid = (from + to) >>> 1;
    collect(2 * node, from, mid, limit, t, out);
    collect(2 * node + 1, mid, to, limit, t, out);
  }

  /** The number of values ≤ {@code key} in the sorted {@code values}. */
  static int upperBound(long[] values, long key) {
    int low = 0;
    int high = values.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (values[mid] <= key) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /** The number of values < {@code key} in the sorted {@code values}. */
  static int lowerBound(long[] values, long key) {
    int low = 0;
    int high = values.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (values[mid] < key) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
