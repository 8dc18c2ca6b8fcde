package dev.cabtrace.sdk.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * A local upstream answering like the OpenAI Chat Completions, OpenAI Responses and Anthropic
 * Messages APIs (shapes from their public API references), streaming and not. The requested model
 * steers it: {@code fail-429}/{@code fail-500} answer with that status, {@code slow} waits 300 ms
 * before its first byte.
 */
final class FakeProviders implements AutoCloseable {

  static final Duration SLOW = Duration.ofMillis(300);

  private final HttpServer server;

  FakeProviders() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.createContext("/v1/chat/completions", this::chat);
    server.createContext("/v1/responses", this::responses);
    server.createContext("/v1/messages", this::messages);
    server.createContext("/v1/files", this::file);
    server.createContext("/v1/threads", this::threadMessage);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static String body(HttpExchange exchange) throws IOException {
    return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static String model(String request) {
    int at = request.indexOf("\"model\":\"");
    return at < 0 ? "unknown" : request.substring(at + 9, request.indexOf('"', at + 9));
  }

  private static boolean steered(HttpExchange exchange, String model) throws IOException {
    if (model.equals("slow")) {
      LockSupport.parkNanos(SLOW.toNanos());
    }
    if (model.startsWith("fail-")) {
      int status = Integer.parseInt(model.substring(5));
      send(exchange, status, "application/json",
          "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
      return true;
    }
    return false;
  }

  private void chat(HttpExchange exchange) throws IOException {
    String request = body(exchange);
    String model = model(request);
    if (steered(exchange, model)) {
      return;
    }
    if (request.contains("\"stream\":true")) {
      boolean usage = request.contains("\"include_usage\":true");
      stream(exchange, List.of(
          "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"" + model + "-2025\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
          "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"" + model + "-2025\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n",
          "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"" + model + "-2025\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
          usage
              ? "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"" + model + "-2025\",\"choices\":[],\"usage\":{\"prompt_tokens\":5210,\"completion_tokens\":388,\"total_tokens\":5598,\"prompt_tokens_details\":{\"cached_tokens\":1024},\"completion_tokens_details\":{\"reasoning_tokens\":128}}}\n\n"
              : "",
          "data: [DONE]\n\n"));
      return;
    }
    send(exchange, 200, "application/json",
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1781680664,\"model\":\"" + model + "-2025\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"},"
            + "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"length\"}],"
            + "\"usage\":{\"prompt_tokens\":5210,\"completion_tokens\":388,\"total_tokens\":5598,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":1024},\"completion_tokens_details\":{\"reasoning_tokens\":128}}}");
  }

  private void responses(HttpExchange exchange) throws IOException {
    String request = body(exchange);
    String model = model(request);
    if (steered(exchange, model)) {
      return;
    }
    String response = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1781680664,\"status\":\"completed\","
        + "\"model\":\"" + model + "-2025\",\"output\":[{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hello\"}]}],"
        + "\"usage\":{\"input_tokens\":6044,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":120,"
        + "\"output_tokens_details\":{\"reasoning_tokens\":64},\"total_tokens\":6164}}";
    if (request.contains("\"stream\":true")) {
      stream(exchange, List.of(
          "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\",\"model\":\"" + model + "-2025\",\"usage\":null}}\n\n",
          "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hello\"}\n\n",
          "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":" + response + "}\n\n"));
      return;
    }
    send(exchange, 200, "application/json", response);
  }

  private void messages(HttpExchange exchange) throws IOException {
    String request = body(exchange);
    String model = model(request);
    if (steered(exchange, model)) {
      return;
    }
    if (model.equals("cache-writes")) {
      send(exchange, 200, "application/json",
          "{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\","
              + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":3,"
              + "\"cache_creation_input_tokens\":2000,\"cache_read_input_tokens\":50000,\"output_tokens\":10}}");
      return;
    }
    if (model.equals("overloaded-mid-stream")) {
      stream(exchange, List.of(
          "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"" + model + "\",\"stop_reason\":null,\"usage\":{\"input_tokens\":20,\"output_tokens\":1}}}\n\n",
          "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"));
      return;
    }
    if (request.contains("\"stream\":true")) {
      stream(exchange, List.of(
          "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"" + model + "\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":2095,\"cache_read_input_tokens\":1800,\"output_tokens\":1}}}\n\n",
          "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
          "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
          "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
          "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":503}}\n\n",
          "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
      return;
    }
    send(exchange, 200, "application/json",
        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":2095,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":1800,\"output_tokens\":503}}");
  }

  /** Not a model call: a binary body with its own header and status, to pass through untouched. */
  private void file(HttpExchange exchange) throws IOException {
    byte[] request = exchange.getRequestBody().readAllBytes();
    byte[] answer = new byte[256 + request.length];
    for (int i = 0; i < 256; i++) {
      answer[i] = (byte) i;
    }
    System.arraycopy(request, 0, answer, 256, request.length);
    exchange.getResponseHeaders().set("X-Echo-Query", String.valueOf(exchange.getRequestURI().getRawQuery()));
    exchange.getResponseHeaders().set("X-Echo-Custom", String.valueOf(exchange.getRequestHeaders().getFirst("X-Custom")));
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    exchange.sendResponseHeaders(418, answer.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer);
    }
  }

  /** OpenAI Assistants, {@code POST /v1/threads/{thread_id}/messages}: adds a message, calls no model. */
  private void threadMessage(HttpExchange exchange) throws IOException {
    body(exchange);
    String thread = exchange.getRequestURI().getPath().split("/")[3];
    send(exchange, 200, "application/json", "{\"id\":\"msg_1\",\"object\":\"thread.message\",\"thread_id\":\""
        + thread + "\",\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":{\"value\":\"hi\"}}]}");
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void stream(HttpExchange exchange, List<String> events) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      for (String event : events) {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }
  }
}
