package dev.cabtrace.sdk.persist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import dev.cabtrace.sdk.capture.BlockingBatchSpanProcessor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// What a test awaits may never come: this ends the wait (the polling thread is left behind).
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrashJournalTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void journalsOpenSpansWithAHeartbeatAndGoesAwayOnCleanClose() throws IOException {
    Path capture = dir.resolve("cell.jsonl");
    Path journal = CrashJournal.pathFor(capture);
    assertThat(journal.getFileName().toString()).isEqualTo("cell.jsonl.journal");

    try (CabTraceSdk sdk =
        CabTraceSdk.builder()
            .setCaptureFile(capture)
            .setHeartbeat(Duration.ofMillis(50))
            .build()) {
      try (CellSpan run = sdk.cellTracer().adapterRun("aider:python/flaky-retry", "aider");
          CellSpan container = sdk.cellTracer().container("aider:run")) {
        container.setAttribute("progress", "compiling");
        List<String> lines = awaitJournal(journal, text -> text.contains("compiling"));

        JsonNode header = MAPPER.readTree(lines.get(0)).get("cabJournal");
        assertThat(header.get("version").asInt()).isEqualTo(1);
        assertThat(header.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        long firstBeat = Long.parseLong(header.get("heartbeatUnixNano").asText());
        assertThat(lines.get(1)).contains("aider:run").contains("aider:python/flaky-retry");
        assertThat(MAPPER.readTree(lines.get(1)).at("/resourceSpans/0/scopeSpans/0/spans/0/endTimeUnixNano").asText())
            .isEqualTo("0");

        List<String> later =
            awaitJournal(journal, text -> heartbeat(text) > firstBeat);
        assertThat(heartbeat(String.join("\n", later))).isGreaterThan(firstBeat);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journal)))
            .isEqualTo("rw-------");
      }
    }
    assertThat(journal).doesNotExist();
    assertThat(Files.readString(capture)).contains("aider:run");
  }

  @Test
  void aJournalWriteThatFailsLeavesNoTemporaryFileBehind() throws IOException {
    Path capture = dir.resolve("cell.jsonl");
    Path journal = CrashJournal.pathFor(capture);
    Path temp = journal.resolveSibling(journal.getFileName() + ".tmp");
    // The journal's name is taken by a directory that is not empty: the written file cannot replace it.
    Files.createDirectories(journal.resolve("taken"));
    JournalFile file = new JournalFile(journal, temp, capture, Clock.getDefault(), new byte[0]);

    assertThat(file.export(TestSpans.cell()).isSuccess()).isFalse();
    assertThat(temp).as("the written temporary file, on a full disk the last free space").doesNotExist();
  }

  @Test
  void staysWhenTheCaptureFileCouldNotBeWritten() throws IOException {
    Path plainFile = Files.writeString(dir.resolve("plain"), "x");
    // The capture file's directory cannot exist (its name is past 255 bytes), so neither can the
    // journal: nothing may throw.
    try (dev.cabtrace.api.testing.LoggedMessages log = dev.cabtrace.api.testing.LoggedMessages.of(CabTraceSdk.class)) {
      try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("x".repeat(300)).resolve("cell.jsonl"))
          .build()) {
        try (CellSpan span = sdk.cellTracer().toolCall("t")) {
          span.setAttribute("k", "v");
        }
      }
      // Not that it holds them: it could not be written either.
      assertThat(log.messages()).anyMatch(m -> m.contains("could not be written either"))
          .noneMatch(m -> m.contains("which holds them") || m.contains("it holds spans"));
    }
    assertThat(sdkFiles()).containsOnly(plainFile);
  }

  @Test
  void keepsAnEndedSpanUntilItsCaptureLineIsWrittenHoweverLongThatTakes() throws Exception {
    Path capture = dir.resolve("slow.jsonl");
    Path journalFile = CrashJournal.pathFor(capture);
    CrashJournal journal = CrashJournal.create(capture, Clock.getDefault(), Duration.ofMillis(20));
    CountDownLatch diskFree = new CountDownLatch(1);
    SpanExporter slowDisk = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        try {
          diskFree.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    BlockingBatchSpanProcessor capturing = BlockingBatchSpanProcessor.builder(journal.acknowledging(slowDisk))
        .setScheduleDelay(Duration.ofMillis(1)).build();
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(journal).addSpanProcessor(capturing).build()) {
      provider.get("test").spanBuilder("ended-but-not-on-disk").startSpan().end();
      long endedAt = heartbeat(String.join("\n", awaitJournal(journalFile, text -> text.contains("ended-but-not-on-disk"))));

      // Many heartbeats later the capture line is still not written: the span must still be there.
      String later = String.join("\n", awaitJournal(journalFile, text -> heartbeat(text) > endedAt + 500_000_000L));
      assertThat(later).contains("ended-but-not-on-disk");
      assertThat(journal.unwrittenSpans()).isEqualTo(1);

      diskFree.countDown();
      assertThat(capturing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(journal.unwrittenSpans()).isZero();
      awaitJournal(journalFile, text -> !text.contains("ended-but-not-on-disk"));
    }
  }

  @Test
  void keepsAtMostTheLimitOfReceivedSpansNotYetWrittenTheOldestGoingFirst() throws IOException {
    // A sender (the traced program) can send spans the capture file never takes: dropped batches,
    // failed writes. The journal holds them until written, but no more than its limit.
    Path capture = dir.resolve("cell.jsonl");
    CrashJournal journal = CrashJournal.create(capture, Clock.getDefault(), Duration.ofHours(1));
    try {
      SpanData template = TestSpans.cell().get(0);
      List<SpanData> sent = new ArrayList<>();
      for (int i = 0; i < CrashJournal.MAX_UNWRITTEN_KEPT + 1_000; i++) {
        sent.add(TestSpanData.builder()
            .setSpanContext(SpanContext.create(TestSpans.TRACE_ID, String.format("%016x", i + 1),
                TraceFlags.getSampled(), TraceState.getDefault()))
            .setName("received " + i)
            .setKind(template.getKind())
            .setStartEpochNanos(template.getStartEpochNanos())
            .setEndEpochNanos(template.getEndEpochNanos())
            .setStatus(template.getStatus())
            .setHasEnded(true)
            .setResource(template.getResource())
            .setInstrumentationScopeInfo(template.getInstrumentationScopeInfo())
            .build());
      }
      journal.received(sent.subList(0, 500));
      journal.received(sent.subList(500, sent.size()));
      assertThat(journal.unwrittenSpans()).isEqualTo(CrashJournal.MAX_UNWRITTEN_KEPT);
      // The newest are kept: writing them empties the journal.
      journal.written(sent.subList(1_000, sent.size()));
      assertThat(journal.unwrittenSpans()).isZero();
    } finally {
      journal.shutdown();
      journal.delete();
    }
  }

  @Test
  void aCloseThatLostSpansKeepsTheJournalWithThem() throws IOException {
    // The capture file's name is taken by a directory (once the SDK was built, which refuses one):
    // every write fails, the journal beside works.
    Path capture = dir.resolve("cell.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setHeartbeat(Duration.ofMillis(20)).build()) {
      Files.delete(capture);
      Files.createDirectory(capture);
      try (CellSpan span = sdk.cellTracer().toolCall("never-reaches-the-capture-file")) {
        span.setAttribute("k", "v");
      }
      sdk.flush();
      assertThat(sdk.lostSpans()).isEqualTo(1);
    }
    Path journal = CrashJournal.pathFor(capture);
    assertThat(journal).exists();
    assertThat(Files.readString(journal)).contains("never-reaches-the-capture-file");
  }

  @Test
  void aSpanStillOpenAtCloseIsKeptInTheJournal() throws IOException {
    Path capture = dir.resolve("cell.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setHeartbeat(Duration.ofMillis(20)).build()) {
      sdk.cellTracer().adapterRun("aider:never-ended", "aider"); // a harness that closes on its timeout
      try (CellSpan span = sdk.cellTracer().toolCall("ended")) {
        span.setAttribute("k", "v");
      }
    }
    Path journal = CrashJournal.pathFor(capture);
    assertThat(journal).exists();
    assertThat(Files.readString(journal)).contains("aider:never-ended");
    assertThat(Files.readString(capture)).contains("ended").doesNotContain("aider:never-ended");
  }

  @Test
  void theJournalIsRedactedLikeTheCaptureFile() throws IOException {
    Path capture = dir.resolve("secret.jsonl");
    Path journal = CrashJournal.pathFor(capture);
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setHeartbeat(Duration.ofMillis(20)).build();
        CellSpan container = sdk.cellTracer().container("aider:run")) {
      container.setAttribute("env.OPENAI_API_KEY", "sk-proj-NOTREALNOTREALNOTREAL1234")
          .setAttribute("output", "Authorization: Bearer ghp_0123456789abcdefghijABCDEFGHIJ");
      // The span was journaled when it started, before its attributes: wait for a journal with them.
      String text =
          String.join("\n", awaitJournal(journal, t -> t.contains("env.OPENAI_API_KEY") && t.contains("\"output\"")));
      assertThat(text).doesNotContain("sk-proj-NOTREAL").doesNotContain("ghp_0123456789").contains("[REDACTED]");
    }
  }

  @Test
  void anOpenSpanWithANullArrayElementIsJournaledAndSoAreTheSpansAfterIt() throws IOException {
    Path capture = dir.resolve("cell.jsonl");
    Path journal = CrashJournal.pathFor(capture);
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setHeartbeat(Duration.ofMillis(20)).build();
        CellSpan holes = sdk.cellTracer().toolCall("holes")) {
      Span.current().setAttribute(AttributeKey.longArrayKey("n"), Arrays.asList(1L, null));
      awaitJournal(journal, text -> text.contains("holes") && text.contains("{\"intValue\":\"1\"},{}"));

      try (CellSpan later = sdk.cellTracer().toolCall("started-later")) {
        String text = String.join("\n", awaitJournal(journal, t -> t.contains("started-later")));
        assertThat(text).contains("holes");
      }
    }
  }

  @Test
  void aSpanThatCannotBeEncodedCostsTheJournalNoOtherSpan() throws IOException {
    Path capture = dir.resolve("cell.jsonl");
    CrashJournal journal = CrashJournal.create(capture, Clock.getDefault(), Duration.ofMillis(20));
    try {
      SpanData good = TestSpans.cell().get(0);
      SpanData unencodable = new DelegatingSpanData(TestSpans.cell().get(1)) {
        @Override
        public io.opentelemetry.api.trace.SpanKind getKind() {
          throw new IllegalStateException("no kind");
        }
      };
      journal.received(List.of(unencodable, good));

      String text = String.join("\n", awaitJournal(journal.file(), t -> t.contains(good.getName())));
      assertThat(text).doesNotContain(TestSpans.cell().get(1).getName());
    } finally {
      journal.shutdown();
      journal.delete();
    }
  }

  @Test
  void theCaptureFileIsThereFromTheStartSoThatReadersFindTheJournal() throws IOException {
    Path capture = dir.resolve("not/yet/cell.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setHeartbeat(Duration.ofMillis(20)).build()) {
      // Before any span ended, so before the capture exporter wrote anything.
      assertThat(capture).isEmptyFile();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(capture))).isEqualTo("rw-------");
      try (CellSpan longRunning = sdk.cellTracer().container("still-running")) {
        awaitJournal(CrashJournal.pathFor(capture), text -> text.contains("still-running"));
      }
    }
  }

  @Test
  void aCleanRunThatEndedNoSpanLeavesNoEmptyCaptureFileBehind() throws IOException {
    Path capture = dir.resolve("clean.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).build()) {
      assertThat(capture).isEmptyFile();
    }
    assertThat(capture).doesNotExist();
    assertThat(CrashJournal.pathFor(capture)).doesNotExist();

    // One that was there before the run is left as it was.
    Files.createFile(capture);
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).build()) {
      assertThat(capture).isEmptyFile();
    }
    assertThat(capture).isEmptyFile();
  }

  @Test
  void aSpanStartIsJournaledWithoutWaitingForTheHeartbeat() throws IOException {
    // No heartbeat comes during the test: only a span start can get the spans into the journal.
    Path capture = dir.resolve("cell.jsonl");
    Path journal = CrashJournal.pathFor(capture);
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setHeartbeat(Duration.ofHours(1)).build();
        CellSpan run = sdk.cellTracer().adapterRun("aider:first", "aider")) {
      awaitJournal(journal, text -> text.contains("aider:first"));
      // Right after a rewrite, a span start waits for a short gap, not the heartbeat.
      try (CellSpan container = sdk.cellTracer().container("aider:run")) {
        awaitJournal(journal, text -> text.contains("aider:run"));
      }
    }
  }

  @Test
  void aSpanStartAfterReceivedSpansIsJournaledWithoutWaitingForTheHeartbeat() throws IOException {
    Path capture = dir.resolve("cell.jsonl");
    CrashJournal journal = CrashJournal.create(capture, Clock.getDefault(), Duration.ofHours(1));
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(journal).build()) {
      awaitJournal(journal.file(), text -> !text.isEmpty());
      journal.received(List.of(TestSpans.cell().get(0)));
      provider.get("test").spanBuilder("started-after-received").startSpan();
      String text = String.join("\n", awaitJournal(journal.file(), t -> t.contains("started-after-received")));
      assertThat(text).contains(TestSpans.cell().get(0).getName());
    } finally {
      journal.delete();
    }
  }

  private List<Path> sdkFiles() throws IOException {
    try (var files = Files.list(dir)) {
      return files.toList();
    }
  }

  private static long heartbeat(String journalText) {
    try {
      String first = journalText.lines().findFirst().orElse("{}");
      JsonNode beat = MAPPER.readTree(first).at("/cabJournal/heartbeatUnixNano");
      return beat.isMissingNode() ? 0 : Long.parseLong(beat.asText());
    } catch (IOException e) {
      return 0;
    }
  }

  /** Polls until the journal exists and satisfies {@code condition}. */
  private static List<String> awaitJournal(Path journal, Predicate<String> condition) throws IOException {
    while (true) {
      if (Files.exists(journal)) {
        try {
          String text = Files.readString(journal);
          if (condition.test(text)) {
            return text.lines().toList();
          }
        } catch (java.nio.file.NoSuchFileException e) {
          // Replaced between the check and the read: look again.
        }
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }
}
