package dev.cabtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a real adapter JVM with SIGKILL in the middle of its container step. */
class CrashRecoveryIT {

  @TempDir Path dir;

  @Test
  void aCellKilledMidContainerLeavesItsOpenSpansInTheJournal() throws Exception {
    Path capture = dir.resolve("cell.jsonl");
    Path journal = dir.resolve("cell.jsonl.journal");
    Process adapter =
        jvm(ExampleCell.class, "--out", capture.toString(), "--", "sh", "-c", "echo agent started; sleep 120")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("adapter.log").toFile())
            .start();
    List<ProcessHandle> tree = List.of();
    try {
      awaitText(journal, "agent started");
      tree = adapter.descendants().toList();
    } finally {
      // SIGKILL: no shutdown hook, no flush, exactly like an OOM kill or a sandbox timeout.
      adapter.destroyForcibly();
      assertThat(adapter.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    tree.forEach(ProcessHandle::destroyForcibly);
    assertThat(adapter.exitValue()).isEqualTo(137);

    String journaled = Files.readString(journal);
    assertThat(journaled).contains("\"cabJournal\"").contains("adapter_run").contains("\"container\"");
    assertThat(journaled).contains("agent started");
    String captured = Files.exists(capture) ? Files.readString(capture) : "";
    assertThat(captured + journaled).contains("task_setup").contains("tool_call");
    assertThat(captured).doesNotContain("\"container\"");

    // Replaying what it left: every span that had started, the open ones marked unfinished.
    Timeline timeline = TraceReader.create().read(capture);
    assertThat(timeline.spans()).extracting(TimelineSpan::kindName)
        .containsExactlyInAnyOrder("task_setup", "adapter_run", "tool_call", "container");
    TimelineSpan container = timeline.spans().stream().filter(s -> s.kindName().equals("container")).findFirst().orElseThrow();
    assertThat(container.unfinished()).isTrue();
    assertThat(timeline.spans().stream().filter(s -> s.kindName().equals("adapter_run")).findFirst().orElseThrow().unfinished()).isTrue();
    assertThat(timeline.warnings()).anyMatch(w -> w.message().contains("never ended"));
    assertThat(timeline.frame(timeline.durationNanos()).output().text(null)).contains("agent started");
    assertThat(container.endEpochNanos()).isGreaterThan(container.startEpochNanos());
  }

  @Test
  void aRecordStoppedBySigtermKillsItsCommandAndClosesTheCapture() throws Exception {
    Path capture = dir.resolve("stopped.jsonl");
    Path started = dir.resolve("started");
    Process record =
        jvm(dev.cabtrace.replay.cli.CabTraceCli.class, "record", "--out", capture.toString(),
                "--", "sh", "-c", "echo agent started; touch " + started + "; sleep 600")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("record.log").toFile())
            .start();
    List<ProcessHandle> tree = List.of();
    try {
      awaitFile(started);
      tree = record.descendants().toList();
      assertThat(tree).anyMatch(p -> p.info().commandLine().orElse("").contains("sleep 600"));
      // SIGTERM, as timeout(1), a CI cancel or kill(1) sends: the JVM runs its shutdown hooks.
      record.destroy();
      assertThat(record.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      record.destroyForcibly();
    }
    try {
      for (ProcessHandle process : tree) {
        // The JVM does not kill what it started: left to itself, sleep 600 would outlive record.
        process.onExit().get(30, TimeUnit.SECONDS);
        assertThat(process.isAlive()).as(process.info().commandLine().orElse("?")).isFalse();
      }
    } finally {
      tree.forEach(ProcessHandle::destroyForcibly);
    }

    Timeline timeline = TraceReader.create().read(capture);
    assertThat(timeline.spans()).extracting(TimelineSpan::kindName)
        .containsExactlyInAnyOrder("task_setup", "adapter_run", "tool_call", "container", "cleanup");
    assertThat(timeline.spans()).noneMatch(TimelineSpan::unfinished);
    TimelineSpan container = timeline.spans().stream().filter(s -> s.kindName().equals("container")).findFirst().orElseThrow();
    assertThat(container.status()).isEqualTo(dev.cabtrace.replay.timeline.SpanStatus.ERROR);
    assertThat(container.statusMessage()).contains("record was stopped");
    assertThat(timeline.frame(timeline.durationNanos()).output().text(null)).contains("agent started");
    assertThat(timeline.warnings()).noneMatch(w -> w.message().contains("never ended"));
    try (var left = Files.list(dir.resolve("tmp"))) {
      assertThat(left.toList()).as("the stopped cell's workdir, removed by its cleanup").isEmpty();
    }
  }

  /**
   * {@code main} of {@code mainClass} in a JVM of its own, on this test's class path, its temporary
   * directory in this test's: a killed cell cannot remove its workdir, and the secret test reads it.
   */
  private ProcessBuilder jvm(Class<?> mainClass, String... args) throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private static void awaitFile(Path file) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " was not made within 30 s");
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  @Test
  void nothingACrashLeavesBehindHoldsASecret() throws Exception {
    String key = "sk-proj-CRASHKEYCRASHKEYCRASHKEY0123456789";
    String token = "ghp_CRASHTOKEN0123456789abcdefghijABCD";
    Path capture = dir.resolve("secret.jsonl");
    Path journal = dir.resolve("secret.jsonl.journal");
    ProcessBuilder builder =
        jvm(ExampleCell.class, "--out", capture.toString(), "--", "sh", "-c",
                "echo \"agent up with $OPENAI_API_KEY\"; echo \"Authorization: Bearer " + token + "\"; sleep 120",
                "--openai-api-key", key)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("adapter.log").toFile());
    builder.environment().put("OPENAI_API_KEY", key);
    Process adapter = builder.start();
    List<ProcessHandle> tree = List.of();
    try {
      awaitText(journal, "Authorization");
      tree = adapter.descendants().toList();
    } finally {
      adapter.destroyForcibly();
      assertThat(adapter.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    tree.forEach(ProcessHandle::destroyForcibly);

    // Every file the cell left beside its capture (the adapter's own console log aside: that is
    // the terminal, not cab-trace's).
    try (var files = Files.walk(dir)) {
      List<Path> left = files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("adapter.log")).toList();
      assertThat(left).as("the killed cell's workdir is left, with its task").anyMatch(f -> f.endsWith("TASK.md"));
      for (Path file : left) {
        String text = Files.readString(file);
        assertThat(text).as(file.toString()).doesNotContain(key).doesNotContain(token);
      }
    }
    assertThat(Files.readString(journal)).contains("agent up with").contains("Authorization");
    for (String command : new String[] {"cast", "show"}) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      int exit = dev.cabtrace.replay.cli.CabTraceCli.run(
          new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
          new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8),
          command, capture.toString());
      String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertThat(exit).isZero();
      assertThat(printed).as(command).doesNotContain(key).doesNotContain(token);
    }
  }

  private static void awaitText(Path file, String text) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (Files.readString(file).contains(text)) {
          return;
        }
      } catch (NoSuchFileException e) {
        // Not written yet, or being replaced: look again.
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    throw new AssertionError(file + " never contained \"" + text + "\" within 30 s");
  }
}
