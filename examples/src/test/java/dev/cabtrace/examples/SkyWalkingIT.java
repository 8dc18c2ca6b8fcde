package dev.cabtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.cli.CabTraceCli;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real trace backend: Apache SkyWalking's OAP server, started as its own JVM on 127.0.0.1. It
 * takes OTLP/gRPC on 4317 and answers a Zipkin-compatible query API on 9412.
 */
class SkyWalkingIT {

  private static final String ZIPKIN = "http://127.0.0.1:9412/zipkin";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static Process oap;
  private static Path log;

  @TempDir Path dir;

  @BeforeAll
  static void startBackend() throws Exception {
    Path lib = Path.of(System.getProperty("skywalking.lib", "target/skywalking/lib"));
    assertThat(lib).as("SkyWalking jars (resolved at pre-integration-test)").isDirectory();
    Path config = Path.of(SkyWalkingIT.class.getResource("/skywalking/application.yml").toURI()).getParent();
    for (int port : new int[] {4317, 9412, 11800, 12800}) {
      try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(probe.getLocalPort()).isEqualTo(port);
      } catch (IOException e) {
        throw new AssertionError("port " + port + " on 127.0.0.1 is taken: SkyWalking needs it", e);
      }
    }
    log = Files.createTempFile("skywalking-oap-", ".log");
    oap = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
            "-cp", config + java.io.File.pathSeparator + lib + "/*",
            "org.apache.skywalking.oap.server.starter.OAPServerStartUp")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      if (!oap.isAlive()) {
        throw new AssertionError("SkyWalking OAP exited with " + oap.exitValue() + ":\n" + tail());
      }
      try {
        if (CLIENT.send(HttpRequest.newBuilder(URI.create(ZIPKIN + "/api/v2/services")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200
            && Files.readString(log).contains("listening on 4317")) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("SkyWalking OAP not ready within 120 s:\n" + tail());
      }
      LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
    }
  }

  @AfterAll
  static void stopBackend() throws InterruptedException {
    if (oap != null) {
      oap.descendants().forEach(ProcessHandle::destroyForcibly);
      oap.destroyForcibly();
      oap.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Runs the example cell as a real adapter process, with the given environment. */
  private Timeline runCell(Path capture, Map<String, String> environment) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            ExampleCell.class.getName(), "--out", capture.toString(),
            "--", "sh", "-c", "echo building; echo done")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("adapter.log").toFile());
    builder.environment().putAll(environment);
    Process adapter = builder.start();
    assertThat(adapter.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(adapter.exitValue()).as(Files.readString(dir.resolve("adapter.log"))).isZero();
    return TraceReader.create().read(capture);
  }

  /** The trace as the backend's Zipkin API returns it, once all {@code spans} are there (bounded). */
  private static JsonNode queryTrace(String traceId, int spans) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = CLIENT.send(
          HttpRequest.newBuilder(URI.create(ZIPKIN + "/api/v2/trace/" + traceId)).build(), HttpResponse.BodyHandlers.ofString());
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == 200) {
        JsonNode trace = MAPPER.readTree(response.body());
        if (trace.isArray() && trace.size() >= spans) {
          return trace;
        }
      }
      LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
    }
    throw new AssertionError("trace " + traceId + " never had " + spans + " spans in the backend; last answer: " + last);
  }

  /** The backend holds the same spans as the capture file: names, ids, parents, times, attributes. */
  private static void assertSameSpans(JsonNode backend, Timeline capture) {
    Map<String, JsonNode> byId = new HashMap<>();
    backend.forEach(span -> byId.put(span.get("id").asText(), span));
    assertThat(byId).hasSize(capture.size());
    for (TimelineSpan expected : capture.spans()) {
      JsonNode span = byId.get(expected.spanId());
      assertThat(span).as("span %s (%s) in the backend", expected.spanId(), expected.name()).isNotNull();
      assertThat(span.get("traceId").asText()).isEqualTo(expected.traceId());
      assertThat(span.get("name").asText()).isEqualTo(expected.name());
      assertThat(span.path("parentId").asText("")).isEqualTo(expected.parentSpanId());
      assertThat(span.get("timestamp").asLong()).isEqualTo(expected.startEpochNanos() / 1000);
      assertThat(span.get("duration").asLong()).isBetween(expected.durationNanos() / 1000 - 1, expected.durationNanos() / 1000 + 1);
      assertThat(span.at("/tags/cab.span.kind").asText()).isEqualTo(expected.kindName());
      assertThat(span.at("/tags/cab.tui").asText()).isEqualTo("example-cli");
    }
  }

  @Test
  void theExampleCellExportsOverOtlpGrpcWithOneEnvironmentVariable() throws Exception {
    Timeline capture = runCell(dir.resolve("cell.jsonl"), Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));

    assertThat(capture.size()).isEqualTo(5);
    JsonNode backend = queryTrace(capture.traceIds().get(0), 5);
    assertSameSpans(backend, capture);
    JsonNode container = null;
    for (JsonNode span : backend) {
      if ("container".equals(span.at("/tags/cab.span.kind").asText())) {
        container = span;
      }
    }
    assertThat(container).isNotNull();
    assertThat(container.at("/tags/process.exit.code").asText()).isEqualTo("0");
  }

  @Test
  void pushSendsACaptureMadeOfflineAndReplayFromReadsItBack() throws Exception {
    Path file = dir.resolve("offline.jsonl");
    Timeline capture = runCell(file, Map.of());
    String traceId = capture.traceIds().get(0);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = CabTraceCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
        "push", file.toString(), "--endpoint", "http://127.0.0.1:4317", "--protocol", "grpc");
    assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("pushed 5 of 5 spans").contains("0 failed");
    assertSameSpans(queryTrace(traceId, 5), capture);

    ByteArrayOutputStream shown = new ByteArrayOutputStream();
    assertThat(CabTraceCli.run(new PrintStream(shown, true, StandardCharsets.UTF_8), System.err,
        "show", "--from", ZIPKIN, traceId, "--json")).isZero();
    JsonNode document = MAPPER.readTree(shown.toString(StandardCharsets.UTF_8));
    assertThat(document.get("spans").size()).isEqualTo(5);
    for (JsonNode span : document.get("spans")) {
      TimelineSpan expected = capture.spans().stream().filter(s -> s.spanId().equals(span.get("spanId").asText())).findFirst().orElseThrow();
      assertThat(span.get("kind").asText()).isEqualTo(expected.kindName());
      assertThat(span.get("parentSpanId").asText()).isEqualTo(expected.parentSpanId());
    }
    // replay with no terminal attached prints what show prints, from the backend.
    ByteArrayOutputStream replayed = new ByteArrayOutputStream();
    assertThat(CabTraceCli.run(new PrintStream(replayed, true, StandardCharsets.UTF_8), System.err,
        "replay", "--from", ZIPKIN, traceId)).isZero();
    assertThat(replayed.toString(StandardCharsets.UTF_8)).contains("Trace spans (5)").contains("example-cli:run");
  }
}
