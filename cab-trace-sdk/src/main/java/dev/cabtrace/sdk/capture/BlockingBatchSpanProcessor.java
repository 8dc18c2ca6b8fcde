package dev.cabtrace.sdk.capture;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
  private final BlockingQueue<Object> queue;
  private final int maxExportBatchSize;
  private final long scheduleDelayNanos;
  private final long maxBlockNanos;
  private final long exportTimeoutNanos;
  private final AtomicLong droppedSpans = new AtomicLong();
  private final AtomicLong exportedSpans = new AtomicLong();
  private final AtomicLong failedSpans = new AtomicLong();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final Object workerLock = new Object();
  private volatile Thread worker;

  private BlockingBatchSpanProcessor(Builder builder) {
    this.exporter = builder.exporter;
    this.queue = new ArrayBlockingQueue<>(builder.maxQueueSize);
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

  /** Spans the exporter reported as failed. */
  public long failedSpans() {
    return failedSpans.get();
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
    if (shutdown.get()) {
      drop("a span ended after shutdown");
      return;
    }
    startWorkerIfNeeded();
    SpanData data = span.toSpanData();
    if (queue.offer(data)) {
      return;
    }
    try {
      if (!queue.offer(data, maxBlockNanos, TimeUnit.NANOSECONDS)) {
        drop(maxBlockNanos == 0
            ? "the export queue was full (" + exporter + " falls behind)"
            : "the export queue stayed full for " + Duration.ofNanos(maxBlockNanos).toMillis() + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drop("the thread ending a span was interrupted while the export queue was full");
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /** Exports every span ended before this call; completes when they are written. */
  @Override
  public CompletableResultCode forceFlush() {
    if (worker == null) {
      return exporter.flush();
    }
    FlushRequest request = new FlushRequest();
    try {
      if (!queue.offer(request, exportTimeoutNanos, TimeUnit.NANOSECONDS)) {
        return CompletableResultCode.ofFailure();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableResultCode.ofFailure();
    }
    return request.result;
  }

  @Override
  public CompletableResultCode shutdown() {
    if (!shutdown.compareAndSet(false, true)) {
      return CompletableResultCode.ofSuccess();
    }
    CompletableResultCode result = new CompletableResultCode();
    CompletableResultCode flushed = forceFlush();
    flushed.whenComplete(
        () -> {
          Thread running = worker;
          if (running != null) {
            queue.offer(Stop.INSTANCE);
          }
          CompletableResultCode exporterShutdown = exporter.shutdown();
          exporterShutdown.whenComplete(
              () -> {
                if (flushed.isSuccess() && exporterShutdown.isSuccess()) {
                  result.succeed();
                } else {
                  result.fail();
                }
              });
        });
    return result;
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

  private void exportLoop() {
    List<SpanData> batch = new ArrayList<>(maxExportBatchSize);
    List<Object> drained = new ArrayList<>(maxExportBatchSize);
    while (true) {
      Object first;
      try {
        first = queue.poll(scheduleDelayNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        exportBatch(batch);
        return;
      }
      if (first == null) {
        continue;
      }
      drained.add(first);
      queue.drainTo(drained, maxExportBatchSize - 1);
      for (Object item : drained) {
        if (item instanceof SpanData) {
          batch.add((SpanData) item);
          if (batch.size() >= maxExportBatchSize) {
            exportBatch(batch);
          }
        } else if (item instanceof FlushRequest) {
          exportBatch(batch);
          CompletableResultCode flushed = exporter.flush();
          flushed.join(exportTimeoutNanos, TimeUnit.NANOSECONDS);
          ((FlushRequest) item).result.succeed();
        } else if (item == Stop.INSTANCE) {
          exportBatch(batch);
          return;
        }
      }
      drained.clear();
      exportBatch(batch);
    }
  }

  private void exportBatch(List<SpanData> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      CompletableResultCode result = exporter.export(new ArrayList<>(batch));
      result.join(exportTimeoutNanos, TimeUnit.NANOSECONDS);
      if (result.isSuccess()) {
        exportedSpans.addAndGet(batch.size());
      } else {
        failedSpans.addAndGet(batch.size());
      }
    } catch (RuntimeException e) {
      failedSpans.addAndGet(batch.size());
      logger.log(Level.WARNING, "cab-trace: exporter " + exporter + " threw; spans lost", e);
    } finally {
      batch.clear();
    }
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

    /** How long the export thread waits for more spans before it looks again; default 200 ms. */
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
