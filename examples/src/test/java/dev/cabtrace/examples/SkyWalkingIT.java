package dev.cabtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.cli.CabTraceCli;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example cell and {@code push}, {@code show} and {@code replay} against a real trace backend:
 * Apache SkyWalking's OAP server (see {@link SkyWalkingBackend}), OTLP/gRPC in, Zipkin API out.
 */
@ExtendWith(SkyWalkingBackend.class)
class SkyWalkingIT {

  private static final String ZIPKIN = SkyWalkingBackend.ZIPKIN;
  private static final ObjectMapper MAPPER = SkyWalkingBackend.MAPPER;

  @TempDir Path dir;

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

  private static JsonNode queryTrace(String traceId, int spans) throws Exception {
    return SkyWalkingBackend.queryTrace(traceId, spans);
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
        "OTEL_EXPORTER_OTLP_ENDPOINT", SkyWalkingBackend.OTLP_GRPC, "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));

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
        "push", file.toString(), "--endpoint", SkyWalkingBackend.OTLP_GRPC, "--protocol", "grpc");
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
