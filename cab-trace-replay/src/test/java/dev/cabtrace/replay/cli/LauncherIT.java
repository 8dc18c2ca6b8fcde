package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The launcher the build writes beside the CLI jar: {@code target/cab-trace}. */
@Timeout(120)
class LauncherIT {

  private static final Path LAUNCHER = Path.of("target/cab-trace").toAbsolutePath();

  @TempDir Path dir;

  private record Result(int exit, String out) {}

  private static Result run(Map<String, String> environment, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), out);
  }

  @Test
  void printsTheBuildsVersion() throws Exception {
    assertThat(Files.isExecutable(LAUNCHER)).as(LAUNCHER + " is executable").isTrue();
    Result result = run(Map.of(), LAUNCHER.toString(), "--version");
    assertThat(result.exit()).as(result.out()).isZero();
    assertThat(result.out().strip()).isEqualTo("cab-trace " + CabTraceCli.Version.of()).doesNotContain("unknown");
  }

  @Test
  void findsItsJarThroughASymlinkAndPassesArgumentsAsTheyAre() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("cab-trace"), LAUNCHER);
    Path trace = dir.resolve("a cell with spaces.jsonl");
    try (InputStream in = LauncherIT.class.getResourceAsStream("/dev/cabtrace/replay/read/seed-cell.otlp.jsonl")) {
      Files.copy(in, trace);
    }
    Result result = run(Map.of(), link.toString(), "show", trace.toString());
    Files.delete(link); // @TempDir would warn about a link out of it
    assertThat(result.exit()).as(result.out()).isZero();
    assertThat(result.out()).contains("Trace spans (5)");
  }

  @Test
  void aWarningLoggedOnTheWayIsOneLine() throws Exception {
    Path trace = dir.resolve("cell.jsonl");
    try (InputStream in = LauncherIT.class.getResourceAsStream("/dev/cabtrace/replay/read/seed-cell.otlp.jsonl")) {
      Files.copy(in, trace);
    }
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort(); // nothing listens there once it is closed
    }
    Result push = run(Map.of(), LAUNCHER.toString(), "push", trace.toString(), "--endpoint", "http://127.0.0.1:" + closedPort);
    assertThat(push.exit()).isEqualTo(1);
    assertThat(push.out().lines()).anySatisfy(line -> assertThat(line).startsWith("cab-trace: OTLP export to "))
        .noneSatisfy(line -> assertThat(line).startsWith("WARNING:"))
        .noneSatisfy(line -> assertThat(line).contains("ReportingSpanExporter"))
        .noneSatisfy(line -> assertThat(line).contains("Failed to export"));
  }

  @Test
  void aRefusedBackendIsOneLineOfRecord() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    // The copy exports twice (two spans, then three): the official exporter logged each failure,
    // before and after cab-trace's line saying that further failures are counted, not logged.
    Result record = run(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + closedPort),
        LAUNCHER.toString(), "record", "--no-otlp", "--out", dir.resolve("cell.jsonl").toString(), "--", "true");
    assertThat(record.exit()).as(record.out()).isZero();
    assertThat(record.out().lines().filter(line -> line.contains("export"))).as(record.out())
        .singleElement().satisfies(line -> assertThat(line).startsWith("cab-trace: OTLP export to http://127.0.0.1:"
            + closedPort + "/v1/traces (http/protobuf) failed"));
    assertThat(record.out()).doesNotContain("\tat ");
  }

  @Test
  void takesJvmOptionsFromCabTraceJavaOpts() throws Exception {
    Result bad = run(Map.of("CAB_TRACE_JAVA_OPTS", "-XX:+NoSuchCabTraceOption"), LAUNCHER.toString(), "--version");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.out()).contains("NoSuchCabTraceOption");

    Result good = run(Map.of("CAB_TRACE_JAVA_OPTS", "-Xmx64m -Dcab.trace.test=1"), LAUNCHER.toString(), "--version");
    assertThat(good.exit()).as(good.out()).isZero();
  }
}
