package dev.cabtrace.replay.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How a command's processes are stopped when a relay runs it (script under {@code --pty}): what
 * the relay runs is told, then killed; the relay itself is left to exit by itself once that is
 * gone (script then restores the user's terminal), and killed only if it does not.
 */
class CommandProcessesTest {

  @Test
  void aRelayWhoseCommandIgnoresSigtermExitsByItselfOnceTheCommandIsKilled() throws Exception {
    Process relay = relayThen("echo relay-done; exit 3");
    CommandProcesses processes = new CommandProcesses();
    processes.started(relay.toHandle(), true);

    processes.terminate(Duration.ofMillis(200));

    assertThat(relay.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(relay.exitValue()).as("the relay's own exit, not a SIGKILL's 137").isEqualTo(3);
    assertThat(new String(relay.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("relay-done");
    assertThat(processes.running()).isEmpty();
  }

  @Test
  void aRelayThatDoesNotExitOnceItsCommandIsGoneIsKilled() throws Exception {
    Process relay = relayThen("exec sleep 600");
    CommandProcesses processes = new CommandProcesses();
    processes.started(relay.toHandle(), true);

    processes.terminate(Duration.ofMillis(200));

    assertThat(relay.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(relay.exitValue()).isEqualTo(137);
    assertThat(processes.running()).isEmpty();
  }

  /**
   * A relay, started and ready: it ignores SIGTERM as script does not, so that only a SIGKILL could
   * end it early, and runs a command that ignores SIGTERM too; once that is gone, {@code then}.
   */
  private static Process relayThen(String then) throws IOException {
    Process relay = new ProcessBuilder("sh", "-c",
        "trap '' TERM; sh -c \"trap '' TERM; echo ready; while :; do sleep 1; done\"; " + then)
        .redirectErrorStream(true).start();
    assertThat(firstLine(relay)).isEqualTo("ready");
    return relay;
  }

  private static String firstLine(Process process) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = process.getInputStream().read(); c >= 0 && c != '\n'; c = process.getInputStream().read()) {
      line.append((char) c);
    }
    return line.toString();
  }
}
