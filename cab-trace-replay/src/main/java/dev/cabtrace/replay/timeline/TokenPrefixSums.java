package dev.cabtrace.replay.timeline;

import java.util.List;

/** Tokens of the first k model calls for every k, in primitive arrays: O(1) per frame. */
final class TokenPrefixSums {

  private final long[] input;
  private final long[] output;
  private final long[] cacheRead;
  private final long[] reasoning;
  private final long[] unknown;

  TokenPrefixSums(List<ModelCall> calls) {
    int n = calls.size();
    input = new long[n + 1];
    output = new long[n + 1];
    cacheRead = new long[n + 1];
    reasoning = new long[n + 1];
    unknown = new long[n + 1];
    for (int i = 0; i < n; i++) {
      ModelCall call = calls.get(i);
      input[i + 1] = input[i] + orZero(call.inputTokens());
      output[i + 1] = output[i] + orZero(call.outputTokens());
      cacheRead[i + 1] = cacheRead[i] + orZero(call.cacheReadInputTokens());
      reasoning[i + 1] = reasoning[i] + orZero(call.reasoningOutputTokens());
      unknown[i + 1] = unknown[i] + (call.inputTokens() == null || call.outputTokens() == null ? 1 : 0);
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
