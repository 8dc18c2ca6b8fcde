package dev.cabtrace.replay.timeline;

import dev.cabtrace.replay.internal.SaturatingSum;

/**
 * Tokens summed over model calls. A call that did not report its input or its output count adds
 * nothing to any sum, not even the count it did report (the sums are over whole usages); {@code
 * unknownCalls} says how many such calls there were.
 *
 * @param input prompt tokens
 * @param output completion tokens
 * @param cacheRead prompt tokens read from cache
 * @param reasoning completion tokens spent reasoning
 * @param calls model calls counted
 * @param unknownCalls calls whose input or output count is unknown
 */
public record TokenTotals(
    long input, long output, long cacheRead, long reasoning, long calls, long unknownCalls) {

  /** No calls at all. */
  public static final TokenTotals ZERO = new TokenTotals(0, 0, 0, 0, 0, 0);

  /** Input plus output tokens, held at {@link Long#MAX_VALUE} rather than wrapping around. */
  public long total() {
    return SaturatingSum.of(input, output);
  }

  /** These totals with one more call added. */
  public TokenTotals plus(ModelCall call) {
    if (call.inputTokens() == null || call.outputTokens() == null) {
      return new TokenTotals(input, output, cacheRead, reasoning, calls + 1, unknownCalls + 1);
    }
    return new TokenTotals(
        SaturatingSum.of(input, call.inputTokens()),
        SaturatingSum.of(output, call.outputTokens()),
        SaturatingSum.of(cacheRead, orZero(call.cacheReadInputTokens())),
        SaturatingSum.of(reasoning, orZero(call.reasoningOutputTokens())),
        calls + 1,
        unknownCalls);
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
