package dev.cabtrace.sdk.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.CellTracer;
import dev.cabtrace.sdk.CabTraceSdk;
import dev.cabtrace.sdk.redact.Redaction;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockingBatchSpanProcessorTest {

  private static final Pattern SPAN_ID = Pattern.compile("\"spanId\":\"");

  @TempDir Path dir;

  /**
   * Threads keep ending spans while {@code close()} runs, a thousand times over: each span that
   * {@code end()} returned for is in the capture file or counted as lost, none vanishes.
   */
  @Test
  void spansEndedWhileCloseRunsAreWrittenOrCountedNeverSilentlyLost() throws Exception {
    int iterations = 1000;
    long lostSeen = 0;
    for (int iteration = 0; iteration < iterations; iteration++) {
      Path capture = dir.resolve("close-" + iteration + ".jsonl");
      CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setCrashJournal(false).build();
      CellTracer tracer = sdk.cellTracer();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong ended = new AtomicLong();
      CountDownLatch started = new CountDownLatch(2);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread thread = new Thread(() -> {
          started.countDown();
          for (int n = 0; n < 400 && !stop.get(); n++) {
            boolean recorded;
            try (CellSpan span = tracer.toolCall("t")) {
              span.setAttribute("n", ended.get());
              // Once the provider is shut down, new spans are not recorded at all (invalid ids).
              recorded = span.spanContext().isValid();
            }
            if (recorded) {
              ended.incrementAndGet();
            }
          }
        });
        thread.start();
        threads.add(thread);
      }
      started.await();
      sdk.close();
      stop.set(true);
      for (Thread thread : threads) {
        thread.join();
      }
      long inFile = countSpans(capture);
      assertThat(inFile + sdk.lostSpans())
          .as("iteration %d: %d in the file + %d lost = %d ended", iteration, inFile, sdk.lostSpans(), ended.get())
          .isEqualTo(ended.get());
      lostSeen += sdk.lostSpans();
      Files.deleteIfExists(capture);
    }
    // Spans ended after close are the ones counted; the test means something only if some were.
    assertThat(lostSeen).isPositive();
  }

  @Test
  void aBatchWaitsTheScheduleDelayForMoreSpansInsteadOfWritingOneSpanLines() {
    List<Integer> batches = new CopyOnWriteArrayList<>();
    BlockingBatchSpanProcessor processor = BlockingBatchSpanProcessor.builder(recording(batches))
        .setScheduleDelay(Duration.ofHours(1))
        .build();
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(processor).build()) {
      for (int i = 0; i < 5; i++) {
        provider.get("test").spanBuilder("s" + i).startSpan().end();
        // Slow traffic: the export thread has time to pick each span up on its own.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      assertThat(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(batches).containsExactly(5);
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(60) // without a bound, the flush would wait the export timeout of an hour
  void aFlushPastAQueueThatAHungExporterFilledFailsAtOnceInsteadOfWaitingTheExportTimeout() {
    BlockingBatchSpanProcessor processor = BlockingBatchSpanProcessor.builder(exporting(spans -> new CompletableResultCode()))
        .setMaxQueueSize(8)
        .setMaxExportBatchSize(2)
        .setMaxBlockTime(Duration.ZERO)
        .setExportTimeout(Duration.ofHours(1))
        .build();
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(processor).build();
    for (int i = 0; i < 64; i++) {
      provider.get("test").spanBuilder("s" + i).startSpan().end(); // the export hangs: the queue fills, ends drop
    }

    CompletableResultCode flushed = processor.forceFlush(); // returned: it did not wait the hour

    assertThat(flushed.join(10, TimeUnit.SECONDS).isSuccess()).isFalse();
    assertThat(processor.droppedSpans()).isPositive();
    provider.shutdown(); // not waited for: the exporter never answers
  }

  @Test
  void aFlushAfterAFailedExportReportsFailureAndTheNextCleanOneSuccess() {
    AtomicBoolean failing = new AtomicBoolean(true);
    BlockingBatchSpanProcessor processor = BlockingBatchSpanProcessor.builder(exporting(
        spans -> failing.get() ? CompletableResultCode.ofFailure() : CompletableResultCode.ofSuccess())).build();
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(processor).build()) {
      provider.get("test").spanBuilder("lost").startSpan().end();
      assertThat(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isFalse();
      assertThat(processor.failedSpans()).isEqualTo(1);

      failing.set(false);
      provider.get("test").spanBuilder("kept").startSpan().end();
      assertThat(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
  }

  @Test
  void aSpanThatCouldNotBeRedactedIsCountedAsLostNotExported() {
    InMemorySpanExporter written = InMemorySpanExporter.create();
    BlockingBatchSpanProcessor processor =
        BlockingBatchSpanProcessor.builder(Redaction.defaults().wrap(written)).build();
    SpanData unreadable =
        new DelegatingSpanData(span("unreadable")) {
          @Override
          public Attributes getAttributes() {
            throw new IllegalStateException("no attributes");
          }
        };

    assertThat(processor.offerAll(List.of(span("clean"), unreadable))).isTrue();

    assertThat(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isFalse();
    assertThat(written.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("clean");
    assertThat(processor.exportedSpans()).isEqualTo(1);
    assertThat(processor.failedSpans()).isEqualTo(1);
    processor.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void aBatchOfferedByAnInterruptedThreadIsRefusedWholeNotDroppedSpanBySpan() {
    InMemorySpanExporter written = InMemorySpanExporter.create();
    BlockingBatchSpanProcessor processor = BlockingBatchSpanProcessor.builder(written).setMaxQueueSize(4).build();
    List<SpanData> batch = List.of(span("a"), span("b"), span("c")); // over half the queue

    boolean taken;
    Thread.currentThread().interrupt();
    try {
      taken = processor.offerAll(batch);
    } finally {
      assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    }

    assertThat(taken).isFalse();
    assertThat(processor.droppedSpans()).isZero();
    assertThat(processor.offerAll(batch)).isTrue();
    assertThat(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(written.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("a", "b", "c");
    processor.shutdown().join(10, TimeUnit.SECONDS);
  }

  /**
   * A received batch that does not fit in the room left is refused whole, none of it queued or
   * dropped, so that its sender retries it; once there is room it is taken whole, and so is one
   * larger than the queue, which takes the room of half the queue.
   */
  @Test
  void aBatchThatDoesNotFitIsRefusedWholeAndTakenWholeOnceItDoes() throws Exception {
    InMemorySpanExporter written = InMemorySpanExporter.create();
    CountDownLatch exporting = new CountDownLatch(1);
    CountDownLatch diskBack = new CountDownLatch(1);
    BlockingBatchSpanProcessor processor = heldAfterOne(exporting, diskBack, written, Duration.ofMillis(50));
    assertThat(processor.offerAll(spans("small", 4))).isTrue();
    assertThat(processor.offerAll(spans("smaller", 3))).isTrue();

    assertThat(processor.offerAll(spans("big", 6))).as("6 spans taking the room of 4, room for 1").isFalse();
    assertThat(processor.droppedSpans()).isZero();

    diskBack.countDown();
    assertThat(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(processor.offerAll(spans("big", 6))).isTrue();
    assertThat(processor.offerAll(spans("huge", 20))).as("larger than the queue").isTrue();
    assertThat(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(written.getFinishedSpanItems()).hasSize(1 + 4 + 3 + 6 + 20);
    assertThat(processor.droppedSpans()).isZero();
    processor.shutdown().join(10, TimeUnit.SECONDS);
  }

  /**
   * A received batch waiting for room holds up no other: one that fits is taken meanwhile, not
   * after the first has waited its bound.
   */
  @Test
  // Held up, the other would wait an hour, on a monitor (no interrupt ends that wait).
  @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aBatchWaitingForRoomDoesNotHoldUpOneThatFits() throws Exception {
    CountDownLatch exporting = new CountDownLatch(1);
    CountDownLatch diskBack = new CountDownLatch(1);
    BlockingBatchSpanProcessor processor = heldAfterOne(exporting, diskBack, InMemorySpanExporter.create(), Duration.ofHours(1));
    assertThat(processor.offerAll(spans("small", 4))).isTrue();
    assertThat(processor.offerAll(spans("smaller", 3))).isTrue();
    Thread big = new Thread(() -> processor.offerAll(spans("big", 6)));
    big.setDaemon(true);
    big.start();
    while (big.getState() != Thread.State.TIMED_WAITING && big.isAlive()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }

    assertThat(processor.offerAll(spans("fits", 1))).isTrue();

    diskBack.countDown();
    big.join();
    processor.shutdown().join(10, TimeUnit.SECONDS);
  }

  /**
   * A received batch larger than the queue takes the room of half of it: spans that end here
   * while it waits to be exported find room, where they would wait for the whole batch to go and
   * be dropped after their block time.
   */
  @Test
  void spansEndingHereFindRoomBesideAReceivedBatchLargerThanTheQueue() throws Exception {
    InMemorySpanExporter written = InMemorySpanExporter.create();
    CountDownLatch exporting = new CountDownLatch(1);
    CountDownLatch diskBack = new CountDownLatch(1);
    BlockingBatchSpanProcessor processor = heldAfterOne(exporting, diskBack, written, Duration.ofMillis(1));
    assertThat(processor.offerAll(spans("huge", 200))).isTrue();
    io.opentelemetry.sdk.trace.SdkTracerProvider tracerProvider =
        io.opentelemetry.sdk.trace.SdkTracerProvider.builder().addSpanProcessor(processor).build();

    for (int i = 0; i < 4; i++) {
      tracerProvider.get("test").spanBuilder("local-" + i).startSpan().end();
    }

    assertThat(processor.droppedSpans()).isZero();
    diskBack.countDown();
    assertThat(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(written.getFinishedSpanItems()).hasSize(1 + 200 + 4);
    assertThat(processor.notExportedSpans()).isZero();
    processor.shutdown().join(10, TimeUnit.SECONDS);
  }

  /** A flush after shutdown is answered at once (it waited out its caller's time-out). */
  @Test
  void aFlushAfterShutdownIsAnsweredAtOnce() {
    java.util.concurrent.atomic.AtomicInteger exported = new java.util.concurrent.atomic.AtomicInteger();
    BlockingBatchSpanProcessor processor = BlockingBatchSpanProcessor.builder(exporting(spans -> {
      exported.addAndGet(spans.size());
      return CompletableResultCode.ofSuccess();
    })).build();
    assertThat(processor.offerAll(spans("before", 3))).isTrue();
    assertThat(processor.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    CompletableResultCode flushed = processor.forceFlush();

    assertThat(flushed.isDone()).isTrue();
    assertThat(flushed.isSuccess()).isFalse();
    assertThat(exported).hasValue(3);
  }

  @Test
  void theExportThreadOutlivesAnErrorFromTheExporter() {
    AtomicBoolean failing = new AtomicBoolean(true);
    InMemorySpanExporter written = InMemorySpanExporter.create();
    BlockingBatchSpanProcessor processor = BlockingBatchSpanProcessor.builder(exporting(spans -> {
      if (failing.getAndSet(false)) {
        throw new StackOverflowError("a redaction pattern on a long text");
      }
      return written.export(spans);
    })).build();

    processor.offerAll(List.of(span("lost")));
    assertThat(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isFalse();
    assertThat(processor.failedSpans()).isEqualTo(1);

    processor.offerAll(List.of(span("kept")));
    assertThat(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(written.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("kept");
    processor.shutdown().join(10, TimeUnit.SECONDS);
  }

  /**
   * A processor with a queue of 8, exporting a span at a time to {@code then}, that has taken one
   * span and whose export of it is held until {@code release}: the queue drains no more.
   */
  private static BlockingBatchSpanProcessor heldAfterOne(CountDownLatch exporting, CountDownLatch release,
      SpanExporter then, Duration blockTime) throws InterruptedException {
    BlockingBatchSpanProcessor processor = BlockingBatchSpanProcessor.builder(exporting(spans -> {
          exporting.countDown();
          awaitUninterruptibly(release);
          return then.export(spans);
        }))
        .setMaxQueueSize(8)
        .setMaxExportBatchSize(1)
        .setMaxBlockTime(blockTime)
        .build();
    assertThat(processor.offerAll(spans("first", 1))).isTrue();
    exporting.await();
    return processor;
  }

  /** An exporter whose export is {@code export}, flushing and shutting down at once. */
  private static SpanExporter exporting(java.util.function.Function<Collection<SpanData>, CompletableResultCode> export) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return export.apply(spans);
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
  }

  private static List<SpanData> spans(String name, int count) {
    List<SpanData> spans = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      spans.add(span(name + "-" + i));
    }
    return spans;
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static SpanData span(String name) {
    return TestSpanData.builder()
        .setSpanContext(
            SpanContext.create(
                "0123456789abcdef0123456789abcdef", "0123456789abcdef", TraceFlags.getSampled(), TraceState.getDefault()))
        .setName(name)
        .setKind(SpanKind.INTERNAL)
        .setStartEpochNanos(0)
        .setEndEpochNanos(10)
        .setHasEnded(true)
        .setStatus(StatusData.unset())
        .build();
  }

  private static SpanExporter recording(List<Integer> batches) {
    return exporting(spans -> {
      batches.add(spans.size());
      return CompletableResultCode.ofSuccess();
    });
  }

  private static long countSpans(Path capture) throws IOException {
    if (!Files.exists(capture)) {
      return 0;
    }
    Matcher matcher = SPAN_ID.matcher(Files.readString(capture));
    long count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }
}
