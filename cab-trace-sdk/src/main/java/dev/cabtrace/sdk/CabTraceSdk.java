package dev.cabtrace.sdk;

import dev.cabtrace.api.CellTracer;
import dev.cabtrace.sdk.capture.BlockingBatchSpanProcessor;
import dev.cabtrace.sdk.persist.CrashJournal;
import dev.cabtrace.sdk.persist.OtlpJsonLinesFileExporter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The OpenTelemetry SDK wired for one harness process: the cell's identity as the resource, every
 * span written to the capture file, and any further exporters. Build it once, trace through
 * {@link #cellTracer()}, and {@link #close()} it when the cell is done:
 *
 * <pre>{@code
 * try (CabTraceSdk sdk = CabTraceSdk.builder()
 *     .setCellIdentity(CellIdentity.of("sweep-1", "aider", "gpt-5-mini", "python/flaky-retry"))
 *     .setCaptureFile(Path.of("cell.jsonl"))
 *     .build()) {
 *   CellTracer tracer = sdk.cellTracer();
 *   ...
 * }
 * }</pre>
 */
public final class CabTraceSdk implements Closeable {

  private static final Logger logger = Logger.getLogger(CabTraceSdk.class.getName());
  private static final Duration COPY_CLOSE_TIMEOUT = Duration.ofSeconds(2);

  private final OpenTelemetrySdk openTelemetry;
  private final CellTracer cellTracer;
  private final String traceId;
  private final OtlpJsonLinesFileExporter captureExporter;
  private final CrashJournal journal;
  private final List<BlockingBatchSpanProcessor> processors;
  private final Duration closeTimeout;
  // Received spans an exporter's queue had no room for, which the capture file took.
  private final AtomicLong refusedCopies = new AtomicLong();
  /** Copies whose export close gave up waiting for (a backend that never answered). */
  private final Set<BlockingBatchSpanProcessor> abandonedCopies = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  /** Whether close gave up waiting for the capture file, which then lacks what was still pending. */
  private volatile boolean captureUnfinished;

  CabTraceSdk(
      OpenTelemetrySdk openTelemetry,
      String traceId,
      OtlpJsonLinesFileExporter captureExporter,
      CrashJournal journal,
      List<BlockingBatchSpanProcessor> processors,
      Duration closeTimeout) {
    this.openTelemetry = openTelemetry;
    this.cellTracer = CellTracer.create(openTelemetry);
    this.traceId = traceId;
    this.captureExporter = captureExporter;
    this.journal = journal;
    this.processors = processors;
    this.closeTimeout = closeTimeout;
  }

  /** A builder; a capture file is the one thing usually set. */
  public static CabTraceSdkBuilder builder() {
    return new CabTraceSdkBuilder();
  }

  /** The OpenTelemetry instance, for instrumentation that takes one. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** The SDK's tracer provider. */
  public SdkTracerProvider tracerProvider() {
    return openTelemetry.getSdkTracerProvider();
  }

  /** The cell tracer recording through this SDK. */
  public CellTracer cellTracer() {
    return cellTracer;
  }

  /** The trace id every span of the cell shares, unless one trace per cell was turned off. */
  public Optional<String> traceId() {
    return Optional.ofNullable(traceId);
  }

  /** The capture file, when one was set. */
  public Optional<Path> captureFile() {
    return Optional.ofNullable(captureExporter).map(OtlpJsonLinesFileExporter::file);
  }

  /** Spans written to the capture file so far. */
  public long capturedSpans() {
    return captureExporter == null ? 0 : captureExporter.writtenSpans();
  }

  /**
   * Spans dropped or not written to the capture file: zero unless something went wrong. Once a
   * {@link #close()} has timed out, every span not yet written counts: the process may exit before
   * they are.
   */
  public long lostSpans() {
    if (processors.isEmpty() || captureExporter == null) {
      return 0;
    }
    BlockingBatchSpanProcessor capture = processors.get(0);
    return capture.droppedSpans() + (captureUnfinished ? capture.notExportedSpans() : capture.failedSpans());
  }

  /**
   * Spans that did not reach the other exporters (a backend that was down): copies, not losses.
   * Once a {@link #close()} has given up waiting for a backend, every span not yet sent to it
   * counts, as {@link #lostSpans()} counts for the capture file.
   */
  public long undeliveredCopies() {
    long missed = 0;
    for (int i = captureExporter == null ? 0 : 1; i < processors.size(); i++) {
      missed += undelivered(processors.get(i));
    }
    return missed + refusedCopies.get();
  }

  private long undelivered(BlockingBatchSpanProcessor copy) {
    return copy.droppedSpans() + (abandonedCopies.contains(copy) ? copy.notExportedSpans() : copy.failedSpans());
  }

  /**
   * Takes spans recorded by another process (an agent's own OpenTelemetry SDK exporting to {@code
   * cab-trace record}) into the capture file, the crash journal and every exporter, through the
   * same redaction, keeping their resource and scope. All or none: false when the capture queue has
   * no room for them now (the sender should retry later: OTLP's 429 / RESOURCE_EXHAUSTED). Returns
   * once their capture line is written (5 s at most), so that a sender told they were taken is
   * not told so before they are in the file.
   */
  public boolean ingest(Collection<SpanData> spans) {
    // Refused before anything is journaled or queued: all or none.
    Objects.requireNonNull(spans, "spans");
    for (SpanData span : spans) {
      Objects.requireNonNull(span, "spans holds a null span");
    }
    if (closed || processors.isEmpty()) {
      return false;
    }
    // Journaled first: the capture line may be written before offerAll returns.
    if (journal != null) {
      journal.received(spans);
    }
    if (!processors.get(0).offerAll(spans)) {
      if (journal != null) {
        journal.forget(spans);
      }
      return false;
    }
    for (int i = 1; i < processors.size(); i++) {
      if (!processors.get(i).offerAll(spans)) {
        refusedCopies.addAndGet(spans.size()); // taken whole or not at all: the copy has none of them
      }
    }
    if (captureExporter != null) {
      // Answered once the spans' capture line is written: the sender, told they are delivered,
      // never sends them again, and a record killed the moment after (kill -9) must still hold
      // them; the journal would have them only at its next heartbeat. The flush asked for follows
      // them in the capture queue. Bounded: past that, a capture that cannot keep up still
      // answers, the spans journaled.
      processors.get(0).forceFlush().join(RECEIVED_WRITE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    }
    return true;
  }

  /** The longest {@link #ingest} waits for its spans' capture line. */
  static final Duration RECEIVED_WRITE_WAIT = Duration.ofSeconds(5);

  /** Writes out every span ended so far; waits at most the close timeout. */
  public boolean flush() {
    CompletableResultCode result = openTelemetry.getSdkTracerProvider().forceFlush();
    return result.join(closeTimeout.toNanos(), TimeUnit.NANOSECONDS).isSuccess();
  }

  /**
   * Exports everything still queued and shuts the SDK down, waiting at most the close timeout for
   * the capture file and 2 s for each other exporter (a backend copy); a copy not done by then is
   * given up with a warning. Calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // The capture file first, with the full close timeout: it is the truth. Then the copies, with
    // a short bound: a backend that hangs must not hold the cell up; it keeps its daemon thread.
    boolean complete = true;
    boolean timedOut = false;
    for (int i = 0; i < processors.size(); i++) {
      boolean capture = i == 0 && captureExporter != null;
      Duration bound = capture ? closeTimeout : COPY_CLOSE_TIMEOUT;
      BlockingBatchSpanProcessor processor = processors.get(i);
      CompletableResultCode shutdown = processor.shutdown().join(bound.toNanos(), TimeUnit.NANOSECONDS);
      if (capture && !shutdown.isSuccess()) {
        // Timed out, or ended having given up on its export: what it did not export is lost.
        captureUnfinished = true;
        timedOut = !shutdown.isDone();
      } else if (!capture && !shutdown.isDone()) {
        // A backend that takes the connection and never answers fails no export within the bound:
        // nothing else says that its copy is incomplete. One that failed an export before was
        // reported then, once for all its failures: this one is counted.
        abandonedCopies.add(processor);
        if (processor.failedSpans() == 0) {
          logger.warning("cab-trace: " + processor.exporterName() + " did not answer within " + bound.toMillis()
              + " ms at close; " + undelivered(processor) + " span(s) have not reached it"
              + (captureExporter == null ? ""
                  : ". They are in the capture file " + captureExporter.file() + ", which cab-trace push can send later"));
        }
      }
      complete &= shutdown.isSuccess() || !capture;
    }
    // What is left (the crash journal's heartbeat); the processors above are already shut down.
    openTelemetry.getSdkTracerProvider().shutdown().join(closeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    if (!complete) {
      logger.warning(timedOut ? "cab-trace: shutdown did not complete within " + closeTimeout.toMillis() + " ms"
          : "cab-trace: the capture file could not be completed; see earlier warnings");
    }
    long lost = lostSpans();
    if (lost > 0) {
      logger.warning("cab-trace: " + lost + " span(s) are missing from the capture file; see earlier warnings");
    }
    // The journal goes only once the capture file holds everything; otherwise it is the truth.
    if (journal != null) {
      int neverEnded = journal.openSpans();
      if (complete && lost == 0 && captureExporter.failedSpans() == 0 && journal.unwrittenSpans() == 0
          && neverEnded == 0) {
        journal.delete();
      } else if (journal.lastWriteFailed()) {
        // Not "it holds them": on a full disk its last write failed too, and it may hold nothing.
        logger.warning("cab-trace: the crash journal " + journal.file() + " could not be written either (see the"
            + " warning above): the spans missing from the capture file may be in neither file");
      } else if (neverEnded > 0) {
        // Never ended, never exported: the journal's last write is the only record of them.
        logger.warning("cab-trace: " + neverEnded + " span(s) were never ended; keeping the crash journal "
            + journal.file() + ", which holds them (a replay shows them unfinished)");
      } else {
        logger.warning("cab-trace: keeping the crash journal " + journal.file()
            + ": it holds spans the capture file may lack");
      }
    }
  }
}
