package dev.cabtrace.sdk.capture;

import dev.cabtrace.sdk.internal.LeavesSpansOut;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Batches ended spans to an exporter on a background thread, like the SDK's {@code
 * BatchSpanProcessor}, but applies bounded back-pressure instead of dropping: when the queue is
 * full, {@code Span.end()} waits for room up to {@linkplain Builder#setMaxBlockTime a bound}. Only a
 * span that still finds no room after that bound is dropped, and every drop is counted and logged.
 *
 * <p>The export thread is a daemon and starts with the first ended span.
 */
public final class BlockingBatchSpanProcessor implements SpanProcessor {

  private static final Logger logger = Logger.getLogger(BlockingBatchSpanProcessor.class.getName());

  private final SpanExporter exporter;
  /**
   * Spans, batches received whole ({@link ReceivedBatch}), flush requests and the stop marker. Its
   * room, in spans, is {@link #room}: a received batch takes its room all at once.
   */
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final QueueRoom room;
  private final int maxExportBatchSize;
  private final long scheduleDelayNanos;
  private final long maxBlockNanos;
  private final long exportTimeoutNanos;
  private final AtomicLong droppedSpans = new AtomicLong();
  private final AtomicLong exportedSpans = new AtomicLong();
  private final AtomicLong failedSpans = new AtomicLong();
  /** Spans ever queued: those not yet exported nor failed are pending. */
  private final AtomicLong acceptedSpans = new AtomicLong();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  /** Span ends between their shutdown check and their offer: shutdown waits for them to land. */
  private final AtomicInteger ending = new AtomicInteger();
  private final Object workerLock = new Object();
  private static final long OFFER_WAIT_NANOS = 500_000_000L;
  private volatile Thread worker;
  /** Set once shutdown has taken what was left in the queue: a flush request queued later is not answered by it. */
  private volatile boolean drained;
  /** Worker-thread only: spans lost since the last flush request. */
  private long lostAtLastFlush;
  /** Worker-thread only: the spans of the next export, and when it is due. */
  private final List<SpanData> batch;
  private long batchDeadline;

  private BlockingBatchSpanProcessor(Builder builder) {
    this.exporter = builder.exporter;
    this.batch = new ArrayList<>(builder.maxExportBatchSize);
    this.room = new QueueRoom(builder.maxQueueSize);
    this.maxExportBatchSize = builder.maxExportBatchSize;
    this.scheduleDelayNanos = builder.scheduleDelay.toNanos();
    this.maxBlockNanos = builder.maxBlockTime.toNanos();
    this.exportTimeoutNanos = builder.exportTimeout.toNanos();
  }

  /** A builder for a processor that exports to {@code exporter}. */
  public static Builder builder(SpanExporter exporter) {
    return new Builder(Objects.requireNonNull(exporter, "exporter"));
  }

  /** Spans given up on because the queue stayed full beyond the block time, or after shutdown. */
  public long droppedSpans() {
    return droppedSpans.get();
  }

  /** Spans the exporter accepted. */
  public long exportedSpans() {
    return exportedSpans.get();
  }

  /**
   * Spans the exporter reported as failed or left out (a span that could not be redacted), or that
   * were still queued when shutdown gave up.
   */
  public long failedSpans() {
    return failedSpans.get();
  }

  /**
   * Spans queued and not exported: failed, or still pending. One count, not the sum of two read
   * apart, which could miss a span that failed in between; it may count one exported meanwhile.
   */
  public long notExportedSpans() {
    long exported = exportedSpans.get();
    return Math.max(0, acceptedSpans.get() - exported);
  }

  /** The exporter it feeds, in words, for messages: {@code OTLP http://tempo:4318/v1/traces (http/protobuf)}. */
  public String exporterName() {
    return exporter.toString();
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (!span.getSpanContext().isSampled()) {
      return;
    }
    ending.incrementAndGet();
    try {
      if (shutdown.get()) {
        drop("a span ended after shutdown");
        return;
      }
      startWorkerIfNeeded();
      if (enqueue(span.toSpanData(), 1, 1, System.nanoTime() + maxBlockNanos)) {
        return;
      }
      if (Thread.currentThread().isInterrupted()) {
        drop("the thread ending a span was interrupted while the export queue was full");
      } else {
        drop(maxBlockNanos == 0
            ? "the export queue was full (" + exporter + " falls behind)"
            : "the export queue stayed full for " + Duration.ofNanos(maxBlockNanos).toMillis() + " ms");
      }
    } finally {
      ending.decrementAndGet();
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /**
   * Queues spans that ended elsewhere (received from another process), all or none: false when
   * the queue has had no room for them for half a second (at most the block time), so that the
   * sender can be asked to retry. A batch takes room for at most half the queue: the other half
   * stays for the spans that end here, which one huge batch (200,000 spans in one request) would
   * otherwise hold up until it was exported, and no batch waits for more room than half the
   * queue. False, with nothing queued, when the calling thread is interrupted.
   */
  public boolean offerAll(Collection<SpanData> spans) {
    if (spans.isEmpty()) {
      return true;
    }
    if (Thread.currentThread().isInterrupted()) {
      return false;
    }
    ending.incrementAndGet();
    try {
      if (shutdown.get()) {
        for (int i = 0; i < spans.size(); i++) {
          drop("spans arrived after shutdown");
        }
        return true;
      }
      startWorkerIfNeeded();
      // Room usually comes within milliseconds, as the export thread drains a batch: wait for it a
      // little (the sender's request is held meanwhile) before asking for a retry.
      ReceivedBatch batch = new ReceivedBatch(List.copyOf(spans), Math.min(spans.size(), Math.max(1, room.capacity() / 2)));
      return enqueue(batch, batch.spans.size(), batch.room, System.nanoTime() + Math.min(maxBlockNanos, OFFER_WAIT_NANOS));
    } finally {
      ending.decrementAndGet();
    }
  }

  /**
   * Queues {@code item}, a span or a batch of {@code count} spans, once the queue has {@code
   * roomNeeded} for it, waiting until {@code deadline} at most (or until the thread is
   * interrupted). Room is taken at once even by an interrupted thread.
   */
  private boolean enqueue(Object item, int count, int roomNeeded, long deadline) {
    while (!room.tryTake(roomNeeded)) {
      // Room seen by the wait can be gone again by the time it is taken: the deadline holds anyway.
      if (System.nanoTime() - deadline >= 0 || !room.await(roomNeeded, deadline)) {
        return false;
      }
    }
    // Before the export thread can take them: pending, never below zero.
    acceptedSpans.addAndGet(count);
    queue.add(item);
    return true;
  }

  /**
   * Spans received whole, and the room they took: as many as there are spans, but at most half the
   * queue. Its first {@code room} spans give theirs back as they enter an export.
   */
  private static final class ReceivedBatch {
    final List<SpanData> spans;
    final int room;

    ReceivedBatch(List<SpanData> spans, int room) {
      this.spans = spans;
      this.room = room;
    }
  }

  /**
   * Exports every span ended before this call; completes when they are written, successfully only
   * if nothing was lost (dropped or failed) since the previous flush.
   */
  @Override
  public CompletableResultCode forceFlush() {
    if (worker == null) {
      if (droppedSpans.get() + failedSpans.get() > 0) {
        return CompletableResultCode.ofFailure();
      }
      return exporter.flush();
    }
    FlushRequest request = new FlushRequest();
    // Queued within the bound a span end waits for room, not an export's: a caller flushing past
    // a backend that hangs (a copy's queue full) is told at once, not after the export timeout.
    if (!room.await(1, System.nanoTime() + Math.min(maxBlockNanos, exportTimeoutNanos))) {
      return CompletableResultCode.ofFailure();
    }
    queue.add(request);
    if (drained) {
      // Queued after shutdown emptied the queue: no export thread is left to answer it.
      request.result.fail();
    }
    return request.result;
  }

  /**
   * Stops taking spans, exports every span that ended before, then shuts the exporter down. A span
   * that ends once shutdown has begun is counted as dropped; none is left behind uncounted.
   */
  @Override
  public CompletableResultCode shutdown() {
    if (!shutdown.compareAndSet(false, true)) {
      return CompletableResultCode.ofSuccess();
    }
    CompletableResultCode result = new CompletableResultCode();
    Thread closer = new Thread(() -> finishShutdown(result), "cab-trace-export-shutdown");
    closer.setDaemon(true);
    closer.start();
    return result;
  }

  private void finishShutdown(CompletableResultCode result) {
    long deadline = System.nanoTime() + maxBlockNanos + exportTimeoutNanos;
    // Span ends that saw the processor open are placing their span now: wait for them to land,
    // so the stop marker is queued after every span that will ever be queued.
    while (ending.get() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.yield();
    }
    Thread running = worker;
    boolean complete = true;
    if (running != null) {
      queue.add(Stop.INSTANCE);
      try {
        running.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        complete = !running.isAlive();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        complete = false;
      }
      if (!complete) {
        running.interrupt();
      }
    }
    // Whatever is still queued will never be exported now: count it. A flush request queued after
    // this fails itself.
    drained = true;
    long leftOver = 0;
    for (Object item = queue.poll(); item != null; item = queue.poll()) {
      if (item instanceof FlushRequest) {
        ((FlushRequest) item).result.fail();
      } else {
        leftOver += spanCount(item);
      }
    }
    if (leftOver > 0) {
      failedSpans.addAndGet(leftOver);
      logger.warning("cab-trace: " + leftOver + " queued span(s) were not exported before shutdown gave up");
    }
    CompletableResultCode exporterShutdown = exporter.shutdown();
    exporterShutdown.join(exportTimeoutNanos, TimeUnit.NANOSECONDS);
    if (complete && exporterShutdown.isSuccess() && droppedSpans.get() + failedSpans.get() == 0) {
      result.succeed();
    } else {
      result.fail();
    }
  }

  private void startWorkerIfNeeded() {
    if (worker != null) {
      return;
    }
    synchronized (workerLock) {
      if (worker == null) {
        Thread thread = new Thread(this::exportLoop, "cab-trace-export");
        thread.setDaemon(true);
        thread.start();
        worker = thread;
      }
    }
  }

  /**
   * Collects spans into a batch and exports it when it is full, when the schedule delay has passed
   * since its first span, when the queue is full (a span end is waiting), or on flush and stop.
   */
  private void exportLoop() {
    List<Object> drained = new ArrayList<>(maxExportBatchSize);
    while (true) {
      Object first;
      try {
        long wait = batch.isEmpty() ? scheduleDelayNanos : batchDeadline - System.nanoTime();
        first = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        exportBatch(batch);
        return;
      }
      if (first != null) {
        drained.add(first);
        queue.drainTo(drained, maxExportBatchSize - 1);
      }
      for (Object item : drained) {
        if (item instanceof SpanData) {
          addToBatch((SpanData) item, true);
        } else if (item instanceof ReceivedBatch) {
          ReceivedBatch received = (ReceivedBatch) item;
          for (int i = 0; i < received.spans.size(); i++) {
            addToBatch(received.spans.get(i), i < received.room);
          }
        } else if (item instanceof FlushRequest) {
          exportBatch(batch);
          CompletableResultCode flushed = flushExporter();
          flushed.join(exportTimeoutNanos, TimeUnit.NANOSECONDS);
          long lost = droppedSpans.get() + failedSpans.get();
          boolean nothingLost = lost == lostAtLastFlush;
          lostAtLastFlush = lost;
          if (flushed.isSuccess() && nothingLost) {
            ((FlushRequest) item).result.succeed();
          } else {
            ((FlushRequest) item).result.fail();
          }
        } else if (item == Stop.INSTANCE) {
          exportBatch(batch);
          flushExporter().join(exportTimeoutNanos, TimeUnit.NANOSECONDS);
          return;
        }
      }
      drained.clear();
      room.signal();
      if (!batch.isEmpty()
          && (System.nanoTime() - batchDeadline >= 0 || room.full())) {
        exportBatch(batch);
      }
    }
  }

  /**
   * Moves a span into the next export's batch, which frees its room if it {@code tookRoom}: a batch
   * received whole keeps the room of what the exports have not reached, as it would in the queue.
   */
  private void addToBatch(SpanData span, boolean tookRoom) {
    if (batch.isEmpty()) {
      batchDeadline = System.nanoTime() + scheduleDelayNanos;
    }
    batch.add(span);
    if (tookRoom) {
      room.giveBackOne();
    }
    if (batch.size() >= maxExportBatchSize) {
      room.signal();
      exportBatch(batch);
    }
  }

  /** The spans a queued item holds: a span, a batch received whole, or none. */
  private static int spanCount(Object item) {
    if (item instanceof SpanData) {
      return 1;
    }
    return item instanceof ReceivedBatch ? ((ReceivedBatch) item).spans.size() : 0;
  }

  private void exportBatch(List<SpanData> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      long leftOutBefore = spansLeftOut();
      CompletableResultCode result = exporter.export(new ArrayList<>(batch));
      // Spans the exporter left out (it could not redact them) were never written: lost.
      long leftOut = Math.min(spansLeftOut() - leftOutBefore, batch.size());
      result.join(exportTimeoutNanos, TimeUnit.NANOSECONDS);
      if (result.isSuccess()) {
        exportedSpans.addAndGet(batch.size() - leftOut);
        failedSpans.addAndGet(leftOut);
      } else {
        failedSpans.addAndGet(batch.size());
      }
    } catch (Throwable e) {
      // Errors too (a StackOverflowError from a redaction pattern, an OutOfMemoryError on one huge
      // batch): the export thread must outlive a batch, or every later span waits for it in vain.
      failedSpans.addAndGet(batch.size());
      logger.log(Level.WARNING, "cab-trace: exporter " + exporter + " threw; spans lost", e);
    } finally {
      batch.clear();
    }
  }

  /** The exporter's flush; a failure when it throws, which the export thread must outlive. */
  private CompletableResultCode flushExporter() {
    try {
      return exporter.flush();
    } catch (Throwable e) {
      logger.log(Level.WARNING, "cab-trace: exporter " + exporter + " threw on flush", e);
      return CompletableResultCode.ofFailure();
    }
  }

  private long spansLeftOut() {
    return exporter instanceof LeavesSpansOut ? ((LeavesSpansOut) exporter).spansLeftOut() : 0;
  }

  private void drop(String why) {
    long dropped = droppedSpans.incrementAndGet();
    if (dropped == 1 || Long.bitCount(dropped) == 1) {
      logger.warning("cab-trace: dropped " + dropped + " span(s) so far: " + why);
    }
  }

  @Override
  public String toString() {
    return "BlockingBatchSpanProcessor{exporter=" + exporter + ", dropped=" + droppedSpans() + "}";
  }

  private static final class FlushRequest {
    final CompletableResultCode result = new CompletableResultCode();
  }

  private enum Stop {
    INSTANCE
  }

  /** Settings of a {@link BlockingBatchSpanProcessor}. */
  public static final class Builder {
    private final SpanExporter exporter;
    private int maxQueueSize = 8192;
    private int maxExportBatchSize = 512;
    private Duration scheduleDelay = Duration.ofMillis(200);
    private Duration maxBlockTime = Duration.ofSeconds(2);
    private Duration exportTimeout = Duration.ofSeconds(30);

    private Builder(SpanExporter exporter) {
      this.exporter = exporter;
    }

    /** Spans held before {@code Span.end()} has to wait; default 8192. */
    public Builder setMaxQueueSize(int maxQueueSize) {
      if (maxQueueSize < 1) {
        throw new IllegalArgumentException("maxQueueSize must be positive");
      }
      this.maxQueueSize = maxQueueSize;
      return this;
    }

    /** The most spans in one export (one line of the capture file); default 512. */
    public Builder setMaxExportBatchSize(int maxExportBatchSize) {
      if (maxExportBatchSize < 1) {
        throw new IllegalArgumentException("maxExportBatchSize must be positive");
      }
      this.maxExportBatchSize = maxExportBatchSize;
      return this;
    }

    /**
     * How long a batch waits for more spans after its first one before it is exported (unless it
     * fills up first, or a flush asks for it); default 200 ms.
     */
    public Builder setScheduleDelay(Duration scheduleDelay) {
      this.scheduleDelay = positive(scheduleDelay, "scheduleDelay");
      return this;
    }

    /** The longest {@code Span.end()} waits for room before the span is dropped; default 2 s. */
    public Builder setMaxBlockTime(Duration maxBlockTime) {
      this.maxBlockTime = Objects.requireNonNull(maxBlockTime, "maxBlockTime");
      return this;
    }

    /** The longest one export or flush may take; default 30 s. */
    public Builder setExportTimeout(Duration exportTimeout) {
      this.exportTimeout = positive(exportTimeout, "exportTimeout");
      return this;
    }

    /** The processor. */
    public BlockingBatchSpanProcessor build() {
      if (maxExportBatchSize > maxQueueSize) {
        maxExportBatchSize = maxQueueSize;
      }
      return new BlockingBatchSpanProcessor(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return value;
    }
  }
}
