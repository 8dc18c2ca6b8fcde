package dev.cabtrace.replay.timeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the spans running at a moment in O((k + 1) log n) for k answers: spans sorted by start,
 * and a segment tree holding the latest end of each range, so that whole ranges that ended
 * before the moment are skipped.
 */
final class ActiveSpanIndex {

  private final long[] starts;
  private final long[] ends;
  private final long[] maxEnd;
  private final int size;

  ActiveSpanIndex(long[] starts, long[] ends) {
    this.starts = starts;
    this.ends = ends;
    int n = 1;
    while (n < Math.max(1, starts.length)) {
      n <<= 1;
    }
    this.size = n;
    // The inner nodes only: a leaf's latest end is its span's end (8 bytes a span fewer).
    this.maxEnd = new long[n];
    for (int i = n - 1; i >= 1; i--) {
      maxEnd[i] = Math.max(nodeEnd(2 * i), nodeEnd(2 * i + 1));
    }
  }

  /** The latest end under {@code node}: an inner node's, or a leaf's own (none past the last span). */
  private long nodeEnd(int node) {
    if (node < size) {
      return maxEnd[node];
    }
    int span = node - size;
    return span < ends.length ? ends[span] : Long.MIN_VALUE;
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

  private void collect(int node, int from, int to, int limit, long t, List<Integer> out) {
    if (from >= limit || nodeEnd(node) <= t) {
      return;
    }
    if (to - from == 1) {
      out.add(from);
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
