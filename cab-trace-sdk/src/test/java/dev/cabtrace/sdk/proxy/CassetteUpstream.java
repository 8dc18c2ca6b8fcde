package dev.cabtrace.sdk.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPOutputStream;

/**
 * The cassette tests' local upstream, answering like OpenAI Chat Completions and Anthropic
 * Messages. The requested model steers it: {@code counter} answers "answer N" for the N-th call, {@code fail-429} a rate
 * limit, {@code gzip} a gzip-encoded answer, {@code echo-key} an answer that repeats the API key, {@code secret-headers} one with headers named as secrets,
 * {@code repeat} an answer whose content is the first message's (streamed: then " then run"),
 * {@code split} a stream of the first message's content in deltas of 4 characters (Chat Completions
 * and Messages); a streamed request is answered at the pace of {@link #TTFB_MILLIS} and {@link
 * #GAPS_MILLIS} (events past those at once);
 * {@link #ECHO} answers its query back.
 */
final class CassetteUpstream implements AutoCloseable {

  static final String API_KEY = "sk-proj-CASSETTESECRET0123456789abcdef";
  static final String CHAT = "/v1/chat/completions";
  static final String MESSAGES = "/v1/messages";
  static final String ECHO = "/v1/echo";
  static final long TTFB_MILLIS = 150;
  static final long[] GAPS_MILLIS = {0, 120, 260, 90, 200};

  static final String MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-5-mini\",\"object\":\"model\"}]}";
  static final String USAGE = "\"usage\":{\"prompt_tokens\":5210,\"completion_tokens\":388,\"total_tokens\":5598,"
      + "\"prompt_tokens_details\":{\"cached_tokens\":1024},\"completion_tokens_details\":{\"reasoning_tokens\":128}}";

  final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger counter = new AtomicInteger();
  private final HttpServer server;
  private boolean closed;

  CassetteUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(CHAT, exchange -> handle(exchange, this::chat));
    server.createContext(MESSAGES, exchange -> handle(exchange, this::messages));
    server.createContext("/v1/models", exchange -> handle(exchange, (e, request) -> {
      e.getResponseHeaders().set("X-Request-Id", "req_models");
      send(e, 200, MODELS.getBytes(StandardCharsets.UTF_8), null);
    }));
    server.createContext(ECHO, exchange -> handle(exchange, (e, request) -> send(e, 200,
        ("{\"query\":\"" + e.getRequestURI().getRawQuery() + "\"}").getBytes(StandardCharsets.UTF_8), null)));
    server.start();
  }

  interface Answer {
    void answer(HttpExchange exchange, String request) throws IOException;
  }

  private void handle(HttpExchange exchange, Answer answer) throws IOException {
    try (exchange) {
      calls.incrementAndGet();
      answer.answer(exchange, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static String model(String request) {
    int at = request.indexOf("\"model\":\"");
    return at < 0 ? "unknown" : request.substring(at + 9, request.indexOf('"', at + 9));
  }

  private void chat(HttpExchange exchange, String request) throws IOException {
    String model = model(request);
    if (model.equals("secret-headers")) {
      // Headers an upstream may answer with whose names say they hold secrets, and one that does not.
      exchange.getResponseHeaders().set("x-goog-api-key", "googH4");
      exchange.getResponseHeaders().set("x-request-token", "tokH3");
      exchange.getResponseHeaders().set("x-ratelimit-remaining-tokens", "9990");
    }
    if (model.equals("fail-429")) {
      exchange.getResponseHeaders().set("Retry-After", "1");
      send(exchange, 429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"
          .getBytes(StandardCharsets.UTF_8), null);
      return;
    }
    if (model.equals("repeat")) {
      repeat(exchange, request);
      return;
    }
    if (model.equals("split")) {
      List<String> events = new java.util.ArrayList<>();
      for (String delta : deltas(request)) {
        events.add("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"split\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + delta + "},\"finish_reason\":null}]}\n\n");
      }
      events.add("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"split\","
          + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]," + USAGE + "}\n\n");
      events.add("data: [DONE]\n\n");
      stream(exchange, events);
      return;
    }
    if (request.contains("\"stream\":true")) {
      stream(exchange, List.of(
          "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model + "-2025\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
          "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model + "-2025\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\u00e9\"},\"finish_reason\":null}]}\n\n",
          "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model + "-2025\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
          "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model + "-2025\",\"choices\":[]," + USAGE + "}\n\n",
          "data: [DONE]\n\n"));
      return;
    }
    if (model.endsWith("latin1-key")) {
      // Not UTF-8: a byte of ISO-8859-1 (é) before the key.
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"" + model
          + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"caf").getBytes(StandardCharsets.US_ASCII));
      body.write(0xe9);
      body.writeBytes((" key " + API_KEY + "\"},\"finish_reason\":\"stop\"}]," + USAGE + "}").getBytes(StandardCharsets.US_ASCII));
      send(exchange, 200, body.toByteArray(), model.startsWith("gzip") ? "gzip" : null);
      return;
    }
    String content = model.equals("counter") ? "answer " + counter.incrementAndGet()
        : model.equals("echo-key") ? "your key is " + API_KEY : "Hello";
    String body = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1781680664,\"model\":\"" + model + "-2025\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}],"
        + USAGE + "}";
    send(exchange, 200, body.getBytes(StandardCharsets.UTF_8), model.equals("gzip") ? "gzip" : null);
  }

  private static void repeat(HttpExchange exchange, String request) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode parsed = mapper.readTree(request);
    String content = parsed.get("messages").get(0).get("content").asText();
    JsonNode usage = mapper.readTree("{" + USAGE + "}").get("usage");
    if (!parsed.path("stream").asBoolean()) {
      ObjectNode body = mapper.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
          .put("model", "repeat-2025");
      ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", content);
      choice.put("finish_reason", "stop");
      body.set("usage", usage);
      send(exchange, 200, mapper.writeValueAsBytes(body), null);
      return;
    }
    List<String> events = new java.util.ArrayList<>();
    for (String delta : new String[] {content, " then run", null, null}) {
      ObjectNode chunk = mapper.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
          .put("model", "repeat-2025");
      if (delta != null || events.size() == 2) {
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        if (delta != null) {
          choice.putObject("delta").put("content", delta);
          choice.putNull("finish_reason");
        } else {
          choice.putObject("delta");
          choice.put("finish_reason", "length");
        }
      } else {
        chunk.putArray("choices");
        chunk.set("usage", usage);
      }
      events.add("data: " + mapper.writeValueAsString(chunk) + "\n\n");
    }
    events.add("data: [DONE]\n\n");
    stream(exchange, events);
  }

  /** The first message's content in pieces of 4 characters, each a JSON string. */
  private static List<String> deltas(String request) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    String content = mapper.readTree(request).get("messages").get(0).get("content").asText();
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < content.length(); i += 4) {
      out.add(mapper.writeValueAsString(content.substring(i, Math.min(content.length(), i + 4))));
    }
    return out;
  }

  private void messages(HttpExchange exchange, String request) throws IOException {
    String model = model(request);
    if (model.equals("split")) {
      List<String> events = new java.util.ArrayList<>();
      events.add("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"split\","
          + "\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n");
      for (String delta : deltas(request)) {
        events.add("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":" + delta + "}}\n\n");
      }
      events.add("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
          + "\"usage\":{\"output_tokens\":30}}\n\n");
      events.add("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
      stream(exchange, events);
      return;
    }
    stream(exchange, List.of(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"" + model + "\",\"stop_reason\":null,\"usage\":{\"input_tokens\":2095,\"cache_read_input_tokens\":1800,\"output_tokens\":1}}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":503}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
  }

  private static void send(HttpExchange exchange, int status, byte[] body, String coding) throws IOException {
    if (coding != null) {
      ByteArrayOutputStream zipped = new ByteArrayOutputStream();
      try (OutputStream gzip = new GZIPOutputStream(zipped)) {
        gzip.write(body);
      }
      body = zipped.toByteArray();
      exchange.getResponseHeaders().set("Content-Encoding", coding);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static void stream(HttpExchange exchange, List<String> events) throws IOException {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(TTFB_MILLIS));
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    for (int i = 0; i < events.size(); i++) {
      if (i < GAPS_MILLIS.length) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(GAPS_MILLIS[i]));
      }
      out.write(events.get(i).getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }
}
