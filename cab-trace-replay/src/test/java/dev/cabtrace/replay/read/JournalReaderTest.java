package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.HostileInputTest.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class JournalReaderTest {

  private static final String HEADER = "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"9000\",\"pid\":1}}\n";

  @TempDir Path dir;

  private static List<String> messages(Timeline timeline) {
    return timeline.warnings().stream().map(LoadWarning::toString).toList();
  }

  private Path capture() throws IOException {
    return Files.writeString(dir.resolve("cell.jsonl"), line("0000000000000001", null, "captured", 1000, 2000) + "\n");
  }

  @Test
  void aTornOrGarbageLineIsSkippedWithItsLineAndTheLinesAfterItAreRead() throws IOException {
    Path capture = capture();
    String open = line("0000000000000003", null, "open", 3000, 0);
    Path journal = Files.writeString(dir.resolve("cell.jsonl.journal"), HEADER
        + open.substring(0, 60) + "\n"
        + open + "\n"
        + "Killed\n"
        + "[1,2]\n"
        + line("0000000000000004", null, "ended", 3000, 4000) + "\n"
        + line("0000000000000005", null, "torn", 3000, 0).substring(0, 90));

    Timeline timeline = TraceReader.create().read(capture);

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactlyInAnyOrder("captured", "open", "ended");
    assertThat(timeline.spanNamed("open").unfinished()).isTrue();
    assertThat(messages(timeline)).containsExactly(
        journal + ":2: incomplete JSON (torn by the process's end?); skipped",
        journal + ":3: span 0000000000000003 (open) never ended: the process stopped; shown unfinished, ending at its"
            + " last heartbeat",
        journal + ":4: not JSON (Unrecognized token 'Killed': was expecting (JSON String, Number, Array, Object or token"
            + " 'null', 'true' or 'false')); skipped",
        journal + ":5: not a line of spans; skipped",
        journal + ":6: span 0000000000000004 (ended) ended but never reached the capture file; recovered from the crash"
            + " journal",
        journal + ":7: torn last line (the process stopped mid-write); skipped");
  }

  @Test
  void aJournalWhoseHeartbeatHeaderIsDamagedIsReadEndingOpenSpansAtItsLastWrite() throws IOException {
    String open = line("0000000000000003", null, "open", 3000, 0);
    String ended = line("0000000000000004", null, "ended", 3000, 4000);
    long written = 1_700_000_000_000_000_000L;
    for (String first : new String[] {"hello\n", "", HEADER.substring(0, 40) + "\n", "{\"cabJournal\":{\"heartbeatUnixNano\":\"99999999999999999999\"}}\n"}) {
      Path capture = capture();
      Path journal = Files.writeString(dir.resolve("cell.jsonl.journal"), first + open + "\n" + ended + "\n");
      Files.setLastModifiedTime(journal, java.nio.file.attribute.FileTime.from(written, java.util.concurrent.TimeUnit.NANOSECONDS));

      for (Path named : new Path[] {capture, journal}) {
        Timeline timeline = TraceReader.create().read(named);

        assertThat(timeline.spans()).as("%s, read as %s", first, named.getFileName()).extracting(TimelineSpan::name)
            .containsExactlyInAnyOrder("captured", "open", "ended");
        assertThat(timeline.spanNamed("open").unfinished()).isTrue();
        assertThat(timeline.spanNamed("open").endEpochNanos()).isEqualTo(written);
        assertThat(messages(timeline)).first().asString().startsWith(journal + ":1: crash journal's heartbeat header ")
            .contains("its spans are read all the same, those that never ended ending at its last write");
      }
    }
  }

  @Test
  void aChildThatEndedAfterItsUnfinishedParentsLastHeartbeatIsNoClockSkew() throws IOException {
    // The container never ended (heartbeat at 9000); its tool call was written to the capture after it.
    Path capture = Files.writeString(dir.resolve("cell.jsonl"),
        line("0000000000000002", "0000000000000001", "late child", 8000, 9500) + "\n"
        + line("0000000000000004", "0000000000000003", "skewed child", 50, 9000) + "\n"
        + line("0000000000000003", null, "ended parent", 100, 200) + "\n");
    Files.writeString(dir.resolve("cell.jsonl.journal"), HEADER + line("0000000000000001", null, "container", 1000, 0) + "\n");

    Timeline timeline = TraceReader.create().read(capture);

    assertThat(timeline.spanNamed("container").unfinished()).isTrue();
    assertThat(messages(timeline)).noneMatch(m -> m.contains("late child") && m.contains("clock skew"))
        .anyMatch(m -> m.contains("skewed child") && m.contains("runs outside its parent"));
  }

  @Test
  void anEarlierRunWhoseHeaderIsDamagedIsReadItsOpenSpansEndingWhereTheyStart() throws IOException {
    Path capture = capture();
    Files.writeString(dir.resolve("cell.jsonl.journal"), HEADER
        + line("0000000000000003", null, "this run's", 3000, 0) + "\n"
        + "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\n"
        + line("0000000000000005", null, "earlier run's", 500, 0) + "\n");

    Timeline timeline = TraceReader.create().read(capture);

    assertThat(timeline.spanNamed("this run's").endEpochNanos()).isEqualTo(9000);
    assertThat(timeline.spanNamed("earlier run's").unfinished()).isTrue();
    assertThat(timeline.spanNamed("earlier run's").endEpochNanos()).isEqualTo(500);
    assertThat(messages(timeline)).anyMatch(m -> m.contains(":3: crash journal's heartbeat header of an earlier run"
        + " cannot be read; that run's spans are read all the same"));
  }

  @Test
  void aJournalWithNothingReadableBesideAnEmptyCaptureSaysWhereInTheError() throws IOException {
    Path capture = Files.createFile(dir.resolve("cell.jsonl"));
    Path journal = Files.writeString(dir.resolve("cell.jsonl.journal"), HEADER + "{\"resourceSpans\":[\n");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TraceReader.create().read(capture))
        .isInstanceOf(TraceReadException.class)
        .hasMessage(capture + ": no spans found; " + journal + ":2: incomplete JSON (torn by the process's end?); skipped");
  }

  @Test
  void aJournalWhoseHeaderNamesAnotherCaptureFileIsNotMergedUnlessNamed() throws IOException {
    Path capture = capture();
    Object key = Files.readAttributes(capture, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    org.junit.jupiter.api.Assumptions.assumeTrue(key != null, "the file system gives files keys");
    String foreign = line("00000000000000aa", null, "other-run", 3000, 0) + "\n";
    Path journal = dir.resolve("cell.jsonl.journal");
    String notThis = journal + ":1: crash journal's header names a capture file that is not " + capture
        + " as it is now (the header: file %s of %d bytes; now: file " + key + " of " + Files.size(capture)
        + " bytes): left by another run, or copied with its capture; ";

    // Another file, and this file when it was longer (cut or rewritten since).
    for (Object[] then : new Object[][] {{"(dev=1,ino=2)", 99L}, {key, Files.size(capture) + 1}}) {
      Files.writeString(journal, header(then[0], (Long) then[1]) + foreign);
      Timeline timeline = TraceReader.create().read(capture);
      assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("captured");
      assertThat(messages(timeline)).containsExactly(String.format(notThis, then[0], then[1])
          + "not merged (read cell.jsonl.journal by its name to merge it all the same)");

      Timeline named = TraceReader.create().read(journal);
      assertThat(named.spans()).extracting(TimelineSpan::name).containsExactlyInAnyOrder("captured", "other-run");
      assertThat(messages(named)).first().isEqualTo(String.format(notThis, then[0], then[1])
          + "merged, as the journal was named");
    }

    // This file, appended to since: its journal.
    Files.writeString(journal, header(key, Files.size(capture) - 1) + foreign);
    assertThat(TraceReader.create().read(capture).spans()).extracting(TimelineSpan::name)
        .containsExactlyInAnyOrder("captured", "other-run");
  }

  /** A heartbeat line naming the capture file {@code key} of {@code bytes}, as the SDK writes it. */
  private static String header(Object key, long bytes) {
    return "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"9000\",\"pid\":1,\"capture\":{\"fileKey\":\""
        + key + "\",\"bytes\":" + bytes + "}}}\n";
  }
}
