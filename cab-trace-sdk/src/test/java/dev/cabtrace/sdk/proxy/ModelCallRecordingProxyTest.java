package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real HTTP on loopback: a client, the proxy, and a local upstream shaped like the providers. */
@Timeout(60)
class ModelCallRecordingProxyTest {

  private static final String API_KEY = "sk-proj-SECRETSECRETSECRET0123456789";

  @TempDir Path dir;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private FakeProviders upstream;
  private CabTraceSdk sdk;
  private CellSpan container;
  private ModelCallRecordingProxy proxy;
  private Path capture;

  @BeforeEach
  void start() throws IOException {
    upstream = new FakeProviders();
    capture = dir.resolve("cell.jsonl");
    sdk = CabTraceSdk.builder().setCaptureFile(capture).addSpanExporter(spans).build();
    container = sdk.cellTracer().container("aider:run");
    proxy = ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer()).start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    container.close();
    sdk.close();
    upstream.close();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(proxy.baseUrl() + path))
            .header("Authorization", "Bearer " + API_KEY)
            .header("x-api-key", API_KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> direct(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(upstream.uri() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private List<SpanData> modelCalls(int expected) {
    return FinishedModelCalls.await(sdk, spans, expected);
  }

  private static Long attr(SpanData span, AttributeKey<Long> key) {
    return span.getAttributes().get(key);
  }

  @Test
  void openAiChatNonStreamingRecordsTheExactUsageAndPassesTheBodyThrough() throws Exception {
    String request = "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    HttpResponse<String> viaProxy = post("/v1/chat/completions", request);
    HttpResponse<String> withoutProxy = direct("/v1/chat/completions", request);

    assertThat(viaProxy.statusCode()).isEqualTo(200);
    assertThat(viaProxy.body()).isEqualTo(withoutProxy.body());
    SpanData call = modelCalls(1).get(0);
    assertThat(call.getName()).isEqualTo("chat gpt-5-mini");
    assertThat(call.getParentSpanId()).isEqualTo(container.spanContext().getSpanId());
    assertThat(call.getAttributes().get(CabAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
    assertThat(call.getAttributes().get(CabAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo("gpt-5-mini-2025");
    assertThat(attr(call, CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(5210);
    assertThat(attr(call, CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(388);
    assertThat(attr(call, CabAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1024);
    assertThat(attr(call, CabAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isEqualTo(128);
    assertThat(call.getAttributes().get(CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop", "length");
    assertThat(call.getAttributes().get(CabAttributes.REQUEST_HASH)).isEqualTo(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(request.getBytes(StandardCharsets.UTF_8))));
    assertThat(attr(call, AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);
  }

  @Test
  void openAiChatStreamingRecordsUsageOnlyWhenTheUpstreamSentIt() throws Exception {
    HttpResponse<String> withUsage = post("/v1/chat/completions",
        "{\"model\":\"gpt-5-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}");
    HttpResponse<String> without = post("/v1/chat/completions", "{\"model\":\"gpt-5-mini\",\"stream\":true,\"messages\":[]}");

    assertThat(withUsage.body()).contains("data: [DONE]").contains("\"usage\"");
    assertThat(withUsage.headers().firstValue("content-type")).hasValue("text/event-stream");
    List<SpanData> calls = modelCalls(2);
    assertThat(attr(calls.get(0), CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(5210);
    assertThat(attr(calls.get(0), CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(388);
    assertThat(calls.get(0).getAttributes().get(CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
    // No usage in the stream: unknown, never guessed.
    assertThat(attr(calls.get(1), CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    assertThat(attr(calls.get(1), CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isNull();
    assertThat(calls.get(1).getAttributes().get(CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
  }

  @Test
  void askingForUsageAddsStreamOptionsSoTheTokensAreKnown() throws Exception {
    try (ModelCallRecordingProxy asking =
        ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer()).setAskForUsage(true).start()) {
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(URI.create(asking.baseUrl() + "/v1/chat/completions"))
              .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-5-mini\",\"stream\":true,\"messages\":[]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).contains("\"prompt_tokens\":5210");
    }
    assertThat(attr(modelCalls(1).get(0), CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(5210);
  }

  @Test
  void openAiResponsesStreamingAndNot() throws Exception {
    post("/v1/responses", "{\"model\":\"gpt-5\",\"input\":\"hi\"}");
    HttpResponse<String> streamed = post("/v1/responses", "{\"model\":\"gpt-5\",\"input\":\"hi\",\"stream\":true}");

    assertThat(streamed.body()).contains("event: response.completed");
    for (SpanData call : modelCalls(2)) {
      assertThat(call.getName()).isEqualTo("chat gpt-5");
      assertThat(call.getAttributes().get(CabAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo("gpt-5-2025");
      assertThat(attr(call, CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(6044);
      assertThat(attr(call, CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(120);
      assertThat(attr(call, CabAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isEqualTo(64);
      assertThat(call.getAttributes().get(CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("completed");
    }
  }

  @Test
  void anthropicInputTokensCountTheTokensReadFromAndWrittenToTheCache() throws Exception {
    post("/v1/messages", "{\"model\":\"cache-writes\",\"max_tokens\":1024,\"messages\":[]}");

    SpanData call = modelCalls(1).get(0);
    assertThat(attr(call, CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(3 + 50_000 + 2_000);
    assertThat(attr(call, CabAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(50_000);
    assertThat(attr(call, CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(10);
  }

  @Test
  void anErrorEventInsideAStreamThatAnswered200FailsTheCall() throws Exception {
    HttpResponse<String> streamed = post("/v1/messages",
        "{\"model\":\"overloaded-mid-stream\",\"max_tokens\":1024,\"stream\":true,\"messages\":[]}");

    assertThat(streamed.statusCode()).isEqualTo(200);
    assertThat(streamed.body()).contains("overloaded_error");
    SpanData call = modelCalls(1).get(0);
    assertThat(call.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    assertThat(call.getStatus().getDescription()).isEqualTo("error in the stream: overloaded_error: Overloaded");
  }

  @Test
  void anthropicMessagesStreamingAndNot() throws Exception {
    post("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":[]}");
    HttpResponse<String> streamed = post("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,\"messages\":[]}");

    assertThat(streamed.body()).contains("event: message_stop");
    List<SpanData> calls = modelCalls(2);
    for (SpanData call : calls) {
      assertThat(call.getAttributes().get(CabAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("anthropic");
      // Anthropic's input_tokens (2095) plus the 1800 read from the cache: every input token, as the
      // GenAI conventions count them and OpenAI's prompt_tokens does.
      assertThat(attr(call, CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(3895);
      assertThat(attr(call, CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(503);
      assertThat(attr(call, CabAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1800);
      assertThat(call.getAttributes().get(CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("end_turn");
    }
  }

  @Test
  void upstreamErrorsReachTheClientUnchangedAndMakeErrorSpans() throws Exception {
    HttpResponse<String> limited = post("/v1/chat/completions", "{\"model\":\"fail-429\",\"messages\":[]}");
    HttpResponse<String> broken = post("/v1/messages", "{\"model\":\"fail-500\",\"messages\":[]}");

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.body()).contains("rate_limit_exceeded");
    assertThat(broken.statusCode()).isEqualTo(500);
    List<SpanData> calls = modelCalls(2);
    assertThat(calls).allSatisfy(call -> assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
    assertThat(calls).extracting(c -> attr(c, AttributeKey.longKey("http.response.status_code"))).containsExactly(429L, 500L);
  }

  @Test
  void aSlowUpstreamIsWaitedForAndItsTimeToFirstByteRecorded() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions", "{\"model\":\"slow\",\"messages\":[]}");

    assertThat(response.statusCode()).isEqualTo(200);
    SpanData call = modelCalls(1).get(0);
    double ttfb = call.getAttributes().get(AttributeKey.doubleKey("cab.time_to_first_byte_ms"));
    assertThat(ttfb).isGreaterThanOrEqualTo(FakeProviders.SLOW.toMillis() * 0.9);
    assertThat(call.getEndEpochNanos() - call.getStartEpochNanos()).isGreaterThanOrEqualTo((long) (ttfb * 1e6 * 0.9));
  }

  @Test
  void parallelCallsEachGetTheirOwnSpan() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      String path = i % 3 == 0 ? "/v1/chat/completions" : i % 3 == 1 ? "/v1/responses" : "/v1/messages";
      String body = "{\"model\":\"m" + i + "\",\"stream\":" + (i % 2 == 0) + ",\"stream_options\":{\"include_usage\":true}}";
      responses.add(pool.submit(() -> post(path, body)));
    }
    for (Future<HttpResponse<String>> response : responses) {
      assertThat(response.get().statusCode()).isEqualTo(200);
    }
    pool.shutdown();
    List<SpanData> calls = modelCalls(24);
    assertThat(calls).extracting(SpanData::getName).doesNotHaveDuplicates();
    assertThat(calls).allSatisfy(call -> assertThat(attr(call, CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isNotNull());
  }

  @Test
  void whatItDoesNotUnderstandPassesThroughByteForByte() throws Exception {
    byte[] payload = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 10, 13};
    HttpResponse<byte[]> response = client.send(
        HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/v1/files/abc?purpose=fine%2Dtune&x=1"))
            .header("X-Custom", "kept as is")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(payload)).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(418);
    assertThat(response.headers().firstValue("X-Echo-Query")).hasValue("purpose=fine%2Dtune&x=1");
    assertThat(response.headers().firstValue("X-Echo-Custom")).hasValue("kept as is");
    byte[] body = response.body();
    assertThat(body).hasSize(256 + payload.length);
    for (int i = 0; i < 256; i++) {
      assertThat(body[i]).isEqualTo((byte) i);
    }
    assertThat(java.util.Arrays.copyOfRange(body, 256, body.length)).isEqualTo(payload);
    assertThat(modelCalls(0)).isEmpty();
  }

  /**
   * A target that is not a path is answered, never dropped, and never sent on: glued onto a
   * portless upstream ({@code http://127.0.0.1}), {@code :PORT/...} named another server, which got
   * the client's key.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = ' ', value = {
      "GET :%d/v1/models 400",
      "POST 127.0.0.1:%d/v1/chat/completions 400",
      "OPTIONS * 400",
      "GET /v1/models?q=a|b 400",
      "CONNECT 127.0.0.1:%d 405"})
  void aTargetThatCannotBeForwardedIsAnsweredAndReachesNoOtherHost(String method, String target, int status)
      throws Exception {
    AtomicInteger reached = new AtomicInteger();
    try (ScriptedUpstream otherHost = new ScriptedUpstream().on("/", exchange -> {
          reached.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
        });
        ModelCallRecordingProxy portless =
            ModelCallRecordingProxy.builder(URI.create("http://127.0.0.1"), sdk.cellTracer()).start()) {
      String answer = RawHttp.exchange(portless.port(), method + " " + target.replace("%d", "" + otherHost.uri().getPort())
          + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + API_KEY + "\r\nContent-Length: 0\r\n"
          + "Connection: close\r\n\r\n");

      assertThat(answer).startsWith("HTTP/1.1 " + status + " ").contains("cab_trace_proxy");
      if (status == 405) {
        assertThat(answer).contains("\r\nAllow: GET, HEAD, POST");
      }
      assertThat(reached).as("requests that reached the other host").hasValue(0);
    }
  }

  @Test
  void theHostOfAnAbsoluteFormTargetIsNotWhereTheRequestGoes() throws Exception {
    AtomicInteger reached = new AtomicInteger();
    try (ScriptedUpstream otherHost = new ScriptedUpstream().on("/", exchange -> {
      reached.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
    })) {
      String answer = RawHttp.exchange(proxy.port(), "PUT http://127.0.0.1:" + otherHost.uri().getPort()
          + "/v1/files/abc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

      assertThat(answer).as("the upstream's answer to /v1/files").startsWith("HTTP/1.1 418 ");
      assertThat(reached).hasValue(0);
    }
  }

  @Test
  void contentLengthsThatDifferAreRefusedAndOnesThatAgreeAreOneBody() throws Exception {
    AtomicInteger reached = new AtomicInteger();
    try (ScriptedUpstream echo = new ScriptedUpstream().on("/", exchange -> {
      reached.incrementAndGet();
      exchange.sendResponseHeaders(204, -1);
    });
        ModelCallRecordingProxy echoing = ModelCallRecordingProxy.builder(echo.uri(), sdk.cellTracer()).start()) {
      // Read as 5 bytes by one side and 6 by the other, the "!" would start the next request.
      String smuggled = RawHttp.exchange(echoing.port(), "POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
      String listed = RawHttp.exchange(echoing.port(), "POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Length: 5, 6\r\nConnection: close\r\n\r\nhello!");
      String agreeing = RawHttp.exchange(echoing.port(), "POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Length: 5, 5\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");

      assertThat(smuggled).startsWith("HTTP/1.1 400 ").contains("conflicting content-length");
      assertThat(listed).startsWith("HTTP/1.1 400 ");
      assertThat(agreeing).startsWith("HTTP/1.1 204 ");
      assertThat(reached).as("requests forwarded").hasValue(1);
      assertThat(echo.lastHeaders.get("/").get("Content-length")).containsExactly("5");
    }
  }

  @Test
  void aModelCallWhoseTargetIsNotAUriIsAnswered400WithAnErrorSpan() throws Exception {
    String body = "{\"model\":\"gpt-5-mini\",\"messages\":[]}";
    String answer = RawHttp.exchange(proxy.port(), "POST /v1/chat/completions?x=a|b HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);

    assertThat(answer).startsWith("HTTP/1.1 400 ");
    SpanData call = modelCalls(1).get(0);
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attr(call, AttributeKey.longKey("http.response.status_code"))).isEqualTo(400);
  }

  /**
   * OpenAI Assistants' thread messages end in {@code /messages} too. The three requests share one
   * connection, so a span of the first two would have ended before the chat call was read.
   */
  @Test
  void addingAMessageToAnAssistantsThreadIsForwardedButIsNoModelCall() throws Exception {
    String message = "{\"role\":\"user\",\"content\":\"hi\"}";
    String chat = "{\"model\":\"gpt-5-mini\",\"messages\":[]}";
    String answers = RawHttp.exchange(proxy.port(),
        "POST /v1/threads/t1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + message.length() + "\r\n\r\n"
            + message
            + "POST /v1/threads/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + message.length() + "\r\n\r\n"
            + message
            + "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + chat.length() + "\r\n"
            + "Connection: close\r\n\r\n" + chat);

    assertThat(answers).contains("\"thread_id\":\"t1\"").contains("\"thread_id\":\"v1\"").contains("chat.completion");
    SpanData call = modelCalls(1).get(0);
    assertThat(call.getAttributes().get(CabAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
  }

  @Test
  void theApiKeyLeavesNoTraceInTheCaptureFile() throws Exception {
    post("/v1/chat/completions", "{\"model\":\"gpt-5-mini\",\"messages\":[]}");
    post("/v1/messages", "{\"model\":\"claude\",\"stream\":true,\"messages\":[]}");
    modelCalls(2);
    container.close();
    sdk.close();

    String captured = Files.readString(capture);
    assertThat(captured).contains("chat gpt-5-mini").contains("chat claude");
    assertThat(captured).doesNotContain(API_KEY).doesNotContain("SECRETSECRET");
  }
  /**
   * An agent killed mid-call leaves the call in flight when the recorder closes the proxy: close
   * cuts it off and returns only once its span has ended, so the span is in the very next flush,
   * before the container span that held it ends. Once while the upstream has not answered, once
   * mid-stream (the client has gone: the body it was reading is closed).
   */
  @Test
  void closeEndsTheSpansOfCallsInFlightBeforeItReturns() throws Exception {
    for (boolean midStream : new boolean[] {false, true}) {
      spans.reset();
      java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      try (ScriptedUpstream held = new ScriptedUpstream().on("/v1/chat/completions", exchange -> {
            if (midStream) {
              exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
              exchange.sendResponseHeaders(200, 0);
              exchange.getResponseBody().write(ScriptedUpstream.utf8("data: {\"choices\":[]}\n\n"));
              exchange.getResponseBody().flush();
            }
            arrived.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          })) {
        ModelCallRecordingProxy cutOff = ModelCallRecordingProxy.builder(held.uri(), sdk.cellTracer()).start();
        try {
          java.util.concurrent.CompletableFuture<HttpResponse<InputStream>> call = client.sendAsync(
              HttpRequest.newBuilder(URI.create(cutOff.baseUrl() + "/v1/chat/completions"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-5-mini\",\"stream\":true}"))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
          assertThat(arrived.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the call reached the upstream").isTrue();
          if (midStream) {
            InputStream body = call.get().body();
            assertThat(body.read()).as("the client has the first event").isEqualTo('d');
            body.close();
          }

          cutOff.close();
          sdk.flush();

          List<SpanData> calls = spans.getFinishedSpanItems().stream()
              .filter(s -> "model_call".equals(s.getAttributes().get(CabAttributes.SPAN_KIND)))
              .toList();
          assertThat(calls).as(midStream ? "mid-stream" : "before the answer").hasSize(1);
          assertThat(calls.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
          assertThat(calls.get(0).getStatus().getDescription())
              .startsWith(midStream ? "cut off mid-response" : "cut off before the upstream answered");
        } finally {
          release.countDown();
          cutOff.close();
        }
      }
    }
  }
}
