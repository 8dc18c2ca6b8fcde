package dev.cabtrace.replay.timeline;

import dev.cabtrace.replay.internal.SaturatingSum;

/**
 * Tokens summed over model calls. Calls that did not report a count add nothing to it; {@code
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
    return new TokenTotals(
        SaturatingSum.of(input, orZero(call.inputTokens())),
        SaturatingSum.of(output, orZero(call.outputTokens())),
        SaturatingSum.of(cacheRead, orZero(call.cacheReadInputTokens())),
        SaturatingSum.of(reasoning, orZero(call.reasoningOutputTokens())),
        calls + 1,
        unknownCalls + (call.inputTokens() == null || call.outputTokens() == null ? 1 : 0));
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
