package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.HostileInputTest.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.sdk.CabTraceSdk;
import dev.cabtrace.sdk.persist.CrashJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell run again into the capture file a killed run left: what the killed run's crash journal
 * held is kept, ended when that run died; a journal left beside a capture that was moved or
 * replaced since is not this cell's, and is not taken up.
 */
class CrashJournalRerunTest {

  @TempDir Path dir;

  @Test
  void aCellRunAgainAfterACrashKeepsWhatTheKilledRunLeftInTheJournal() throws IOException {
    // The killed run: one span written to the capture file, one never ended, as kill -9 leaves them.
    Path capture = Files.writeString(dir.resolve("rerun.jsonl"), line("0000000000000001", null, "task_setup", 1000, 2000) + "\n");
    Path journal = CrashJournal.pathFor(capture);
    Files.writeString(journal, "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"9000\",\"pid\":1"
        + captureMember(capture) + "}}\n" + line("0000000000000002", null, "killed_run", 3000, 0) + "\n");

    // The run again, into the same capture file: it closes cleanly, one span still open.
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture)
        .setEnvironment(Map.of()).build()) {
      // A harness that closes on its timeout; started, not made current (a current span left open
      // would be the parent of the next test's spans on this thread).
      sdk.openTelemetry().getTracer("harness").spanBuilder("never_ended").startSpan();
      sdk.cellTracer().toolCall("second_run").close();
    }
    assertThat(journal).exists();
    Timeline both = TraceReader.create().read(capture);
    assertThat(both.spanNamed("second_run").unfinished()).isFalse();
    assertThat(both.spanNamed("killed_run").unfinished()).isTrue();
    assertThat(both.spanNamed("killed_run").endEpochNanos()).as("ended when the killed run died").isEqualTo(9000);
    assertThat(both.spanNamed("never_ended").unfinished()).isTrue();
    assertThat(both.spanNamed("never_ended").endEpochNanos()).as("ended at the second run's heartbeat").isGreaterThan(9000);

    // A third run that closes with everything ended leaves the killed run's part alone in the journal.
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture)
        .setEnvironment(Map.of()).build()) {
      sdk.cellTracer().toolCall("third_run").close();
    }
    Timeline all = TraceReader.create().read(capture);
    assertThat(all.spanNamed("third_run")).isNotNull();
    assertThat(all.spanNamed("killed_run").endEpochNanos()).isEqualTo(9000);
    assertThat(all.spanNamed("never_ended").unfinished()).isTrue();
  }

  @Test
  void aJournalLeftBesideACaptureThatWasReplacedIsNotTakenUp() throws IOException {
    Path capture = Files.writeString(dir.resolve("replaced.jsonl"), line("0000000000000001", null, "task_setup", 1000, 2000) + "\n");
    Path journal = CrashJournal.pathFor(capture);
    String killed = "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"9000\",\"pid\":1" + captureMember(capture)
        + "}}\n" + line("0000000000000002", null, "other_run", 3000, 0) + "\n";
    // The harness moved the capture away before the retry (a new file now), or wrote no capture line at all.
    Files.move(capture, dir.resolve("failed.jsonl"));
    for (String left : new String[] {killed, killed.replaceAll(",\"capture\":\\{[^}]*\\}", "")}) {
      Files.writeString(journal, left);
      try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture)
          .setEnvironment(Map.of()).build()) {
        sdk.cellTracer().toolCall("retry").close();
      }
      assertThat(journal).doesNotExist();
      Timeline retry = TraceReader.create().read(capture);
      assertThat(retry.spanNamed("retry")).isNotNull();
      assertThat(retry.spanNamed("other_run")).isNull();
    }
  }

  /** The member of a journal's heartbeat line that names the capture file as it is now. */
  private static String captureMember(Path capture) throws IOException {
    Object key = Files.readAttributes(capture, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    return ",\"capture\":{\"fileKey\":\"" + key + "\",\"bytes\":" + Files.size(capture) + "}";
  }
}
