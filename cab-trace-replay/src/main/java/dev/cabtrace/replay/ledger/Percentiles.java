package dev.cabtrace.replay.ledger;

import java.util.Arrays;

/** The statistics a ledger reports, on nanosecond values so that sums and ranks are exact. */
final class Percentiles {

  private Percentiles() {}

  /** The median in nanoseconds: the middle value, or the mean of the middle two; 0 when empty. */
  static double median(long[] values) {
    if (values.length == 0) {
      return 0;
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    if (sorted.length % 2 == 1) {
      return sorted[middle];
    }
    // Halves first, so that two large values cannot overflow.
    return sorted[middle - 1] / 2.0 + sorted[middle] / 2.0;
  }

  /** The nearest-rank percentile: the ⌈p/100 · n⌉-th smallest value; 0 when empty. */
  static long nearestRank(long[] values, int percent) {
    if (values.length == 0) {
      return 0;
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
