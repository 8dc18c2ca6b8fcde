package dev.cabtrace.sdk.proxy;

import java.util.List;

/** The model APIs the proxy understands, and where each keeps its usage. */
enum ModelApi {
  /** OpenAI Chat Completions, {@code POST .../chat/completions}. */
  OPENAI_CHAT("openai"),
  /** OpenAI Responses, {@code POST .../responses}. */
  OPENAI_RESPONSES("openai"),
  /** Anthropic Messages, {@code POST .../v1/messages}. */
  ANTHROPIC_MESSAGES("anthropic");

  final String provider;

  ModelApi(String provider) {
    this.provider = provider;
  }

  static ModelApi of(String method, String path) {
    if (!"POST".equals(method)) {
      return null;
    }
    if (path.endsWith("/chat/completions")) {
      return OPENAI_CHAT;
    }
    if (path.endsWith("/responses")) {
      return OPENAI_RESPONSES;
    }
    if (isAnthropicMessages(path)) {
      return ANTHROPIC_MESSAGES;
    }
    return null;
  }

  /**
   * {@code /v1/messages} under any base path, but not OpenAI Assistants' {@code
   * /v1/threads/{thread_id}/messages} (a thread may be named "v1"), which is no model call.
   */
  private static boolean isAnthropicMessages(String path) {
    String suffix = "/v1/messages";
    return path.endsWith(suffix) && !path.substring(0, path.length() - suffix.length()).endsWith("/threads");
  }

  /** The model and the token counts, at the API's paths under {@code prefix}; a null path is not read. */
  private static void counts(JsonFields fields, CallRecord usage, String prefix, String input, String output,
      String cacheRead, String reasoning) {
    usage.model(fields.first(prefix + "model"));
    usage.input(fields.count(prefix + input));
    usage.output(fields.count(prefix + output));
    usage.cacheRead(fields.count(prefix + cacheRead));
    if (reasoning != null) {
      usage.reasoning(fields.count(prefix + reasoning));
    }
  }

  /** {@code a + b}, b absent counting 0, held at the largest long rather than wrapping. */
  private static long plus(long a, Long b) {
    if (b == null) {
      return a;
    }
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /** Reads what one response document (or one streamed event) says into {@code usage}. */
  void read(JsonFields fields, CallRecord usage) {
    switch (this) {
      case OPENAI_CHAT:
        counts(fields, usage, "", "usage.prompt_tokens", "usage.completion_tokens",
            "usage.prompt_tokens_details.cached_tokens", "usage.completion_tokens_details.reasoning_tokens");
        usage.finishReasons(fields.all("choices.finish_reason"));
        if (fields.first("error.message") != null || fields.first("error.type") != null) {
          usage.error(fields.first("error.type"), fields.first("error.message"));
        }
        break;
      case OPENAI_RESPONSES:
        // Non-streaming: the response itself; streaming: {"type":"response.completed","response":{...}}.
        String prefix = fields.first("response.model") != null ? "response." : "";
        counts(fields, usage, prefix, "usage.input_tokens", "usage.output_tokens",
            "usage.input_tokens_details.cached_tokens", "usage.output_tokens_details.reasoning_tokens");
        String status = fields.first(prefix + "status");
        String incomplete = fields.first(prefix + "incomplete_details.reason");
        if (incomplete != null) {
          usage.finishReasons(List.of(incomplete));
        } else if (status != null && !status.equals("in_progress")) {
          usage.finishReasons(List.of(status));
        }
        String event = fields.first("type");
        if ("response.failed".equals(event)) {
          usage.error(fields.first("response.error.code"), fields.first("response.error.message"));
        } else if ("error".equals(event)) {
          usage.error(fields.first("code"), fields.first("message"));
        }
        break;
      case ANTHROPIC_MESSAGES:
        // Non-streaming: the message; streaming: message_start {"message":{...}}, message_delta {...}.
        String message = fields.first("message.model") != null ? "message." : "";
        counts(fields, usage, message, "usage.input_tokens", "usage.output_tokens", "usage.cache_read_input_tokens", null);
        // The GenAI conventions count every input token, cached ones too (as OpenAI's prompt_tokens
        // does); Anthropic's input_tokens leaves out the tokens read from and written to the cache.
        Long uncached = fields.count(message + "usage.input_tokens");
        if (uncached != null) {
          usage.input(plus(plus(uncached, fields.count(message + "usage.cache_read_input_tokens")),
              fields.count(message + "usage.cache_creation_input_tokens")));
        }
        String stop = fields.first(message.isEmpty() ? "stop_reason" : "message.stop_reason");
        if (stop == null) {
          stop = fields.first("delta.stop_reason");
        }
        if (stop != null) {
          usage.finishReasons(List.of(stop));
        }
        if ("error".equals(fields.first("type"))) {
          usage.error(fields.first("error.type"), fields.first("error.message"));
        }
        break;
      default:
        break;
    }
  }
}
