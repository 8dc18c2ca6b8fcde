package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.testing.LoggedMessages;
import dev.cabtrace.sdk.CabTraceSdk;
import dev.cabtrace.sdk.redact.Redaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Record against a local upstream, stop it, replay: the client gets the same bytes, the spans the
 * same usage, marked replayed. Real HTTP on loopback throughout.
 */
@Timeout(60)
class CassetteTest {

  private static final String API_KEY = CassetteUpstream.API_KEY;
  private static final String CHAT = CassetteUpstream.CHAT;
  private static final String MESSAGES = CassetteUpstream.MESSAGES;
  private static final String PLAIN = "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String STREAMED =
      "{\"model\":\"gpt-5-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}";
  private static final String ANTHROPIC = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,\"messages\":[]}";
  /** The upstream's pacing of a streamed answer: before the headers, then before each event. */
  private static final long TTFB_MILLIS = CassetteUpstream.TTFB_MILLIS;
  private static final long[] GAPS_MILLIS = CassetteUpstream.GAPS_MILLIS;

  @TempDir Path dir;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ObjectMapper mapper = new ObjectMapper();
  private CassetteUpstream upstream;
  private CabTraceSdk sdk;
  private CellSpan container;
  private Path cassette;

  @BeforeEach
  void start() throws IOException {
    upstream = new CassetteUpstream();
    sdk = CabTraceSdk.builder().setEnvironment(java.util.Map.of()).addSpanExporter(spans).build();
    container = sdk.cellTracer().container("aider:run");
    cassette = dir.resolve("cassettes").resolve("cell.cassette.jsonl");
  }

  @AfterEach
  void stop() {
    container.close();
    sdk.close();
    upstream.close();
  }

