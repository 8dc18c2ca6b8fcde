package dev.cabtrace.replay.junit;

import static dev.cabtrace.replay.assertions.CabTraceAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.sdk.proxy.CassetteMode;
import dev.cabtrace.sdk.proxy.ModelCallRecordingProxy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter's test drives its agent against recorded answers: the cassette is recorded here
 * against a local upstream, which is then stopped.
 */
@ExtendWith(CabTraceExtension.class)
@Timeout(60)
class ReplayModelCallsTest {

  private static final List<String> REQUESTS = List.of(
      "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"read the failing test\"}]}",
      "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"fix it\"}]}",
      "{\"model\":\"gpt-5-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}");

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** The agent under test, as far as this test needs one: it asks the model three times. */
  private List<String> runAgent(String baseUrl) throws Exception {
    List<String> answers = new ArrayList<>();
    for (String request : REQUESTS) {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
              .header("Authorization", "Bearer sk-test-0123456789abcdefghij")
              .POST(HttpRequest.BodyPublishers.ofString(request)).build(),
          HttpResponse.BodyHandlers.ofString());
      answers.add(response.statusCode() + " " + response.body());
    }
    return answers;
  }

  /** Records the agent's three calls against a local upstream into {@code cassette}; returns what it got. */
  private List<String> record(Path cassette, CellCapture capture) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    upstream.createContext("/v1/chat/completions", exchange -> {
      String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      int n = calls.incrementAndGet();
      boolean stream = request.contains("\"stream\":true");
      String usage = "\"usage\":{\"prompt_tokens\":" + (1000 * n) + ",\"completion_tokens\":" + (10 * n) + "}";
      String body = stream
          ? "data: {\"id\":\"c" + n + "\",\"model\":\"gpt-5-mini-2025\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"done\"},\"finish_reason\":\"stop\"}]}\n\n"
              + "data: {\"id\":\"c" + n + "\",\"model\":\"gpt-5-mini-2025\",\"choices\":[]," + usage + "}\n\ndata: [DONE]\n\n"
          : "{\"id\":\"c" + n + "\",\"model\":\"gpt-5-mini-2025\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
              + "\"content\":\"answer " + n + "\"},\"finish_reason\":\"stop\"}]," + usage + "}";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", stream ? "text/event-stream" : "application/json");
      exchange.sendResponseHeaders(200, stream ? 0 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    upstream.start();
    try (ModelCallRecordingProxy proxy =
        ModelCallRecordingProxy.builder(URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()), capture.tracer())
            .setCassette(cassette, CassetteMode.RECORD).start()) {
      return runAgent(proxy.baseUrl());
    } finally {
      upstream.stop(0);
      capture.reset();
    }
  }

  @Test
  void theAgentGetsTheRecordedAnswersAndTheTimelineTheRecordedTokens(CellCapture capture) throws Exception {
    Path cassette = dir.resolve("fix-test.cassette.jsonl");
    List<String> recorded = record(cassette, capture);

    List<String> replayed;
    try (CellSpan container = capture.tracer().container("aider:run");
        ModelCallRecordingProxy model = capture.replayModelCalls(cassette)) {
      replayed = runAgent(model.baseUrl());
    }
    Timeline timeline = capture.timeline();

    assertThat(replayed).isEqualTo(recorded);
    assertThat(replayed.get(0)).startsWith("200 ").contains("answer 1");
    assertThat(timeline).hasModelCallCount(3).hasTotalTokens(6000, 60);
    assertThat(timeline).span(CabSpanKind.CONTAINER).hasStatus(SpanStatus.UNSET);
    for (ModelCall call : timeline.modelCalls()) {
      assertThat(call.span().kind()).isEqualTo(CabSpanKind.MODEL_CALL);
      assertThat(timeline.parent(call.span()).name()).isEqualTo("aider:run");
      assertThat(call.span().attribute("cab.model_call.replayed")).isEqualTo(true);
    }
    assertThat(timeline.modelCalls()).extracting(ModelCall::inputTokens).containsExactlyInAnyOrder(1000L, 2000L, 3000L);
  }

  @Test
  void aCallTheCassetteDoesNotHoldIsAnErrorSpanNotAHang(CellCapture capture) throws Exception {
    Path cassette = dir.resolve("fix-test.cassette.jsonl");
    record(cassette, capture);

    ModelCallRecordingProxy model = capture.replayModelCalls(cassette);
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(model.baseUrl() + "/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-5-mini\",\"messages\":[]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    model.close(); // every span has ended; the capture closing it again after the test is harmless

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("cab_trace_cassette_miss").contains("is not in the cassette");
    assertThat(model.cassetteMisses()).isEqualTo(1);
    assertThat(capture.timeline()).hasModelCallCount(1).span("chat gpt-5-mini").hasStatus(SpanStatus.ERROR);
  }

  @Test
  void theProxyClosesWithTheCaptureAndAMissingCassetteIsSaidAtOnce() throws Exception {
    Path cassette = dir.resolve("fix-test.cassette.jsonl");
    ModelCallRecordingProxy model;
    try (InMemoryCellCapture capture = new InMemoryCellCapture("closing")) {
      record(cassette, capture);
      model = capture.replayModelCalls(cassette);
      assertThatThrownBy(() -> capture.replayModelCalls(dir.resolve("missing.jsonl")))
          .isInstanceOf(UncheckedIOException.class).hasMessageContaining("missing.jsonl");
    }
    String baseUrl = model.baseUrl();
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/models")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }
}
