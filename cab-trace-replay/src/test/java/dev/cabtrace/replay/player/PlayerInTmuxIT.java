package dev.cabtrace.replay.player;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.cli.CabTraceCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cab-trace replay} as a user runs it, full screen in a real terminal: a tmux pane (tmux is
 * a Debian package; {@code .ci/run} installs it).
 */
@Timeout(120)
class PlayerInTmuxIT {

  @TempDir Path dir;
  private Path socket;

  @AfterEach
  void stopTmux() throws Exception {
    if (socket != null) {
      tmux("kill-server").waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void quittingLeavesTheTerminalsSettingsAsTheyWere() throws Exception {
    socket = dir.resolve("sock");
    Path trace = Files.writeString(dir.resolve("cell.jsonl"), "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},"
        + "\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},\"spans\":[{\"traceId\":\"8293433263b72503f683e7696220d242\","
        + "\"spanId\":\"0000000000000001\",\"name\":\"run\",\"kind\":1,\"startTimeUnixNano\":\"1000000000\","
        + "\"endTimeUnixNano\":\"2000000000\",\"attributes\":[{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":"
        + "\"adapter_run\"}}],\"status\":{}}]}]}]}\n");
    Path before = dir.resolve("before");
    Path after = dir.resolve("after");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String player = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' " + CabTraceCli.class.getName()
        + " replay '" + trace + "'";
    assertThat(tmux("new-session", "-d", "-x", "100", "-y", "30",
        "stty -a > '" + before + "'; " + player + "; stty -a > '" + after + "'; sleep 600").waitFor()).isZero();

    awaitPane("q quit");
    assertThat(tmux("send-keys", "q").waitFor()).isZero();
    awaitFile(after);

    List<String> settingsBefore = Files.readAllLines(before);
    assertThat(settingsBefore.get(0)).startsWith("speed ");
    assertThat(Files.readAllLines(after)).isEqualTo(settingsBefore);
  }

  private Process tmux(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** Polls the pane until it shows {@code text}: the player is drawn and reads keys. */
  private void awaitPane(String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String pane = "";
    while (System.nanoTime() < deadline) {
      Process capture = new ProcessBuilder("tmux", "-S", socket.toString(), "capture-pane", "-p").start();
      pane = new String(capture.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      capture.waitFor();
      if (pane.contains(text)) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // polling the pane, not waiting for a time
    }
    throw new AssertionError("the pane never showed \"" + text + "\":\n" + pane);
  }

  private static void awaitFile(Path file) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!(Files.exists(file) && sizeOf(file) > 0)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " was never written");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
