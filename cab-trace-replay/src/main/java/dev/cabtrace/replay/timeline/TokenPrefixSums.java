package dev.cabtrace.replay.timeline;

import dev.cabtrace.replay.internal.SaturatingSum;

import java.util.List;

/**
 * Tokens of the first k model calls for every k, in primitive arrays: O(1) per frame. Cache-read
 * and reasoning counts, which most traces never record, take no array until one is recorded.
 */
final class TokenPrefixSums {

  private final long[] input;
  private final long[] output;
  private final long[] cacheRead; // null: none recorded
  private final long[] reasoning; // null: none recorded
  private final int[] unknown;

  /**
   * From the calls {@code calls}, their positions in {@code spans} in end order; reads only the
   * four counts, no records.
   */
  TokenPrefixSums(List<TimelineSpan> spans, int[] calls) {
    int n = calls.length;
    input = new long[n + 1];
    output = new long[n + 1];
    unknown = new int[n + 1];
    // The rare counts get their arrays at the first call that records one: a fresh array costs
    // its pages, and a million calls' worth is megabytes. Until then every sum is 0.
    long[] cache = null;
    long[] thinking = null;
    for (int i = 0; i < n; i++) {
      TimelineSpan span = spans.get(calls[i]);
      Long in = ModelCall.inputTokens(span);
      Long out = ModelCall.outputTokens(span);
      // A call missing either count adds nothing, as TokenTotals.plus: half a usage is not a usage.
      boolean known = in != null && out != null;
      long cached = known ? orZero(ModelCall.cacheReadInputTokens(span)) : 0;
      long reasoned = known ? orZero(ModelCall.reasoningOutputTokens(span)) : 0;
      input[i + 1] = SaturatingSum.of(input[i], known ? in : 0);
      output[i + 1] = SaturatingSum.of(output[i], known ? out : 0);
      unknown[i + 1] = unknown[i] + (known ? 0 : 1);
      if (cached != 0 && cache == null) {
        cache = new long[n + 1];
      }
      if (cache != null) {
        cache[i + 1] = SaturatingSum.of(cache[i], cached);
      }
      if (reasoned != 0 && thinking == null) {
        thinking = new long[n + 1];
      }
      if (thinking != null) {
        thinking[i + 1] = SaturatingSum.of(thinking[i], reasoned);
      }
    }
    cacheRead = cache;
    reasoning = thinking;
  }

  /** The totals of the first {@code calls} calls. */
  TokenTotals after(int calls) {
    return new TokenTotals(input[calls], output[calls], cacheRead == null ? 0 : cacheRead[calls],
        reasoning == null ? 0 : reasoning[calls], calls, unknown[calls]);
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
