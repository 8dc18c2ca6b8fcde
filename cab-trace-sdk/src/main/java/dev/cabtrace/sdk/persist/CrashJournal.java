package dev.cabtrace.sdk.persist;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * Records the spans that have started but not yet reached the capture file, beside it, so that a
 * cell killed mid-run (OOM, {@code kill -9}, a sandbox timeout) still shows what it was doing. OTel
 * exports a span only when it ends; the journal covers the rest.
 *
 * <p>The journal is a small file named after the capture file plus {@value #SUFFIX}, replaced
 * atomically on every heartbeat (default each second) and soon after a span starts. Its first line
 * is {@code {"cabJournal":{"version":1,"heartbeatUnixNano":"...","pid":...}}}; its second, if any
 * span is open, one OTLP JSON line holding those spans as they stand ({@code endTimeUnixNano} "0"
 * while open) and the spans that ended within the last heartbeats (in case the process died before
 * they were written). A reader takes spans from the capture file first and from the journal only
 * what the capture file lacks, ending unfinished ones at the heartbeat. A clean close deletes it.
 */
public final class CrashJournal implements SpanProcessor {

  /** What is appended to the capture file's name to name its journal. */
  public static final String SUFFIX = ".journal";

  private static final Logger logger = Logger.getLogger(CrashJournal.class.getName());
  private static final int RECENTLY_ENDED_KEPT = 1024;
  private static final long MIN_REWRITE_NANOS = 100_000_000L;

  private final Path journal;
  private final Path temp;
  private final Clock clock;
  private final long heartbeatNanos;
  private final Map<String, ReadableSpan> open = new ConcurrentHashMap<>();
  private final Deque<SpanData> recentlyEnded = new ArrayDeque<>();
  private final OtlpJsonLineEncoder encoder = new OtlpJsonLineEncoder();
  private final Thread writer;
  private volatile boolean running = true;
  private volatile boolean dirty = true;
  private boolean failed;

  private CrashJournal(Path journal, Clock clock, Duration heartbeat) {
    this.journal = journal;
    this.temp = journal.resolveSibling(journal.getFileName() + ".tmp");
    this.clock = clock;
    this.heartbeatNanos = heartbeat.toNanos();
    this.writer = new Thread(this::writeLoop, "cab-trace-journal");
    writer.setDaemon(true);
  }

  /** A journal beside {@code captureFile}, with a heartbeat every {@code heartbeat}. */
  public static CrashJournal create(Path captureFile, Clock clock, Duration heartbeat) {
    Objects.requireNonNull(captureFile, "captureFile");
    Objects.requireNonNull(clock, "clock");
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat must be positive");
    }
    CrashJournal journal = new CrashJournal(pathFor(captureFile), clock, heartbeat);
    journal.writer.start();
    return journal;
  }

  /** The journal file that belongs to {@code captureFile}. */
  public static Path pathFor(Path captureFile) {
    return captureFile.resolveSibling(captureFile.getFileName() + SUFFIX);
  }

  /** The journal file. */
  public Path file() {
    return journal;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (!span.getSpanContext().isSampled()) {
      return;
    }
    open.put(span.getSpanContext().getSpanId(), span);
    if (!dirty) {
      dirty = true;
      LockSupport.unpark(writer);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (open.remove(span.getSpanContext().getSpanId()) == null) {
      return;
    }
    // Kept a while: the span may still sit in an export queue when the process dies.
    SpanData ended = span.toSpanData();
    synchronized (recentlyEnded) {
      recentlyEnded.addLast(ended);
      if (recentlyEnded.size() > RECENTLY_ENDED_KEPT) {
        recentlyEnded.removeFirst();
      }
    }
    dirty = true;
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /** Stops the heartbeat. The journal file stays until {@link #delete()}. */
  @Override
  public CompletableResultCode shutdown() {
    running = false;
    LockSupport.unpark(writer);
    try {
      writer.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return CompletableResultCode.ofSuccess();
  }

  /** Deletes the journal: the capture file now holds every span. */
  public void delete() {
    try {
      Files.deleteIfExists(journal);
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      logger.warning("cab-trace: could not delete crash journal " + journal + ": " + e.getMessage());
    }
  }

  private void writeLoop() {
    long lastWrite = 0;
    int heartbeatsSinceEnded = 0;
    while (running) {
      long now = System.nanoTime();
      boolean heartbeatDue = now - lastWrite >= heartbeatNanos;
      if (heartbeatDue || (dirty && now - lastWrite >= MIN_REWRITE_NANOS)) {
        dirty = false;
        List<SpanData> spans = new ArrayList<>(open.size() + RECENTLY_ENDED_KEPT);
        for (ReadableSpan span : open.values()) {
          spans.add(span.toSpanData());
        }
        synchronized (recentlyEnded) {
          spans.addAll(recentlyEnded);
          if (heartbeatDue && ++heartbeatsSinceEnded >= 2) {
            // Two heartbeats on, ended spans have long reached the capture file.
            recentlyEnded.clear();
            heartbeatsSinceEnded = 0;
          }
        }
        write(spans);
        lastWrite = System.nanoTime();
      }
      long untilHeartbeat = heartbeatNanos - (System.nanoTime() - lastWrite);
      LockSupport.parkNanos(Math.max(MIN_REWRITE_NANOS, untilHeartbeat));
    }
  }

  private void write(List<SpanData> spans) {
    try {
      StringBuilder header = new StringBuilder(128);
      header
          .append("{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"")
          .append(clock.now())
          .append("\",\"pid\":")
          .append(ProcessHandle.current().pid())
          .append("}}\n");
      try (FileChannel out = OwnerOnlyFiles.openTruncated(temp)) {
        writeFully(out, ByteBuffer.wrap(header.toString().getBytes(StandardCharsets.UTF_8)));
        if (!spans.isEmpty()) {
          writeFully(out, encoder.encode(spans).asByteBuffer());
        }
      }
      try {
        Files.move(temp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, journal, StandardCopyOption.REPLACE_EXISTING);
      }
      failed = false;
    } catch (IOException | RuntimeException e) {
      if (!failed) {
        logger.warning("cab-trace: could not write crash journal " + journal + ": " + e.getMessage());
        failed = true;
      }
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      out.write(bytes);
    }
  }

  @Override
  public String toString() {
    return "CrashJournal{" + journal + "}";
  }
}
