package dev.cabtrace.replay.timeline;

import java.util.List;

/**
 * One model call and its token record, read from a {@code model_call} span (or any span carrying
 * the GenAI usage attributes). A count the trace does not hold is null.
 *
 * @param span the span it was read from
 * @param provider {@code gen_ai.provider.name} (or the older {@code gen_ai.system}), or null
 * @param requestModel {@code gen_ai.request.model}, or null
 * @param responseModel {@code gen_ai.response.model}, or null
 * @param inputTokens prompt tokens, or null (as every count: a negative figure is not one, and reads as null)
 * @param outputTokens completion tokens, or null
 * @param cacheReadInputTokens cached prompt tokens, or null
 * @param reasoningOutputTokens reasoning tokens, or null
 * @param finishReasons why it stopped
 * @param requestHash {@code cab.request_hash}, or null
 */
public record ModelCall(
    TimelineSpan span,
    String provider,
    String requestModel,
    String responseModel,
    Long inputTokens,
    Long outputTokens,
    Long cacheReadInputTokens,
    Long reasoningOutputTokens,
    List<String> finishReasons,
    String requestHash) {

  /** The model the call is counted under: the answering model, else the requested one. */
  public String model() {
    return responseModel != null ? responseModel : requestModel != null ? requestModel : "unknown";
  }

  /** The call's latency, its span's duration. */
  public long latencyNanos() {
    return span.durationNanos();
  }

  /** The call {@code span} records, or null when it records none. */
  public static ModelCall of(TimelineSpan span) {
    ModelCall call = span.modelCallRecord;
    return call != null || !span.isModelCall() ? call : readAhead(span);
  }

  /**
   * Reads the call {@code span} records now and keeps it with the span, for a reader that builds
   * spans on one thread for a ledger that sums them on another: {@link #of} then finds it read.
   * (Apart from {@code of}, so that a ledger's compiled code does not carry the reading.)
   *
   * @return the call, or null when the span records none
   */
  public static ModelCall readAhead(TimelineSpan span) {
    ModelCall call = span.modelCallRecord;
    if (call == null && span.isModelCall()) {
      call = from(span);
      span.modelCallRecord = call;
    }
    return call;
  }

  // The keys each field is read from, the first present one winning (kept: a million calls are read).
  private static final String[] PROVIDER = {"gen_ai.provider.name", "gen_ai.system"};
  private static final String[] REQUEST_MODEL = {"gen_ai.request.model"};
  private static final String[] RESPONSE_MODEL = {"gen_ai.response.model"};
  private static final String[] REQUEST_HASH = {"cab.request_hash"};
  private static final String[] INPUT_TOKENS = {"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"};
  private static final String[] OUTPUT_TOKENS = {"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"};
  private static final String[] CACHE_READ_INPUT_TOKENS =
      {"gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"};
  private static final String[] REASONING_OUTPUT_TOKENS = {"gen_ai.usage.reasoning.output_tokens"};

  static ModelCall from(TimelineSpan span) {
    return new ModelCall(
        span,
        firstString(span, PROVIDER),
        firstString(span, REQUEST_MODEL),
        firstString(span, RESPONSE_MODEL),
        inputTokens(span),
        outputTokens(span),
        cacheReadInputTokens(span),
        reasoningOutputTokens(span),
        strings(span.attributes().get("gen_ai.response.finish_reasons")),
        firstString(span, REQUEST_HASH));
  }

  static Long inputTokens(TimelineSpan span) {
    return firstLong(span, INPUT_TOKENS);
  }

  static Long outputTokens(TimelineSpan span) {
    return firstLong(span, OUTPUT_TOKENS);
  }

  static Long cacheReadInputTokens(TimelineSpan span) {
    return firstLong(span, CACHE_READ_INPUT_TOKENS);
  }

  static Long reasoningOutputTokens(TimelineSpan span) {
    return firstLong(span, REASONING_OUTPUT_TOKENS);
  }

  /** Whether the span says anything about a model call. */
  static boolean describesCall(TimelineSpan span) {
    return span.isModelCall();
  }

  /**
   * Whether {@code span} declares itself a model call ({@code cab.span.kind=model_call}), as
   * cab-trace's tracer and proxy write them, rather than being taken for one by its GenAI
   * attributes alone. A trace with any declared call counts only those: an agent's own GenAI span
   * for a call that also went through {@code record}'s proxy is the same call seen twice.
   */
  public static boolean declares(TimelineSpan span) {
    return span.declaresModelCall();
  }

  private static String firstString(TimelineSpan span, String[] keys) {
    for (String key : keys) {
      Object value = span.attributes().get(key);
      if (value != null) {
        return String.valueOf(value);
      }
    }
    return null;
  }

  private static Long firstLong(TimelineSpan span, String[] keys) {
    for (String key : keys) {
      Long count = count(span.attributes().get(key));
      // A negative figure is not a count either (a load warning names it): look at the next key.
      if (count != null && count >= 0) {
        return count;
      }
    }
    return null;
  }

  /** {@code value} as a whole number, or null when it is none. */
  private static Long count(Object value) {
    if (value instanceof Long) {
      return (Long) value; // as read: the count is not boxed again
    }
    if (value instanceof Number) {
      return ((Number) value).longValue();
    }
    if (value instanceof String) {
      try {
        return Long.parseLong(((String) value).trim());
      } catch (NumberFormatException e) {
        return null; // not a count
      }
    }
    return null;
  }

  private static final String[][] COUNTS = {INPUT_TOKENS, OUTPUT_TOKENS, CACHE_READ_INPUT_TOKENS, REASONING_OUTPUT_TOKENS};

  /**
   * The first token-count attribute of {@code span} whose value is negative, as {@code key=value},
   * or null when none is: a figure not taken for a count ({@link #inputTokens}, ...), which the
   * timeline's builder warns of.
   */
  static String negativeCount(TimelineSpan span) {
    for (String[] keys : COUNTS) {
      for (String key : keys) {
        Long count = count(span.attributes().get(key));
        if (count != null && count < 0) {
          return key + "=" + count;
        }
      }
    }
    return null;
  }

  private static boolean allStrings(List<?> list) {
    for (Object item : list) {
      if (!(item instanceof String)) {
        return false;
      }
    }
    return true;
  }

  private static List<String> strings(Object value) {
    if (value instanceof List<?>) {
      List<?> list = (List<?>) value;
      if (allStrings(list)) {
        @SuppressWarnings("unchecked")
        List<String> strings = List.copyOf((List<String>) list); // itself, when already immutable
        return strings;
      }
      String[] out = new String[list.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = String.valueOf(list.get(i));
      }
      return List.of(out);
    }
    if (value instanceof String) {
      String text = ((String) value).trim();
      // Zipkin and Jaeger carry arrays as JSON text.
      if (text.startsWith("[") && text.endsWith("]")) {
        return java.util.Arrays.stream(text.substring(1, text.length() - 1).split(","))
            .map(s -> s.trim().replaceAll("^\"|\"$", ""))
            .filter(s -> !s.isEmpty())
            .toList();
      }
      return text.isEmpty() ? List.of() : List.of(text);
    }
    return List.of();
  }
}
