package dev.cabtrace.replay.timeline;

import java.util.List;

/** Tokens of the first k model calls for every k, in primitive arrays: O(1) per frame. */
final class TokenPrefixSums {

  private final long[] input;
  private final long[] output;
  private final long[] cacheRead;
  private final long[] reasoning;
  private final long[] unknown;

  /** From the spans of the calls, in end order; reads only the four counts, no records. */
  TokenPrefixSums(List<TimelineSpan> calls) {
    int n = calls.size();
    input = new long[n + 1];
    output = new long[n + 1];
    cacheRead = new long[n + 1];
    reasoning = new long[n + 1];
    unknown = new long[n + 1];
    for (int i = 0; i < n; i++) {
      TimelineSpan span = calls.get(i);
      Long in = ModelCall.inputTokens(span);
      Long out = ModelCall.outputTokens(span);
      input[i + 1] = input[i] + orZero(in);
      output[i + 1] = output[i] + orZero(out);
      cacheRead[i + 1] = cacheRead[i] + orZero(ModelCall.cacheReadInputTokens(span));
      reasoning[i + 1] = reasoning[i] + orZero(ModelCall.reasoningOutputTokens(span));
      unknown[i + 1] = unknown[i] + (in == null || out == null ? 1 : 0);
    }
  }

  /** The totals of the first {@code calls} calls. */
  TokenTotals after(int calls) {
    return new TokenTotals(input[calls], output[calls], cacheRead[calls], reasoning[calls], calls, unknown[calls]);
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
