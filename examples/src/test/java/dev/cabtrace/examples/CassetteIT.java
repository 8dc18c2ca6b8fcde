package dev.cabtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.sdk.CabTraceSdk;
import dev.cabtrace.sdk.proxy.CassetteMode;
import dev.cabtrace.sdk.proxy.ModelCallRecordingProxy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deterministic re-runs with real clients: the OpenAI Node client (npm {@code openai}, installed by
 * this test into target/node-openai-chat on first use) and curl. Each records through the proxy
 * against a local upstream, the upstream is stopped, and the replay from the cassette must give the
 * client the same bytes, at the recorded pace, and the spans the same usage, marked replayed.
 */
@Timeout(600)
class CassetteIT {

  private static final String API_KEY = "sk-proj-CASSETTEIT0123456789abcdefXYZ";
  private static final Path NODE_SOURCES = basedir().resolve("src/test/node/openai-chat");
  private static final Path NPM_DIR = basedir().resolve("target/node-openai-chat");
  /** The upstream's pace for a streamed answer: before the headers, then before each event. */
  private static final long TTFB_MILLIS = 200;
  private static final long[] GAPS_MILLIS = {0, 150, 300, 100, 250, 120, 80};

  @TempDir Path dir;

  private static Path basedir() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  }

  @BeforeAll
  static void installTheOpenAiClient() throws Exception {
    Files.createDirectories(NPM_DIR);
    for (String file : List.of("package.json", "chat.mjs")) {
      Files.copy(NODE_SOURCES.resolve(file), NPM_DIR.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    String wanted = new ObjectMapper().readTree(NPM_DIR.resolve("package.json").toFile())
        .get("dependencies").get("openai").asText();
    Path installed = NPM_DIR.resolve("node_modules/openai/package.json");
    if (Files.exists(installed) && new ObjectMapper().readTree(installed.toFile()).get("version").asText().equals(wanted)) {
      return;
    }
    Run npm = run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", NPM_DIR.toString()),
        NPM_DIR, Map.of(), Duration.ofMinutes(5));
    assertThat(npm.exit).as("npm install openai@%s into %s failed:%n%s%n%s", wanted, NPM_DIR, npm.stdout, npm.stderr)
        .isZero();
    assertThat(installed).as("npm install left no %s", installed).exists();
  }

  @Test
  void theRealOpenAiClientGetsTheSameBytesAtTheRecordedPace() throws Exception {
    Path cassette = dir.resolve("openai.cassette.jsonl");
    Upstream upstream = new Upstream();
    Phase recorded = phase("record", tracer -> ModelCallRecordingProxy.builder(upstream.uri(), tracer)
        .setCassette(cassette, CassetteMode.RECORD).start(), this::node);
    upstream.close();
    assertThat(upstream.calls).isEqualTo(2);
    assertThat(recorded.run.exit).as("record run: %s", recorded.run.stderr).isZero();
    assertThat(recorded.run.stdout).contains("\"text\":\"One, two, three.\"").contains("\"prompt_tokens\":5210");
    List<Double> recordedChunks = chunkMillis(recorded.run.stderr);
    assertThat(recordedChunks).hasSize(GAPS_MILLIS.length - 1); // [DONE] is not a chunk

    // Timing is measured on a shared machine: a replay whose pace is off by scheduling noise is
    // tried again, up to three times; one whose bytes or usage differ fails at once.
    List<String> offPace = new ArrayList<>();
    for (int attempt = 1; attempt <= 3; attempt++) {
      Phase replayed = phase("replay-" + attempt, tracer -> ModelCallRecordingProxy.replaying(cassette, tracer).start(),
          this::node);
      assertThat(replayed.run.exit).as("replay run: %s", replayed.run.stderr).isZero();
      assertThat(replayed.run.stdout).isEqualTo(recorded.run.stdout);
      assertSameUsageMarkedReplayed(recorded.timeline, replayed.timeline, 2);
      String pace = paceProblem(recordedChunks, chunkMillis(replayed.run.stderr));
      if (pace == null) {
        break;
      }
      offPace.add("attempt " + attempt + ": " + pace);
      System.err.println("CassetteIT: replay off the recorded pace, " + offPace.get(offPace.size() - 1));
      assertThat(offPace).as("the replays were off the recorded pace by more than 50 ms").hasSizeLessThan(3);
    }
    assertThat(recorded.timeline.modelCalls().get(1).inputTokens()).isEqualTo(5210L);
    assertNoKey(cassette);
  }

  /** What is off by more than 50 ms between the recorded and the replayed chunk times, or null. */
  private static String paceProblem(List<Double> recorded, List<Double> replayed) {
    if (replayed.size() != recorded.size()) {
      return "recorded " + recorded.size() + " chunks, replayed " + replayed.size();
    }
    if (Math.abs(replayed.get(0) - recorded.get(0)) > 50) {
      return "first chunk at " + replayed.get(0) + " ms, recorded at " + recorded.get(0) + " ms";
    }
    for (int i = 1; i < recorded.size(); i++) {
      double recordedGap = recorded.get(i) - recorded.get(i - 1);
      double replayedGap = replayed.get(i) - replayed.get(i - 1);
      if (Math.abs(replayedGap - recordedGap) > 50) {
        return "gap " + i + " of " + replayedGap + " ms, recorded " + recordedGap + " ms (chunks at " + replayed
            + ", recorded at " + recorded + ")";
      }
    }
    return null;
  }

  @Test
  void curlGetsTheSameAnthropicStream() throws Exception {
    Path cassette = dir.resolve("anthropic.cassette.jsonl");
    Upstream upstream = new Upstream();
    Phase recorded = phase("record", tracer -> ModelCallRecordingProxy.builder(upstream.uri(), tracer)
        .setCassette(cassette, CassetteMode.RECORD).start(), this::curl);
    upstream.close();
    Phase replayed = phase("replay", tracer -> ModelCallRecordingProxy.replaying(cassette, tracer).start(), this::curl);

    assertThat(recorded.run.exit).as("record run: %s", recorded.run.stderr).isZero();
    assertThat(replayed.run.exit).as("replay run: %s", replayed.run.stderr).isZero();
    assertThat(recorded.run.stdout).startsWith("event: message_start").contains("event: message_stop");
    assertThat(replayed.run.stdout).isEqualTo(recorded.run.stdout);
    assertSameUsageMarkedReplayed(recorded.timeline, replayed.timeline, 1);
    assertThat(replayed.timeline.modelCalls().get(0).outputTokens()).isEqualTo(503L);
    assertNoKey(cassette);
  }

  private static void assertSameUsageMarkedReplayed(Timeline recorded, Timeline replayed, int calls) {
    List<ModelCall> before = recorded.modelCalls();
    List<ModelCall> after = replayed.modelCalls();
    assertThat(before).hasSize(calls);
    assertThat(after).hasSize(calls);
    for (int i = 0; i < calls; i++) {
      ModelCall live = before.get(i);
      ModelCall replay = after.get(i);
      assertThat(replay.inputTokens()).isEqualTo(live.inputTokens()).isNotNull();
      assertThat(replay.outputTokens()).isEqualTo(live.outputTokens()).isNotNull();
      assertThat(replay.cacheReadInputTokens()).isEqualTo(live.cacheReadInputTokens());
      assertThat(replay.finishReasons()).isEqualTo(live.finishReasons());
      assertThat(replay.responseModel()).isEqualTo(live.responseModel());
      assertThat(replay.requestHash()).isEqualTo(live.requestHash());
      assertThat(live.span().attribute("cab.model_call.replayed")).isNull();
      assertThat(replay.span().attribute("cab.model_call.replayed")).isEqualTo(true);
    }
  }

  private static void assertNoKey(Path cassette) throws IOException {
    assertThat(Files.readString(cassette)).doesNotContain(API_KEY).doesNotContain("CASSETTEIT");
    assertThat(Files.getPosixFilePermissions(cassette)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  private static List<Double> chunkMillis(String stderr) throws IOException {
    for (String line : stderr.split("\n")) {
      if (line.startsWith("timing ")) {
        List<Double> out = new ArrayList<>();
        new ObjectMapper().readTree(line.substring(7)).get("chunkMillis").forEach(n -> out.add(n.asDouble()));
        return out;
      }
    }
    throw new AssertionError("the script printed no timing line: " + stderr);
  }

  // ---- one phase: a cell whose container runs the client through the proxy ----

  private record Phase(Run run, Timeline timeline) {}

  private interface Client {
    Run run(String baseUrl) throws Exception;
  }

  private Phase phase(String name, Function<dev.cabtrace.api.CellTracer, ModelCallRecordingProxy> proxyFor, Client client)
      throws Exception {
    Path capture = dir.resolve(name + ".jsonl");
    Run run;
    try (CabTraceSdk sdk = CabTraceSdk.builder().setEnvironment(Map.of()).setCaptureFile(capture).build()) {
      try (CellSpan container = sdk.cellTracer().container("agent:" + name);
          ModelCallRecordingProxy proxy = proxyFor.apply(sdk.cellTracer())) {
        run = client.run(proxy.baseUrl());
      }
    }
    return new Phase(run, TraceReader.create().read(capture));
  }

  private Run node(String baseUrl) throws Exception {
    return run(List.of("node", NPM_DIR.resolve("chat.mjs").toString()), NPM_DIR,
        Map.of("OPENAI_BASE_URL", baseUrl + "/v1", "OPENAI_API_KEY", API_KEY), Duration.ofSeconds(60));
  }

  private Run curl(String baseUrl) throws Exception {
    return run(List.of("curl", "-sS", "-N", "--noproxy", "*", "--fail-with-body",
            "-H", "x-api-key: " + API_KEY, "-H", "Authorization: Bearer " + API_KEY,
            "-H", "anthropic-version: 2023-06-01", "-H", "content-type: application/json",
            "--data-binary", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}",
            baseUrl + "/v1/messages"),
        dir, Map.of(), Duration.ofSeconds(60));
  }

  // ---- processes ----

  private record Run(int exit, String stdout, String stderr) {}

  private static Run run(List<String> command, Path workdir, Map<String, String> env, Duration timeout)
      throws Exception {
    Path out = Files.createTempFile("cassette-it", ".out");
    Path err = Files.createTempFile("cassette-it", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(workdir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
              Path.of("/dev/null").toFile()));
      if (!command.get(0).equals("npm")) {
        // The clients talk to 127.0.0.1 only: no proxy of the machine's may stand between.
        builder.environment().keySet().removeIf(name -> name.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy")
            || name.startsWith("OPENAI_") || name.startsWith("ANTHROPIC_"));
      }
      builder.environment().putAll(env);
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new AssertionError(command.get(0) + " is needed for this test and could not be started: " + e, e);
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s: "
            + Files.readString(err));
      }
      return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  // ---- the upstream ----

  /**
   * A local upstream shaped like OpenAI Chat Completions (plain or streamed) and Anthropic
   * Messages (streamed), pacing each streamed answer by {@link #TTFB_MILLIS} and {@link
   * #GAPS_MILLIS}.
   */
  private static final class Upstream implements AutoCloseable {
    private static final String USAGE = "\"usage\":{\"prompt_tokens\":5210,\"completion_tokens\":388,\"total_tokens\":5598,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":1024,\"audio_tokens\":0},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":128,\"audio_tokens\":0}}";
    private final HttpServer server;
    volatile int calls;

    Upstream() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      server.setExecutor(Executors.newCachedThreadPool());
      server.createContext("/v1/chat/completions", this::chat);
      server.createContext("/v1/messages", this::messages);
      server.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void chat(HttpExchange exchange) throws IOException {
      try (exchange) {
        calls++;
        String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        JsonNode body = new ObjectMapper().readTree(request);
        exchange.getResponseHeaders().set("x-request-id", "req_" + calls);
        if (!body.path("stream").asBoolean()) {
          byte[] answer = ("{\"id\":\"chatcmpl-A1\",\"object\":\"chat.completion\",\"created\":1781680664,"
              + "\"model\":\"gpt-5-mini-2025-08-07\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
              + "\"content\":\"Hello! How can I help?\",\"refusal\":null},\"finish_reason\":\"stop\"}]," + USAGE
              + ",\"system_fingerprint\":null}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          return;
        }
        String head = "{\"id\":\"chatcmpl-B2\",\"object\":\"chat.completion.chunk\",\"created\":1781680665,"
            + "\"model\":\"gpt-5-mini-2025-08-07\",\"system_fingerprint\":null,";
        stream(exchange, List.of(
            "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
            "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"One,\"},\"finish_reason\":null}]}\n\n",
            "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" two,\"},\"finish_reason\":null}]}\n\n",
            "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" three.\"},\"finish_reason\":null}]}\n\n",
            "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: " + head + "\"choices\":[]," + USAGE + "}\n\n",
            "data: [DONE]\n\n"));
      }
    }

    private void messages(HttpExchange exchange) throws IOException {
      try (exchange) {
        calls++;
        exchange.getRequestBody().readAllBytes();
        stream(exchange, List.of(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":2095,\"cache_read_input_tokens\":1800,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: ping\ndata: {\"type\":\"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":503}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
      }
    }

    private static void stream(HttpExchange exchange, List<String> events) throws IOException {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(TTFB_MILLIS));
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      for (int i = 0; i < events.size(); i++) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(GAPS_MILLIS[i % GAPS_MILLIS.length]));
        out.write(events.get(i).getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }

    @Override
    public void close() {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }
}
