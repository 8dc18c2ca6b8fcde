package dev.cabtrace.replay.internal;

/**
 * Sums of counts and durations that never wrap around: {@code a + b}, held at {@link
 * Long#MAX_VALUE} (or {@link Long#MIN_VALUE}) where it would overflow. A trace whose times were
 * clamped at the year 2262 or whose token counts are absurd must still sum to a figure, not to a
 * negative one. Internal: shared by cab-trace's own packages, not part of its API.
 */
public final class SaturatingSum {

  private SaturatingSum() {}

  /** {@code a + b}, held at the bound it would pass. */
  public static long of(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }
}
