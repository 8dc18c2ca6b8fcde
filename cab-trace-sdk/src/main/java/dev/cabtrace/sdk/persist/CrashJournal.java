package dev.cabtrace.sdk.persist;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import dev.cabtrace.sdk.redact.Redaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * atomically on every heartbeat (default each second) and soon after a span starts (waiting a
 * quarter of a second at most, whatever the heartbeat). Its first line
 * is {@code {"cabJournal":{"version":1,"heartbeatUnixNano":"...","pid":...}}}; its second, if any
 * span is open, one OTLP JSON line holding those spans as they stand ({@code endTimeUnixNano} "0"
 * while open) and the spans that ended but whose capture-file line has not been written yet (the
 * capture exporter acknowledges each written batch through {@link #acknowledging}). At most
 * {@value #MAX_UNWRITTEN_KEPT} such ended spans are kept (more than the capture queue holds); past
 * that the oldest go, counted. Everything it writes goes through the same redaction as the capture
 * file. A reader takes spans from the capture file first and from the journal only what the capture
 * file lacks, ending unfinished ones at the heartbeat. A reader finds the journal through the
 * capture file, so the journal creates that file, empty, when it starts. A clean close deletes the
 * journal; a close that lost spans keeps it.
 *
 * <p>A journal already beside the capture file when this one starts was left by an earlier run
 * that was killed (runs append to the capture file, so a cell re-run after a crash shares it). When
 * its heartbeat line says the capture file it was written beside is this one, still there and
 * appended to since ({@link CaptureIdentity}), and it is at most {@value #MAX_EARLIER_BYTES} bytes,
 * its content is kept as it was, after this run's lines, and a clean close leaves it alone in the
 * journal instead of deleting it. Its own heartbeat line heads it, so that a reader ends its
 * unfinished spans when that run died. Any other journal is replaced, with a warning.
 */
public final class CrashJournal implements SpanProcessor {

  /** What is appended to the capture file's name to name its journal. */
  public static final String SUFFIX = ".journal";

  private static final Logger logger = Logger.getLogger(CrashJournal.class.getName());
  /** Ended spans kept until their line is written: the capture queue (8,192) and then some. */
  public static final int MAX_UNWRITTEN_KEPT = 32_768;
  private static final long MIN_REWRITE_NANOS = 100_000_000L;
  /** The longest a span start waits for its rewrite, however dear rewrites have become. */
  private static final long MAX_START_DELAY_NANOS = 250_000_000L;

  private final Path journal;
  private final Path temp;
  private final long heartbeatNanos;
  private final Map<String, ReadableSpan> open = new ConcurrentHashMap<>();
  /** Ended spans whose capture-file line is not written yet, oldest first. */
  private final Map<String, SpanData> unwritten = new LinkedHashMap<>();
  private final SpanExporter out;
  private final JournalFile file;
  private final boolean hasEarlier;
  private final Path captureFile;
  /** Whether this journal made the capture file, empty. */
  private final boolean createdCapture;
  private final Thread writer;
  private volatile boolean running = true;
  /** A span started since the writer last took the open spans: it writes again soon, not at the heartbeat. */
  private volatile boolean started;
  private long evicted;

  private CrashJournal(Path captureFile, Clock clock, Duration heartbeat, Redaction redaction) {
    this.journal = pathFor(captureFile);
    this.temp = journal.resolveSibling(journal.getFileName() + ".tmp");
    this.heartbeatNanos = heartbeat.toNanos();
    byte[] earlier = earlierRun(journal, captureFile);
    this.hasEarlier = earlier.length > 0;
    this.captureFile = captureFile;
    this.createdCapture = createEmpty(captureFile);
    this.file = new JournalFile(journal, temp, captureFile, clock, earlier);
    this.out = redaction.wrap(file);
    this.writer = new Thread(this::writeLoop, "cab-trace-journal");
    writer.setDaemon(true);
  }

  /** A journal beside {@code captureFile}, with a heartbeat every {@code heartbeat}, redacted by default. */
  public static CrashJournal create(Path captureFile, Clock clock, Duration heartbeat) {
    return create(captureFile, clock, heartbeat, Redaction.defaults());
  }

  /** A journal beside {@code captureFile} that masks what {@code redaction} masks. */
  public static CrashJournal create(Path captureFile, Clock clock, Duration heartbeat, Redaction redaction) {
    Objects.requireNonNull(captureFile, "captureFile");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(redaction, "redaction");
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat must be positive");
    }
    CrashJournal journal = new CrashJournal(captureFile, clock, heartbeat, redaction);
    journal.writer.start();
    return journal;
  }

  /**
   * {@code captureExporter}, telling this journal which ended spans have reached the capture file,
   * so that it keeps each one until then.
   */
  public SpanExporter acknowledging(SpanExporter captureExporter) {
    return new AcknowledgingExporter(captureExporter, this);
  }

  /** Spans started and not ended: the journal holds them as they stand, and nothing else does. */
  public int openSpans() {
    return open.size();
  }

  /** Spans that ended but whose capture-file line has not been written yet. */
  public int unwrittenSpans() {
    synchronized (unwritten) {
      return unwritten.size();
    }
  }

  /**
   * Journals spans that ended in another process and were received here, until their capture line
   * is written, like spans that ended in this one.
   */
  public void received(Collection<SpanData> spans) {
    synchronized (unwritten) {
      for (SpanData span : spans) {
        unwritten.put(key(span.getSpanContext()), span);
      }
      // Bounded as ended spans are: a sender can send more than the capture file takes.
      evictBeyondLimit();
    }
  }

  /** Stops journaling received spans that were refused after all (the sender will retry). */
  public void forget(Collection<SpanData> spans) {
    written(spans);
  }

  void written(Collection<SpanData> spans) {
    synchronized (unwritten) {
      for (SpanData span : spans) {
        unwritten.remove(key(span.getSpanContext()));
      }
    }
  }

  private static String key(io.opentelemetry.api.trace.SpanContext context) {
    // The span id alone: unique enough within one process's cell, and a string the context holds.
    return context.getSpanId();
  }

  /** The journal file that belongs to {@code captureFile}. */
  public static Path pathFor(Path captureFile) {
    return captureFile.resolveSibling(captureFile.getFileName() + SUFFIX);
  }

  /** The journal file. */
  public Path file() {
    return journal;
  }

  /** Whether its last write failed (a full disk): it may then hold none of the spans it should. */
  public boolean lastWriteFailed() {
    return file.lastWriteFailed();
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (!span.getSpanContext().isSampled()) {
      return;
    }
    open.put(key(span.getSpanContext()), span);
    if (!started) {
      started = true;
      LockSupport.unpark(writer);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    String key = key(span.getSpanContext());
    if (open.remove(key) == null) {
      return;
    }
    // Kept until the capture exporter says its line is written: it may sit in the export queue
    // when the process dies. Not worth an early rewrite: the heartbeat writes it, as it writes
    // received spans.
    SpanData ended = span.toSpanData();
    synchronized (unwritten) {
      unwritten.put(key, ended);
      evictBeyondLimit();
    }
  }

  /** Drops the oldest unwritten spans beyond {@link #MAX_UNWRITTEN_KEPT}; called holding the lock on them. */
  private void evictBeyondLimit() {
    if (unwritten.size() <= MAX_UNWRITTEN_KEPT) {
      return;
    }
    Iterator<String> oldest = unwritten.keySet().iterator();
    while (unwritten.size() > MAX_UNWRITTEN_KEPT) {
      oldest.next();
      oldest.remove();
      if (evicted++ == 0) {
        logger.warning("cab-trace: the crash journal keeps at most " + MAX_UNWRITTEN_KEPT
            + " ended spans not yet in the capture file; older ones are no longer journaled");
      }
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /** Stops the heartbeat, writing the journal one last time. The file stays until {@link #delete()}. */
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

  /**
   * Deletes the journal: the capture file now holds every span of this run. What an earlier, killed
   * run left in it stays: the journal then holds that alone.
   */
  public void delete() {
    try {
      if (hasEarlier) {
        file.keepOnlyEarlier();
        logger.warning("cab-trace: keeping the crash journal " + journal
            + ": it holds the spans an earlier run of this capture file left unfinished");
      } else {
        Files.deleteIfExists(journal);
        if (createdCapture && Files.size(captureFile) == 0) {
          // Made only for a journal that is gone: a run that ended no span leaves no file, as before.
          Files.deleteIfExists(captureFile);
        }
      }
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      logger.warning("cab-trace: could not delete crash journal " + journal + ": " + e.getMessage());
    }
  }

  /** Larger journals a killed run left are not taken up: this one rewrites what it keeps each heartbeat. */
  static final int MAX_EARLIER_BYTES = 4 << 20;

  /**
   * The journal a killed run of this capture file left at {@code journal}, ending with a line
   * break; empty when there is none, or when it is not this capture's (the file it was written
   * beside is gone, or was replaced: a new file, or a shorter one) or is too large to carry along.
   * A journal not taken up is replaced by this run's, as it always was, with a warning.
   */
  private static byte[] earlierRun(Path journal, Path captureFile) {
    if (!Files.isRegularFile(journal)) {
      return new byte[0];
    }
    try {
      long size = Files.size(journal);
      if (size > MAX_EARLIER_BYTES) {
        logger.warning("cab-trace: the crash journal an earlier run left at " + journal + " is " + size
            + " bytes, more than this run carries along (" + MAX_EARLIER_BYTES + "); this run's journal replaces it");
        return new byte[0];
      }
      byte[] bytes = Files.readAllBytes(journal);
      int firstLine = 0;
      while (firstLine < bytes.length && bytes[firstLine] != '\n') {
        firstLine++;
      }
      CaptureIdentity then = CaptureIdentity.fromHeader(bytes, firstLine);
      if (then == null || !then.stillIn(CaptureIdentity.of(captureFile))) {
        logger.warning("cab-trace: the crash journal at " + journal + " was left beside a capture file that is no"
            + " longer there as it was (removed, replaced or cut since, or written by an older cab-trace); this"
            + " run's journal replaces it");
        return new byte[0];
      }
      if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
        bytes = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        bytes[bytes.length - 1] = '\n';
      }
      return bytes;
    } catch (IOException e) {
      logger.warning("cab-trace: could not read the crash journal an earlier run left at " + journal
          + " (" + e.getMessage() + "); this run's journal replaces it");
      return new byte[0];
    }
  }

  private void writeLoop() {
    // A heartbeat shorter than the shortest gap between rewrites would have this thread rewrite
    // without a pause.
    long beatNanos = Math.max(heartbeatNanos, MIN_REWRITE_NANOS);
    started = false;
    long lastWrite = System.nanoTime();
    writeNow();
    long lastCost = System.nanoTime() - lastWrite;
    while (running) {
      // Under a flood of spans a rewrite gets dearer; spacing rewrites by ten times their cost
      // keeps the journal under about a tenth of a core. Capped, so that a span start is journaled
      // soon even after a dear rewrite (the first, cold one is).
      long minGap = Math.min(beatNanos,
          Math.min(MAX_START_DELAY_NANOS, Math.max(MIN_REWRITE_NANOS, 10 * lastCost)));
      long sinceWrite = System.nanoTime() - lastWrite;
      if (sinceWrite >= beatNanos || (started && sinceWrite >= minGap)) {
        long now = System.nanoTime();
        started = false;
        writeNow();
        lastWrite = System.nanoTime();
        lastCost = lastWrite - now;
        continue;
      }
      // A start that comes while parked until the heartbeat unparks this thread.
      LockSupport.parkNanos((started ? minGap : beatNanos) - sinceWrite);
    }
    writeNow();
  }

  /**
   * Creates the capture file, empty, unless it is there: readers find the journal through it
   * ({@code show cell.jsonl}), and a re-run takes a killed run's journal up only when the capture
   * file its heartbeat line names is still there, so a run killed before its first span ended needs
   * one too. Only after the earlier run's journal is checked: a capture file this run creates is not
   * the one that journal was written beside, even when it gets the same inode.
   */
  private static boolean createEmpty(Path captureFile) {
    try {
      boolean existed = Files.exists(captureFile);
      OwnerOnlyFiles.createParentDirectories(captureFile);
      OwnerOnlyFiles.openForAppend(captureFile).close();
      return !existed;
    } catch (IOException e) {
      // The capture exporter reports the failure when it cannot write its first line.
      return false;
    }
  }

  private void writeNow() {
    List<SpanData> spans = new ArrayList<>(open.size() + 16);
    for (ReadableSpan span : open.values()) {
      spans.add(span.toSpanData());
    }
    synchronized (unwritten) {
      spans.addAll(unwritten.values());
    }
    try {
      out.export(spans);
    } catch (RuntimeException e) {
      logger.warning("cab-trace: could not write crash journal " + journal + ": " + e);
    }
  }

  @Override
  public String toString() {
    return "CrashJournal{" + journal + "}";
  }
}
