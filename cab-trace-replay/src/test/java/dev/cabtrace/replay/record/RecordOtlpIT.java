package dev.cabtrace.replay.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.cli.CabTraceCli;
import dev.cabtrace.replay.internal.OtlpJsonRequest;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cab-trace record} around a Node "agent" that traces with the official OpenTelemetry JS SDK
 * (from npm, installed by this test into target/), over OTLP/HTTP protobuf and OTLP/gRPC; and a
 * record process killed with SIGKILL after it received spans.
 */
@Timeout(300)
class RecordOtlpIT {

  private static final Path AGENT_SOURCES = Path.of("src/test/node/otel-agent");
  private static final Path AGENT = Path.of("target/node-otel-agent");

  @TempDir Path dir;

  @BeforeAll
  static void installTheOfficialSdk() throws Exception {
    Files.createDirectories(AGENT);
    for (String file : List.of("package.json", "agent.mjs")) {
      Files.copy(AGENT_SOURCES.resolve(file), AGENT.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.isDirectory(AGENT.resolve("node_modules/@opentelemetry/sdk-trace-node"))) {
      return;
    }
    Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
        .directory(AGENT.toFile()).redirectErrorStream(true).start();
    String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(npm.waitFor(240, TimeUnit.SECONDS)).as("npm install finished").isTrue();
    assertThat(npm.exitValue()).as("npm install: %s", log).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"http/protobuf", "grpc"})
  void theAgentsOwnSpansLandInTheCellsTraceUnderTheContainerSpan(String protocol) throws Exception {
    Path capture = dir.resolve("node.jsonl");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = CabTraceCli.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        "record", "--out", capture.toString(), "--tui", "node-agent", "--otlp-protocol", protocol,
        "--", "node", AGENT.resolve("agent.mjs").toAbsolutePath().toString());
    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("(3 from the command's own OpenTelemetry SDK)");

    Timeline timeline = TraceReader.create().read(capture);
    TimelineSpan container = timeline.spans().stream().filter(s -> s.kindName().equals("container")).findFirst().orElseThrow();
    TimelineSpan plan = timeline.spanNamed("agent.plan");
    TimelineSpan read = timeline.spanNamed("agent.read_file");
    TimelineSpan edit = timeline.spanNamed("agent.edit");
    assertThat(timeline.traceIds()).containsExactly(container.traceId());
    assertThat(plan.parentSpanId()).isEqualTo(container.spanId());
    assertThat(read.parentSpanId()).isEqualTo(plan.spanId());
    assertThat(edit.parentSpanId()).isEqualTo(plan.spanId());
    assertThat(plan.scope()).isEqualTo("node-agent");
    assertThat(read.attribute("file.path")).isEqualTo("src/lib.rs");
    assertThat(timeline.output().stream().map(c -> c.text()).reduce("", String::concat))
        .contains("exported 3 spans over " + protocol);
    for (String line : Files.readAllLines(capture)) {
      assertThat(OtlpJsonRequest.parse(line.getBytes(StandardCharsets.UTF_8)).getResourceSpansCount()).isPositive();
    }
  }

  @Test
  void theProtocolSetInTheUsersEnvironmentIsTheOneHandedOver() throws Exception {
    // No --otlp-protocol: the user's OTEL_EXPORTER_OTLP_PROTOCOL=grpc reaches the agent as it is,
    // and the receiver it is pointed at must speak gRPC, not OTLP/HTTP.
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CabTraceCli.class.getName(),
        "record", "--out", dir.resolve("env.jsonl").toString(), "--tui", "node-agent",
        "--", "node", AGENT.resolve("agent.mjs").toAbsolutePath().toString())
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_") || name.equals("TRACEPARENT"));
    builder.environment().put("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    Process record = builder.start();
    String log = new String(record.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(record.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(record.exitValue()).as(log).isZero();
    assertThat(log).contains("(3 from the command's own OpenTelemetry SDK)");
    assertThat(TraceReader.create().read(dir.resolve("env.jsonl")).spanNamed("agent.plan")).isNotNull();
  }

  @Test
  void aRecordKilledWithSigkillLeavesAJournalWithTheSpansItReceived() throws Exception {
    Path capture = dir.resolve("killed.jsonl");
    Path journal = dir.resolve("killed.jsonl.journal");
    // The span's name is put together by the shell, so the command line (recorded on the container
    // span) does not hold it whole.
    String send = "t=${TRACEPARENT#00-}; trace=${t%%-*}; rest=${t#*-}; parent=${rest%%-*}; n=received-before;"
        + " curl -sf -H 'Content-Type: application/json' --data \"{\\\"resourceSpans\\\":[{\\\"scopeSpans\\\":[{\\\"scope\\\":{\\\"name\\\":\\\"curl\\\"},"
        + "\\\"spans\\\":[{\\\"traceId\\\":\\\"$trace\\\",\\\"spanId\\\":\\\"00000000000000aa\\\",\\\"parentSpanId\\\":\\\"$parent\\\","
        + "\\\"name\\\":\\\"$n-the-kill\\\",\\\"startTimeUnixNano\\\":\\\"$(date +%s)000000000\\\","
        + "\\\"endTimeUnixNano\\\":\\\"$(date +%s)000000001\\\"}]}]}]}\" \"$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces\""
        + " && echo sent; sleep 120";
    Process record = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CabTraceCli.class.getName(),
        // A workdir of the test's: killed with SIGKILL, record cannot remove the one it would make.
        "record", "--out", capture.toString(), "--workdir", dir.toString(), "--", "sh", "-c", send)
        .redirectErrorStream(true).redirectOutput(dir.resolve("record.log").toFile()).start();
    List<ProcessHandle> tree = List.of();
    try {
      // Received: in the journal until its capture line is written, then in the capture file.
      awaitText(List.of(journal, capture), "received-before-the-kill");
      awaitText(List.of(journal), "\"name\":\"agent:run\"");
      tree = record.descendants().toList();
    } finally {
      record.destroyForcibly();
      assertThat(record.waitFor(30, TimeUnit.SECONDS)).isTrue();
      tree.forEach(ProcessHandle::destroyForcibly);
    }

    Timeline timeline = TraceReader.create().read(capture);
    TimelineSpan container = timeline.spans().stream().filter(s -> s.kindName().equals("container")).findFirst().orElseThrow();
    TimelineSpan received = timeline.spanNamed("received-before-the-kill");
    assertThat(received.parentSpanId()).isEqualTo(container.spanId());
    assertThat(container.unfinished()).isTrue();
  }

  private static void awaitText(List<Path> files, String text) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (Path file : files) {
        try {
          if (Files.readString(file).contains(text)) {
            return;
          }
        } catch (NoSuchFileException e) {
          // not written yet, or being replaced
        }
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    throw new AssertionError(files + " never contained \"" + text + "\" within 60 s");
  }
}