  private ModelCallRecordingProxy recording(CassetteMode mode, String... ignores) {
    ModelCallRecordingProxy.Builder builder =
        ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer()).setCassette(cassette, mode);
    for (String ignore : ignores) {
      builder.addCassetteIgnore(ignore);
    }
    return builder.start();
  }

  private ModelCallRecordingProxy replaying(CassetteTiming timing, String... ignores) {
    ModelCallRecordingProxy.Builder builder =
        ModelCallRecordingProxy.replaying(cassette, sdk.cellTracer()).setCassetteTiming(timing);
    for (String ignore : ignores) {
      builder.addCassetteIgnore(ignore);
    }
    return builder.start();
  }

  private HttpResponse<byte[]> post(ModelCallRecordingProxy proxy, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(proxy.baseUrl() + path))
        .header("Authorization", "Bearer " + API_KEY)
        .header("x-api-key", API_KEY)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private List<SpanData> modelCalls(int expected) {
    return FinishedModelCalls.await(sdk, spans, expected);
  }

  private List<JsonNode> lines() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(cassette)) {
      out.add(mapper.readTree(line));
    }
    return out;
  }

  @Test
  void aReplayGivesTheClientTheRecordedBytesAndTheSpansTheRecordedUsage() throws Exception {
    List<HttpResponse<byte[]>> recorded = new ArrayList<>();
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      recorded.add(post(proxy, CHAT, PLAIN));
      recorded.add(post(proxy, CHAT, STREAMED));
      recorded.add(post(proxy, MESSAGES, ANTHROPIC));
      recorded.add(post(proxy, CHAT, "{\"model\":\"fail-429\",\"messages\":[]}"));
    }
    List<SpanData> live = modelCalls(4);
    upstream.close();
    spans.reset();

    List<HttpResponse<byte[]>> replayed = new ArrayList<>();
    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      replayed.add(post(proxy, CHAT, PLAIN));
      replayed.add(post(proxy, CHAT, STREAMED));
      replayed.add(post(proxy, MESSAGES, ANTHROPIC));
      replayed.add(post(proxy, CHAT, "{\"model\":\"fail-429\",\"messages\":[]}"));
      assertThat(proxy.cassetteMisses()).isZero();
    }
    List<SpanData> replays = modelCalls(4);

    assertThat(upstream.calls.get()).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      assertThat(replayed.get(i).statusCode()).isEqualTo(recorded.get(i).statusCode());
      assertThat(replayed.get(i).body()).as("body %s", i).isEqualTo(recorded.get(i).body());
      assertThat(replayed.get(i).headers().firstValue("content-type"))
          .isEqualTo(recorded.get(i).headers().firstValue("content-type"));
      SpanData before = live.get(i);
      SpanData after = replays.get(i);
      assertThat(after.getName()).isEqualTo(before.getName());
      assertThat(after.getAttributes().get(CabAttributes.MODEL_CALL_REPLAYED)).isTrue();
      assertThat(before.getAttributes().get(CabAttributes.MODEL_CALL_REPLAYED)).isNull();
      for (AttributeKey<?> key : List.of(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS, CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS,
          CabAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, CabAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
          CabAttributes.GEN_AI_RESPONSE_MODEL, CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS, CabAttributes.REQUEST_HASH,
          AttributeKey.longKey("http.response.status_code"))) {
        assertThat((Object) after.getAttributes().get(key)).as("%s of call %s", key, i)
            .isEqualTo(before.getAttributes().get(key));
      }
      assertThat(after.getStatus().getStatusCode()).isEqualTo(before.getStatus().getStatusCode());
    }
    assertThat(replays.get(0).getAttributes().get(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(5210L);
    assertThat(replays.get(1).getAttributes().get(CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(388L);
    assertThat(replays.get(2).getAttributes().get(CabAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1800L);
    assertThat(replays.get(3).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(replays).allSatisfy(call -> assertThat(call.getParentSpanId()).isEqualTo(container.spanContext().getSpanId()));
  }

  @Test
  void originalTimingReplaysTheTimeToFirstByteAndTheGapsBetweenChunks() throws Exception {
    long recordedDuration;
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      arrivals(proxy, CHAT, STREAMED);
    }
    SpanData live = modelCalls(1).get(0);
    recordedDuration = live.getEndEpochNanos() - live.getStartEpochNanos();
    upstream.close();
    spans.reset();
    JsonNode response = lines().get(0).get("response");
    double ttfb = response.get("ttfb_ms").asDouble();
    List<Double> offsets = new ArrayList<>();
    response.get("chunks").forEach(chunk -> offsets.add(chunk.get("t_ms").asDouble()));
    assertThat(offsets).hasSize(GAPS_MILLIS.length);
    assertThat(ttfb).isGreaterThanOrEqualTo(TTFB_MILLIS * 0.9);

    // Timing is measured on a shared machine: a replay off the recorded pace by scheduling noise
    // is tried again, up to three times.
    List<String> offPace = new ArrayList<>();
    for (int attempt = 1; attempt <= 3; attempt++) {
      spans.reset();
      Arrivals replay;
      try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.ORIGINAL)) {
        replay = arrivals(proxy, CHAT, STREAMED);
      }
      SpanData replayed = modelCalls(1).get(0);
      assertThat(replay.chunkMillis).hasSize(offsets.size());
      String pace = paceProblem(ttfb, offsets, replay,
          (replayed.getEndEpochNanos() - replayed.getStartEpochNanos()) / 1e6, recordedDuration / 1e6);
      if (pace == null) {
        return;
      }
      offPace.add("attempt " + attempt + ": " + pace);
    }
    assertThat(offPace).as("the replays were off the recorded pace by more than 50 ms").isEmpty();
  }

  /** What in a replay is off by more than 50 ms from the recording, or null. */
  private static String paceProblem(double ttfb, List<Double> offsets, Arrivals replay, double spanMillis,
      double recordedSpanMillis) {
    if (Math.abs(replay.headersMillis - ttfb) > 50) {
      return "time to first byte " + replay.headersMillis + " ms, recorded " + ttfb + " ms";
    }
    for (int i = 1; i < offsets.size(); i++) {
      double recordedGap = offsets.get(i) - offsets.get(i - 1);
      double replayedGap = replay.chunkMillis.get(i) - replay.chunkMillis.get(i - 1);
      if (Math.abs(replayedGap - recordedGap) > 50) {
        return "gap " + i + ": recorded " + recordedGap + " ms, replayed " + replayedGap + " ms";
      }
    }
    if (Math.abs(spanMillis - recordedSpanMillis) > 50) {
      return "the span lasted " + spanMillis + " ms, recorded " + recordedSpanMillis + " ms";
    }
    return null;
  }

  @Test
  void fastTimingServesAtOnce() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, CHAT, STREAMED);
    }
    upstream.close();
    long recordedMillis = TTFB_MILLIS + java.util.Arrays.stream(GAPS_MILLIS).sum();

    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      Arrivals replay = arrivals(proxy, CHAT, STREAMED);
      assertThat(replay.doneMillis).as("recorded over %s ms", recordedMillis).isLessThan(recordedMillis / 4.0);
    }
  }

  @Test
  void theNthIdenticalRequestGetsTheNthRecordedAnswerAndOneMoreIsMissing() throws Exception {
    String counting = "{\"model\":\"counter\",\"messages\":[]}";
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      assertThat(text(post(proxy, CHAT, counting))).contains("answer 1");
      assertThat(text(post(proxy, CHAT, counting))).contains("answer 2");
    }
    upstream.close();

    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      assertThat(text(post(proxy, CHAT, counting))).contains("answer 1");
      assertThat(text(post(proxy, CHAT, counting))).contains("answer 2");
      HttpResponse<byte[]> third = post(proxy, CHAT, counting);
      assertThat(third.statusCode()).isEqualTo(404);
      assertThat(text(third)).contains("holds 2 answer(s)").contains("request number 3");
      assertThat(proxy.cassetteMisses()).isEqualTo(1);
    }
  }

  @Test
  void canonicalJsonMatchesReorderedKeysAndOtherWhitespaceButNotOtherNumbers() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, CHAT, "{\"model\":\"gpt-5-mini\",\"temperature\":0.5,\"messages\":[{\"role\":\"user\",\"content\":\"h\\u0069\"}]}");
    }
    upstream.close();

    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      HttpResponse<byte[]> reordered = post(proxy, CHAT,
          "{\n  \"messages\" : [ { \"content\" : \"hi\", \"role\" : \"user\" } ],\n  \"temperature\" : 0.5, \"model\" : \"gpt-5-mini\"\n}\n");
      HttpResponse<byte[]> otherNumber = post(proxy, CHAT,
          "{\"model\":\"gpt-5-mini\",\"temperature\":0.50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertThat(reordered.statusCode()).isEqualTo(200);
      assertThat(otherNumber.statusCode()).as("numbers are compared as written").isEqualTo(404);
    }
  }

  @Test
  void ignoredPathsDoNotTakePartInMatching() throws Exception {
    String[] ignores = {"$.metadata.request_id", "$.messages[*].id"};
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD, ignores)) {
      post(proxy, CHAT, "{\"model\":\"gpt-5-mini\",\"metadata\":{\"request_id\":\"r-1\",\"user\":\"u\"},"
          + "\"messages\":[{\"id\":\"m-1\",\"role\":\"user\",\"content\":\"hi\"},{\"id\":\"m-2\",\"role\":\"user\",\"content\":\"go\"}]}");
    }
    upstream.close();
    String later = "{\"model\":\"gpt-5-mini\",\"metadata\":{\"request_id\":\"r-2\",\"user\":\"u\"},"
        + "\"messages\":[{\"id\":\"m-7\",\"role\":\"user\",\"content\":\"hi\"},{\"id\":\"m-8\",\"role\":\"user\",\"content\":\"go\"}]}";

    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST, ignores)) {
      assertThat(post(proxy, CHAT, later).statusCode()).isEqualTo(200);
    }
    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      assertThat(post(proxy, CHAT, later).statusCode()).as("without the ignores the ids differ").isEqualTo(404);
    }
    assertThat(lines().get(0).get("request").get("json").get("metadata").has("request_id")).isFalse();
    assertThat(lines().get(0).get("request").get("json").get("metadata").get("user").asText()).isEqualTo("u");
  }

  @Test
  void aMissingRequestIsAnsweredAtOnceWithItsHashAndAnErrorSpan() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, CHAT, PLAIN);
    }
    modelCalls(1);
    upstream.close();
    spans.reset();

    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.ORIGINAL)) {
      long start = System.nanoTime();
      HttpResponse<byte[]> openAi = post(proxy, CHAT, "{\"model\":\"gpt-5-mini\",\"messages\":[]}");
      HttpResponse<byte[]> anthropic = post(proxy, MESSAGES, "{\"model\":\"claude\",\"messages\":[]}");
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));

      String hash = CassetteRequest.sha256Hex("{\"messages\":[],\"model\":\"gpt-5-mini\"}".getBytes(StandardCharsets.UTF_8));
      assertThat(openAi.statusCode()).isEqualTo(404);
      JsonNode error = mapper.readTree(openAi.body()).get("error");
      assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.get("code").asText()).isEqualTo("cab_trace_cassette_miss");
      assertThat(error.get("message").asText()).contains(hash).contains("is not in the cassette " + cassette);
      assertThat(anthropic.statusCode()).isEqualTo(404);
      JsonNode anthropicError = mapper.readTree(anthropic.body());
      assertThat(anthropicError.get("type").asText()).isEqualTo("error");
      assertThat(anthropicError.get("error").get("type").asText()).isEqualTo("not_found_error");
      assertThat(anthropicError.get("error").get("message").asText()).contains("is not in the cassette");
      assertThat(proxy.cassetteMisses()).isEqualTo(2);
    }
    List<SpanData> calls = modelCalls(2);
    assertThat(calls).allSatisfy(call -> {
      assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(call.getStatus().getDescription()).contains("is not in the cassette");
      assertThat(call.getAttributes().get(CabAttributes.MODEL_CALL_REPLAYED)).isNull();
    });
  }

  @Test
  void recordMissingServesWhatIsStoredAndStoresTheRest() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, CHAT, PLAIN);
    }
    assertThat(upstream.calls.get()).isEqualTo(1);

    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD_MISSING)) {
      assertThat(post(proxy, CHAT, PLAIN).statusCode()).isEqualTo(200);
      assertThat(upstream.calls.get()).as("served from the cassette").isEqualTo(1);
      assertThat(post(proxy, MESSAGES, ANTHROPIC).statusCode()).isEqualTo(200);
      assertThat(upstream.calls.get()).as("forwarded").isEqualTo(2);
    }
    assertThat(lines()).hasSize(2);
    upstream.close();

    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      assertThat(post(proxy, CHAT, PLAIN).statusCode()).isEqualTo(200);
      assertThat(text(post(proxy, MESSAGES, ANTHROPIC))).contains("event: message_stop");
    }
  }

  @Test
  void recordStartsTheCassetteAnew() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, CHAT, PLAIN);
    }
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, MESSAGES, ANTHROPIC);
    }
    assertThat(lines()).hasSize(1);
    assertThat(lines().get(0).get("request").get("target").asText()).isEqualTo(MESSAGES);
  }

  @Test
  void aRecordingThatStoresNothingLeavesTheOldCassetteWhole() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, CHAT, PLAIN);
    }
    byte[] before = Files.readAllBytes(cassette);
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      // The command never started, or never called the model.
    }
    assertThat(Files.readAllBytes(cassette)).isEqualTo(before);

    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, MESSAGES, ANTHROPIC);
      post(proxy, CHAT, PLAIN);
    }
    assertThat(lines()).extracting(line -> line.get("request").get("target").asText()).containsExactly(MESSAGES, CHAT);
  }

  @Test
  void aTornLastLineIsSkippedWithAWarningAndTheRestIsUsed() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, CHAT, PLAIN);
      post(proxy, MESSAGES, ANTHROPIC);
    }
    upstream.close();
    byte[] whole = Files.readAllBytes(cassette);
    Files.write(cassette, java.util.Arrays.copyOf(whole, whole.length - 40)); // killed mid-write

    LoggedMessages logs = LoggedMessages.of(Cassette.class);
    List<String> warnings = logs.messages();
    try (logs;
        ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      assertThat(post(proxy, CHAT, PLAIN).statusCode()).isEqualTo(200);
      assertThat(post(proxy, MESSAGES, ANTHROPIC).statusCode()).isEqualTo(404);
    }
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains(cassette.toString()).contains("line 2").contains("cut short");
  }

  @Test
  void aMalformedLineIsSkippedWithAWarningNamingIt() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, CHAT, PLAIN);
    }
    List<String> good = Files.readAllLines(cassette);
    Files.write(cassette, List.of("{\"version\":1,\"request\":{}}", good.get(0)));

    LoggedMessages logs = LoggedMessages.of(Cassette.class);
    List<String> warnings = logs.messages();
    try (logs;
        ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      assertThat(post(proxy, CHAT, PLAIN).statusCode()).isEqualTo(200);
    }
    assertThat(warnings).singleElement().asString().contains("line 1").contains("skipped");
  }

  @Test
  void aHostileCassetteCannotInjectHeadersOrBreakTheFraming() throws Exception {
    String empty = CassetteRequest.sha256Hex(new byte[0]);
    Files.createDirectories(cassette.getParent());
    Files.write(cassette, List.of(
        "{\"version\":1,\"request\":{\"method\":\"GET\",\"target\":\"/v1/injected\",\"hash\":\"" + empty + "\"},"
            + "\"response\":{\"status\":200,\"headers\":{\"x-a\":[\"1\\r\\nSet-Cookie: stolen=1\"]},"
            + "\"chunks\":[{\"t_ms\":0,\"text\":\"bad\"}]}}",
        "{\"version\":1,\"request\":{\"method\":\"GET\",\"target\":\"/v1/framed\",\"hash\":\"" + empty + "\"},"
            + "\"response\":{\"status\":200,\"headers\":{\"Transfer-Encoding\":[\"chunked\"],\"Content-Length\":[\"999\"],"
            + "\"Keep-Alive\":[\"timeout=5\"],\"Content-Type\":[\"text/plain\"]},\"content_length\":5,"
            + "\"chunks\":[{\"t_ms\":0,\"text\":\"hello\"}]}}"));

    LoggedMessages logs = LoggedMessages.of(Cassette.class);
    List<String> warnings = logs.messages();
    String injected;
    String framed;
    try (logs;
        ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      injected = RawHttp.exchange(proxy.port(), "GET /v1/injected HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      framed = RawHttp.exchange(proxy.port(), "GET /v1/framed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }
    assertThat(warnings).singleElement().asString().contains("line 1").contains("control character");
    assertThat(injected).startsWith("HTTP/1.1 404").doesNotContainIgnoringCase("set-cookie");
    assertThat(framed).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nhello").contains("\r\nContent-Length: 5\r\n")
        .doesNotContainIgnoringCase("transfer-encoding").doesNotContain("999").doesNotContainIgnoringCase("keep-alive");
  }

  @Test
  void recordMissingCutsOffATornLastLineBeforeAppending() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, CHAT, PLAIN);
      post(proxy, MESSAGES, ANTHROPIC);
    }
    byte[] whole = Files.readAllBytes(cassette);
    Files.write(cassette, java.util.Arrays.copyOf(whole, whole.length - 10));

    try (LoggedMessages logs = LoggedMessages.of(Cassette.class);
        ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD_MISSING)) {
      assertThat(post(proxy, MESSAGES, ANTHROPIC).statusCode()).isEqualTo(200);
    }
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1).get("request").get("target").asText()).isEqualTo(MESSAGES);
  }

  @Test
  void theCassetteNeverHoldsTheApiKeyAndOnlyItsOwnerMayReadIt() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, CHAT, "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"my key is " + API_KEY + "\"}]}");
      post(proxy, MESSAGES, ANTHROPIC);
      post(proxy, CHAT, "{\"model\":\"echo-key\",\"messages\":[]}");
      client.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/v1/models?key=" + API_KEY.substring(3)))
          .header("Authorization", "Bearer " + API_KEY).header("x-goog-api-key", API_KEY).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }

    String stored = Files.readString(cassette);
    assertThat(stored).doesNotContain(API_KEY).doesNotContain("CASSETTESECRET").doesNotContainIgnoringCase("authorization")
        .doesNotContain("x-api-key").doesNotContain("x-goog-api-key");
    assertThat(stored).contains("[REDACTED]");
    assertThat(Files.getPosixFilePermissions(cassette)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    List<JsonNode> lines = lines();
    assertThat(lines.get(0).get("response").get("redacted").asBoolean()).isFalse();
    assertThat(lines.get(2).get("response").get("redacted").asBoolean())
        .as("an answer that echoed the key is stored masked, and says so").isTrue();
    assertThat(lines.get(3).get("request").get("target").asText()).isEqualTo("/v1/models?key=[REDACTED]");
  }

  @Test
  void anAnswersHeadersNamedAsSecretsAreStoredMasked() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      post(proxy, CHAT, "{\"model\":\"secret-headers\",\"messages\":[]}");
    }

    String stored = Files.readString(cassette);
    assertThat(stored).doesNotContain("googH4").doesNotContain("tokH3");
    JsonNode headers = lines().get(0).get("response").get("headers");
    assertThat(headers.get("x-goog-api-key").toString()).isEqualTo("[\"[REDACTED]\"]");
    assertThat(headers.get("x-request-token").toString()).isEqualTo("[\"[REDACTED]\"]");
    assertThat(headers.get("x-ratelimit-remaining-tokens").toString()).as("a count, no secret").isEqualTo("[\"9990\"]");
    assertThat(lines().get(0).get("response").get("redacted").asBoolean()).isTrue();
  }

  static Stream<Arguments> answersWithSecrets() {
    List<Arguments> out = new ArrayList<>();
    for (boolean streamed : new boolean[] {false, true}) {
      // A value in a printed string, masked to the string's quote: the JSON around it stays whole.
      out.add(Arguments.of("Add: print(\"password: hunter2pass\")", "hunter2pass", streamed));
      out.add(Arguments.of("Use: curl -H \"Authorization: Bearer abc123def\" https://x", "abc123def", streamed));
      out.add(Arguments.of("Hi [{\"role\": \"user\", \"content\": \"config has password: hunter2 in it\"}]",
          "hunter2", streamed));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, streamed: {2}")
  @MethodSource("answersWithSecrets")
  void aJsonAnswerHoldingASecretReplaysAsTheSameJsonWithOnlyTheSecretMasked(String content, String secret,
      boolean streamed) throws Exception {
    ObjectNode body = mapper.createObjectNode().put("model", "repeat").put("stream", streamed);
    body.putArray("messages").addObject().put("role", "user").put("content", content);
    String request = mapper.writeValueAsString(body);
    HttpResponse<byte[]> recorded;
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      recorded = post(proxy, CHAT, request);
    }
    SpanData live = modelCalls(1).get(0);
    upstream.close();
    spans.reset();
    HttpResponse<byte[]> replayed;
    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      replayed = post(proxy, CHAT, request);
    }
    SpanData replay = modelCalls(1).get(0);

    assertThat(Files.readString(cassette)).doesNotContain(secret);
    JsonNode response = lines().get(0).get("response");
    assertThat(response.get("redacted").asBoolean()).isTrue();
    // Streamed, the answer is content then " then run", masked as one text: a value may run on past
    // the end of the first delta, into the second.
    List<String> masked = streamed ? Redaction.defaults().redactPieces(List.of(content, " then run"))
        : List.of(Redaction.defaults().redact(content));
    assertThat(masked.get(0)).contains(Redaction.MASK).doesNotContain(secret);
    List<JsonNode> expected = documents(recorded.body(), streamed);
    for (int i = 0; i < masked.size(); i++) {
      ((ObjectNode) expected.get(i).get("choices").get(0).get(streamed ? "delta" : "message")).put("content", masked.get(i));
    }
    assertThat(replayed.statusCode()).isEqualTo(200);
    assertThat(documents(replayed.body(), streamed)).isEqualTo(expected);
    if (streamed) {
      assertThat(text(replayed)).endsWith("\n\ndata: [DONE]\n\n");
      // Masked chunk by chunk: each chunk still whole events, none cut or merged by the mask. (How
      // many chunks the events came in is the network's: on a loaded machine two arrive in one read.)
      assertThat(response.get("chunks")).hasSizeBetween(1, GAPS_MILLIS.length)
          .allSatisfy(chunk -> assertThat(chunk.get("text").asText()).as("a chunk of whole events").endsWith("\n\n"));
    }
    for (AttributeKey<?> key : List.of(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS, CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS,
        CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS)) {
      assertThat((Object) replay.getAttributes().get(key)).as("%s", key).isNotNull()
          .isEqualTo(live.getAttributes().get(key));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streamedApis")
  void aSecretAModelStreamsInPiecesIsStoredMaskedAndReplayedSo(String path, String textField) throws Exception {
    // 4 characters a delta: no delta holds the key, a name and its value come in different ones.
    String content = "Sure. Set OPENAI_API_KEY=" + API_KEY + " and DB_PASSWORD=correcthorse then run.";
    ObjectNode body = mapper.createObjectNode().put("model", "split").put("max_tokens", 100).put("stream", true);
    body.putArray("messages").addObject().put("role", "user").put("content", content);
    String request = mapper.writeValueAsString(body);
    HttpResponse<byte[]> recorded;
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      recorded = post(proxy, path, request);
    }
    SpanData live = modelCalls(1).get(0);
    upstream.close();
    spans.reset();
    HttpResponse<byte[]> replayed;
    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      replayed = post(proxy, path, request);
    }
    SpanData replay = modelCalls(1).get(0);

    assertThat(streamedText(recorded.body(), textField)).as("the client got the answer as sent").isEqualTo(content);
    String masked = "Sure. Set OPENAI_API_KEY=[REDACTED] and DB_PASSWORD=[REDACTED] then run.";
    assertThat(streamedText(replayed.body(), textField)).isEqualTo(masked);
    JsonNode response = lines().get(0).get("response");
    assertThat(response.get("redacted").asBoolean()).isTrue();
    StringBuilder stored = new StringBuilder();
    response.get("chunks").forEach(chunk -> stored.append(chunk.get("text").asText()));
    assertThat(streamedText(stored.toString().getBytes(StandardCharsets.UTF_8), textField)).isEqualTo(masked);
    for (AttributeKey<?> key : List.of(CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS)) {
      assertThat((Object) replay.getAttributes().get(key)).as("%s", key).isNotNull()
          .isEqualTo(live.getAttributes().get(key));
    }
    for (SpanData span : List.of(live, replay)) {
      assertThat(span.getAttributes().toString()).doesNotContain("correcthorse").doesNotContain("CASSETTESECRET");
    }
  }

  static Stream<Arguments> streamedApis() {
    return Stream.of(Arguments.of(CHAT, "content"), Arguments.of(MESSAGES, "text"));
  }

  /** The deltas' text of a stream, each {@code data:} line read strictly as JSON. */
  private String streamedText(byte[] body, String textField) throws IOException {
    ObjectReader strict = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    StringBuilder out = new StringBuilder();
    for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
        JsonNode document = strict.readTree(line.substring(6));
        JsonNode delta = document.has("choices") ? document.path("choices").path(0).path("delta") : document.path("delta");
        out.append(delta.path(textField).asText(""));
      }
    }
    return out.toString();
  }

  /** The JSON answer, or the JSON of each {@code data:} line but the last ({@code [DONE]}), read strictly. */
  private List<JsonNode> documents(byte[] body, boolean streamed) throws IOException {
    ObjectReader strict = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    String text = new String(body, StandardCharsets.UTF_8);
    if (!streamed) {
      return List.of(strict.readTree(text));
    }
    List<JsonNode> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
        out.add(strict.readTree(line.substring(6)));
      }
    }
    return out;
  }

  @Test
  void anAnswerThatIsNotUtf8IsMaskedAllTheSameAndReplayedWithItsOtherBytes() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      assertThat(post(proxy, CHAT, "{\"model\":\"latin1-key\",\"messages\":[]}").statusCode()).isEqualTo(200);
      assertThat(post(proxy, CHAT, "{\"model\":\"gzip-latin1-key\",\"messages\":[]}").statusCode()).isEqualTo(200);
    }
    upstream.close();

    for (JsonNode line : lines()) {
      assertThat(line.get("response").get("redacted").asBoolean()).isTrue();
      for (JsonNode chunk : line.get("response").get("chunks")) {
        byte[] bytes = chunk.has("base64") ? java.util.Base64.getDecoder().decode(chunk.get("base64").asText())
            : chunk.get("text").asText().getBytes(StandardCharsets.UTF_8);
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain(API_KEY.substring(3));
      }
    }
    assertThat(Files.readString(cassette)).doesNotContain(API_KEY.substring(3));
    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      for (String model : new String[] {"latin1-key", "gzip-latin1-key"}) {
        byte[] replayed = post(proxy, CHAT, "{\"model\":\"" + model + "\",\"messages\":[]}").body();
        assertThat(new String(replayed, StandardCharsets.ISO_8859_1)).contains("caf\u00e9 key [REDACTED]");
      }
    }
  }

  @Test
  void aRequestThatIsNotAModelCallIsRecordedAndReplayedWithoutASpan() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      client.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/v1/models")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }
    upstream.close();
    spans.reset();

    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      HttpResponse<String> models = client.send(
          HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/v1/models")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(models.statusCode()).isEqualTo(200);
      assertThat(models.body()).isEqualTo(CassetteUpstream.MODELS);
      assertThat(models.headers().firstValue("x-request-id")).hasValue("req_models");
    }
    modelCalls(0);
  }

  private HttpResponse<String> get(ModelCallRecordingProxy proxy, String target) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + target)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aQueryParameterThatIsNoSecretIsStoredAndMatchedSecretOnesAreNot() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      get(proxy, "/v1/echo?max_tokens=100&keyword=a");
      get(proxy, "/v1/echo?max_tokens=4000&keyword=a");
      get(proxy, "/v1/echo?api_key=first&pageSize=2");
    }
    upstream.close();
    assertThat(lines().get(1).get("request").get("target").asText()).isEqualTo("/v1/echo?max_tokens=4000&keyword=a");
    assertThat(lines().get(2).get("request").get("target").asText()).isEqualTo("/v1/echo?api_key=[REDACTED]&pageSize=2");

    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      assertThat(get(proxy, "/v1/echo?max_tokens=4000&keyword=a").body()).isEqualTo("{\"query\":\"max_tokens=4000&keyword=a\"}");
      assertThat(get(proxy, "/v1/echo?max_tokens=100&keyword=a").body()).isEqualTo("{\"query\":\"max_tokens=100&keyword=a\"}");
      assertThat(get(proxy, "/v1/echo?max_tokens=100&keyword=b").statusCode()).isEqualTo(404);
      HttpResponse<String> otherKey = get(proxy, "/v1/echo?api_key=second&pageSize=2");
      assertThat(otherKey.statusCode()).as("the key is not stored: any key matches").isEqualTo(200);
      assertThat(otherKey.body()).as("the recorded answer, which echoed the key")
          .isEqualTo("{\"query\":\"api_key=[REDACTED]&pageSize=2\"}");
    }
  }

  @Test
  void aCassetteThatMaskedEveryParameterNamedLikeATokenStillAnswers() throws Exception {
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      get(proxy, "/v1/echo?max_tokens=100");
    }
    upstream.close();
    // As cab-trace wrote it before parameter names were judged by whole segments.
    Files.writeString(cassette, Files.readString(cassette).replace("/v1/echo?max_tokens=100", "/v1/echo?max_tokens=[REDACTED]"));

    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      HttpResponse<String> answer = get(proxy, "/v1/echo?max_tokens=4000");
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("{\"query\":\"max_tokens=100\"}");
      assertThat(get(proxy, "/v1/echo?max_tokens=4000").statusCode()).as("it held one answer").isEqualTo(404);
    }
  }

  @Test
  void aCompressedAnswerIsStoredAsSentAndReplayedByteForByte() throws Exception {
    HttpResponse<byte[]> recorded;
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      recorded = post(proxy, CHAT, "{\"model\":\"gzip\",\"messages\":[]}", "Accept-Encoding", "gzip");
    }
    upstream.close();
    assertThat(recorded.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(lines().get(0).get("response").get("chunks").get(0).has("base64")).isTrue();

    try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
      HttpResponse<byte[]> replayed = post(proxy, CHAT, "{\"model\":\"gzip\",\"messages\":[]}", "Accept-Encoding", "gzip");
      assertThat(replayed.body()).isEqualTo(recorded.body());
      assertThat(replayed.headers().firstValue("content-encoding")).hasValue("gzip");
      assertThat(replayed.headers().firstValue("content-length")).hasValue(String.valueOf(recorded.body().length));
    }
    assertThat(modelCalls(2).get(1).getAttributes().get(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(5210L);
  }

  @Test
  void aCompressedAnswerIsReplayedDecodedToAClientThatDoesNotAcceptItsCoding() throws Exception {
    String request = "{\"model\":\"gzip\",\"messages\":[]}";
    byte[] gzipped;
    try (ModelCallRecordingProxy proxy = recording(CassetteMode.RECORD)) {
      gzipped = post(proxy, CHAT, request, "Accept-Encoding", "gzip, br").body();
    }
    upstream.close();
    byte[] plain = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped)).readAllBytes();
    assertThat(new String(plain, StandardCharsets.UTF_8)).startsWith("{\"id\":\"chatcmpl-1\"");

    // One replaying proxy a request: the cassette holds one answer.
    for (String[] accept : new String[][] {{}, {"Accept-Encoding", "identity"}, {"Accept-Encoding", "gzip;q=0, br"},
        {"Accept-Encoding", "*;q=0"}}) {
      try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
        HttpResponse<byte[]> replayed = post(proxy, CHAT, request, accept);
        assertThat(replayed.statusCode()).isEqualTo(200);
        assertThat(replayed.body()).as("accepting %s", List.of(accept)).isEqualTo(plain);
        assertThat(replayed.headers().firstValue("content-encoding")).isEmpty();
        assertThat(replayed.headers().firstValue("content-length")).hasValue(String.valueOf(plain.length));
      }
    }
    for (String accept : new String[] {"GZIP", "*", "br, x-gzip;q=0.5"}) {
      try (ModelCallRecordingProxy proxy = replaying(CassetteTiming.FAST)) {
        HttpResponse<byte[]> replayed = post(proxy, CHAT, request, "Accept-Encoding", accept);
        assertThat(replayed.body()).as("accepting %s", accept).isEqualTo(gzipped);
        assertThat(replayed.headers().firstValue("content-encoding")).hasValue("gzip");
      }
    }
    assertThat(modelCalls(8)).allSatisfy(call ->
        assertThat(call.getAttributes().get(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(5210L));
  }

  @Test
  void replayingNeedsACassetteAndRecordingNeedsAnUpstream() {
    assertThatThrownBy(() -> ModelCallRecordingProxy.replaying(dir.resolve("none.jsonl"), sdk.cellTracer()).start())
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("none.jsonl");
    assertThatThrownBy(() -> ModelCallRecordingProxy.replaying(cassette, sdk.cellTracer())
        .setCassette(cassette, CassetteMode.RECORD).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("upstream");
    assertThatThrownBy(() -> ModelCallRecordingProxy.replaying(cassette, sdk.cellTracer()).addCassetteIgnore("metadata.id"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start with $");
  }

  /** When the headers and each piece of a streamed body reached the client, in ms from sending. */
  private static final class Arrivals {
    double headersMillis;
    final List<Double> chunkMillis = new ArrayList<>();
    double doneMillis;
  }

  private Arrivals arrivals(ModelCallRecordingProxy proxy, String path, String body) throws Exception {
    Arrivals arrivals = new Arrivals();
    long start = System.nanoTime();
    HttpResponse<InputStream> response = client.send(
        HttpRequest.newBuilder(URI.create(proxy.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    arrivals.headersMillis = (System.nanoTime() - start) / 1e6;
    try (InputStream in = response.body()) {
      byte[] buffer = new byte[64 * 1024];
      while (in.read(buffer) >= 0) {
        arrivals.chunkMillis.add((System.nanoTime() - start) / 1e6);
      }
    }
    arrivals.doneMillis = (System.nanoTime() - start) / 1e6;
    return arrivals;
  }
}
