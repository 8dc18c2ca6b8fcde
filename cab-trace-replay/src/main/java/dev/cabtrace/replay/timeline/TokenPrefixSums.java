package dev.cabtrace.replay.timeline;

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

  /** From the spans of the calls, in end order; reads only the four counts, no records. */
  TokenPrefixSums(List<TimelineSpan> calls) {
    int n = calls.size();
    input = new long[n + 1];
    output = new long[n + 1];
    unknown = new int[n + 1];
    long[] cache = new long[n + 1];
    long[] thinking = new long[n + 1];
    boolean anyCache = false;
    boolean anyThinking = false;
    for (int i = 0; i < n; i++) {
      TimelineSpan span = calls.get(i);
      Long in = ModelCall.inputTokens(span);
      Long out = ModelCall.outputTokens(span);
      long cached = orZero(ModelCall.cacheReadInputTokens(span));
      long reasoned = orZero(ModelCall.reasoningOutputTokens(span));
      anyCache |= cached != 0;
      anyThinking |= reasoned != 0;
      input[i + 1] = input[i] + orZero(in);
      output[i + 1] = output[i] + orZero(out);
      cache[i + 1] = cache[i] + cached;
      thinking[i + 1] = thinking[i] + reasoned;
      unknown[i + 1] = unknown[i] + (in == null || out == null ? 1 : 0);
    }
    cacheRead = anyCache ? cache : null;
    reasoning = anyThinking ? thinking : null;
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
