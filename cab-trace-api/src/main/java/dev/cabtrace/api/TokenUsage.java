package dev.cabtrace.api;

/**
 * The token counts of one model call, as the provider reported them. A count the provider did not
 * report is {@code null}: unknown, never guessed.
 *
 * @param inputTokens prompt tokens ({@code gen_ai.usage.input_tokens})
 * @param outputTokens completion tokens ({@code gen_ai.usage.output_tokens})
 * @param cacheReadInputTokens prompt tokens read from cache, or null
 * @param reasoningOutputTokens completion tokens spent reasoning, or null
 */
public record TokenUsage(
    Long inputTokens, Long outputTokens, Long cacheReadInputTokens, Long reasoningOutputTokens) {

  private static final TokenUsage UNKNOWN = new TokenUsage(null, null, null, null);

  /** Input and output counts, with no cache or reasoning details. */
  public static TokenUsage of(long inputTokens, long outputTokens) {
    return new TokenUsage(inputTokens, outputTokens, null, null);
  }

  /** Usage the provider did not report. */
  public static TokenUsage unknown() {
    return UNKNOWN;
  }
}
