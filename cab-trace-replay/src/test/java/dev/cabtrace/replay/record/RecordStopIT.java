package dev.cabtrace.replay.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.cli.CabTraceCli;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A {@code record} process stopped with SIGTERM, as timeout(1), a CI cancel or kill(1) stop it. */
@Timeout(120)
class RecordStopIT {

  @TempDir Path dir;

  @Test
  void aStoppedRecordClosesItsCaptureBeforeItsHaltEvenWhenWhatItWaitsForNeverEnds() throws Exception {
    Path capture = dir.resolve("stopped.jsonl");
    Path escaped = dir.resolve("escaped.pid");
    // A process no stop can reach (its environment cleared, re-parented to init) holds the output
    // pipes and an export in flight (its headers sent, never its body): every wait of a stopped
    // record would run to its end, past the halt, but for the stop's own limit.
    String escape = "hp=${OTEL_EXPORTER_OTLP_ENDPOINT#http://};"
        + " (env -i HOST=${hp%:*} PORT=${hp##*:} PID_FILE=" + escaped + " /bin/bash -c '"
        + "exec 3<>/dev/tcp/$HOST/$PORT;"
        + " printf \"POST /v1/traces HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/x-protobuf\\r\\n"
        + "Content-Length: 100\\r\\n\\r\\n\" >&3;"
        + " echo $$ > $PID_FILE.tmp; mv $PID_FILE.tmp $PID_FILE; exec sleep 600' &);"
        + " echo agent started; sleep 600";
    Process record = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CabTraceCli.class.getName(),
        "record", "--out", capture.toString(), "--otlp-grace", "60s", "--", "bash", "-c", escape)
        .redirectErrorStream(true).redirectOutput(dir.resolve("record.log").toFile()).start();
    long escapedPid = -1;
    try {
      escapedPid = Long.parseLong(awaitFile(escaped).trim());
      record.destroy(); // SIGTERM
      assertThat(record.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      record.destroyForcibly();
      ProcessHandle.of(escapedPid).ifPresent(ProcessHandle::destroyForcibly);
    }

    Timeline timeline = TraceReader.create().read(capture);
    assertThat(timeline.spans()).extracting(TimelineSpan::kindName)
        .containsExactlyInAnyOrder("task_setup", "adapter_run", "tool_call", "container", "cleanup");
    assertThat(timeline.spans()).noneMatch(TimelineSpan::unfinished);
    TimelineSpan container =
        timeline.spans().stream().filter(s -> s.kindName().equals("container")).findFirst().orElseThrow();
    assertThat(container.status()).isEqualTo(SpanStatus.ERROR);
    assertThat(container.statusMessage()).contains("record was stopped");
    assertThat(Files.readAllLines(dir.resolve("record.log"))).anySatisfy(line -> assertThat(line)
        .startsWith("cab-trace record: exit code 143: record was stopped (a signal); the command's processes were"
            + " killed; captured 5 spans")
        .endsWith(" in " + capture));
  }

  @Test
  void onAPseudoTerminalAsABackgroundJobRecordIsNotStoppedByItsTerminal() throws Exception {
    // script(1) gives the job a terminal; bash's job control (set -m) runs record in a process
    // group of its own in the background, as `record ... &` in an interactive shell does.
    Path capture = dir.resolve("background.jsonl");
    String record = String.join(" ", CommandRunner.quote(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
        "-cp", CommandRunner.quote(System.getProperty("java.class.path")), CabTraceCli.class.getName(),
        "record", "--out", CommandRunner.quote(capture.toString()), "--no-otlp", "--pty", "--timeout", "60", "--",
        "echo", "hello-from-the-background");
    Process terminal = new ProcessBuilder("script", "-q", "-e", "-c",
        "bash -c " + CommandRunner.quote("set -m; " + record + " & wait $!; echo background-exit=$?"), "/dev/null")
        .redirectInput(ProcessBuilder.Redirect.PIPE).redirectErrorStream(true)
        .redirectOutput(dir.resolve("terminal.log").toFile()).start();
    try {
      assertThat(terminal.waitFor(100, TimeUnit.SECONDS)).isTrue();
    } finally {
      terminal.destroyForcibly();
    }
    String log = Files.readString(dir.resolve("terminal.log"));
    // Stopped, bash's wait returns 150 (128 + SIGTTOU) and reports the job "Stopped".
    assertThat(log.lines().filter(line -> line.contains("background-exit=") || line.contains("Stopped")))
        .as("the job's end, as bash reports it").containsExactly("background-exit=0");
    TimelineSpan container = TraceReader.create().read(capture).spans().stream()
        .filter(s -> s.kindName().equals("container")).findFirst().orElseThrow();
    assertThat(container.attribute("process.exit.code")).isEqualTo(0L);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pipes", "pty"})
  void aStoppedRecordReportsTheCommandsExitCodeOnPipesAndOnAPseudoTerminalAlike(String terminal) throws Exception {
    Path capture = dir.resolve(terminal + ".jsonl");
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CabTraceCli.class.getName(),
        "record", "--out", capture.toString(), "--no-otlp"));
    if (terminal.equals("pty")) {
      argv.add("--pty");
    }
    argv.addAll(List.of("--", "sh", "-c", "echo agent started; sleep 600"));
    Process record = new ProcessBuilder(argv).redirectErrorStream(true).start();
    List<String> log = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(record.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null && !line.contains("agent started")) {
        log.add(line);
      }
      record.toHandle().destroy(); // SIGTERM, leaving record's output open, unlike Process.destroy
      lines.lines().forEach(log::add);
      assertThat(record.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      record.destroyForcibly();
    }

    // Killed by the stop's SIGTERM, as a shell reports it: 143. Not record's own exit status, which
    // is the JVM's 143 after a SIGTERM whatever it recorded.
    assertThat(log).anySatisfy(line -> assertThat(line)
        .startsWith("cab-trace record: exit code 143: record was stopped (a signal)"));
    TimelineSpan container = TraceReader.create().read(capture).spans().stream()
        .filter(s -> s.kindName().equals("container")).findFirst().orElseThrow();
    assertThat(container.attribute("process.exit.code")).isEqualTo(143L);
    assertThat(container.status()).isEqualTo(SpanStatus.ERROR);
    assertThat(container.statusMessage()).contains("record was stopped");
  }

  private static String awaitFile(Path file) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " was not made within 60 s");
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    return Files.readString(file);
  }
}
