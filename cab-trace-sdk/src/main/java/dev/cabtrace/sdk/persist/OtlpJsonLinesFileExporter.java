package dev.cabtrace.sdk.persist;

import dev.cabtrace.sdk.internal.LeavesSpansOut;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes spans to a capture file in OTLP JSON Lines: one {@code {"resourceSpans":[...]}} object per
 * exported batch, each on its own line, handed to the operating system before {@link #export}
 * returns. A process killed at any moment leaves whole lines behind (at worst a torn last line),
 * never a corrupted earlier one.
 *
 * <p>I/O failures (disk full, file deleted, unwritable directory) are logged once, counted in
 * {@link #failedSpans()} and reported as a failed result; they are never thrown. A failed write is
 * cut back so that the next line starts on a line boundary. A span that cannot be encoded is left
 * out of its line, the rest of the batch written, and counted in {@link #spansLeftOut()}.
 */
public final class OtlpJsonLinesFileExporter implements LeavesSpansOut {

  private static final Logger logger = Logger.getLogger(OtlpJsonLinesFileExporter.class.getName());

  private final Path file;
  private final boolean syncOnFlush;
  private final OtlpJsonLineEncoder encoder = new OtlpJsonLineEncoder();
  private final AtomicLong writtenSpans = new AtomicLong();
  private final AtomicLong failedSpans = new AtomicLong();
  private final AtomicLong leftOutSpans = new AtomicLong();
  private final Object lock = new Object();

  private FileChannel channel;
  private Object fileKey;
  private boolean shutdown;
  private String lastFailure;

  private OtlpJsonLinesFileExporter(Path file, boolean syncOnFlush) {
    this.file = file;
    this.syncOnFlush = syncOnFlush;
  }

  /**
   * An exporter appending to {@code file}, which is created (with its parent directories) on first
   * write. {@link #flush()} and {@link #shutdown()} also force the file to the storage device.
   */
  public static OtlpJsonLinesFileExporter create(Path file) {
    return new OtlpJsonLinesFileExporter(Objects.requireNonNull(file, "file"), true);
  }

  /** The capture file. */
  public Path file() {
    return file;
  }

  /** Spans written to the file so far. */
  public long writtenSpans() {
    return writtenSpans.get();
  }

  /** Spans that could not be written because of an I/O failure. */
  public long failedSpans() {
    return failedSpans.get();
  }

  /** Spans left out of the file because they could not be encoded. */
  @Override
  public long spansLeftOut() {
    return leftOutSpans.get();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (spans.isEmpty()) {
      return CompletableResultCode.ofSuccess();
    }
    synchronized (lock) {
      if (shutdown) {
        failedSpans.addAndGet(spans.size());
        reportOnce("export after shutdown", null);
        return CompletableResultCode.ofFailure();
      }
      int leftOut = 0;
      try {
        LineBuffer line = encoder.encode(spans);
        leftOut = encoder.leftOut();
        if (leftOut > 0) {
          reportLeftOut(leftOut, encoder.leftOutCause());
        }
        if (leftOut < spans.size()) {
          writeLine(line);
        }
        writtenSpans.addAndGet(spans.size() - leftOut);
        lastFailure = null;
        return CompletableResultCode.ofSuccess();
      } catch (IOException | RuntimeException e) {
        // Those left out are counted already.
        failedSpans.addAndGet(spans.size() - leftOut);
        reportOnce("could not write " + spans.size() + " spans to " + file + ": " + describe(e), e);
        closeChannelQuietly();
        return CompletableResultCode.ofFailure();
      }
    }
  }

  private void writeLine(LineBuffer line) throws IOException {
    FileChannel out = openChannel();
    long start = out.size();
    ByteBuffer bytes = line.asByteBuffer();
    try {
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      // Cut a partial line back off so that the next batch starts on a line boundary.
      try {
        out.truncate(start);
      } catch (IOException | UnsupportedOperationException ignored) {
        // The original failure is what matters.
      }
      throw e;
    }
  }

  private FileChannel openChannel() throws IOException {
    if (channel != null && channel.isOpen()) {
      Object currentKey = currentFileKey();
      if (currentKey != null && currentKey.equals(fileKey)) {
        return channel;
      }
      reportOnce("capture file " + file + " was deleted or replaced while open; writing a new one", null);
      closeChannelQuietly();
    }
    OwnerOnlyFiles.createParentDirectories(file);
    channel = OwnerOnlyFiles.openForAppend(file);
    fileKey = currentFileKey();
    endTornLastLine(channel);
    return channel;
  }

  /**
   * Ends the last line of a file that a killed run left torn, so that the next line starts whole:
   * the torn one stays a line readers skip, not the start of ours.
   */
  private void endTornLastLine(FileChannel out) throws IOException {
    long size = out.size();
    if (size == 0) {
      return;
    }
    ByteBuffer last = ByteBuffer.allocate(1);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      in.read(last, size - 1);
    } catch (IOException e) {
      return; // Unreadable (write-only, say): appended to as before.
    }
    if (last.position() == 1 && last.get(0) != '\n') {
      ByteBuffer newline = ByteBuffer.wrap(new byte[] {'\n'});
      while (newline.hasRemaining()) {
        out.write(newline);
      }
    }
  }

  private Object currentFileKey() {
    try {
      return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public CompletableResultCode flush() {
    synchronized (lock) {
      if (channel == null || !channel.isOpen() || !syncOnFlush) {
        return CompletableResultCode.ofSuccess();
      }
      try {
        channel.force(false);
        return CompletableResultCode.ofSuccess();
      } catch (IOException e) {
        reportOnce("could not sync " + file + ": " + describe(e), e);
        return CompletableResultCode.ofFailure();
      }
    }
  }

  @Override
  public CompletableResultCode shutdown() {
    synchronized (lock) {
      if (shutdown) {
        return CompletableResultCode.ofSuccess();
      }
      CompletableResultCode flushed = flush();
      shutdown = true;
      closeChannelQuietly();
      return flushed;
    }
  }

  private void closeChannelQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing more can be done about a file we are giving up on.
      }
      channel = null;
    }
  }

  private void reportLeftOut(int leftOut, Throwable cause) {
    long total = leftOutSpans.addAndGet(leftOut);
    // Logged at the first and then each time the count passes a power of two: never a flood.
    if (Long.highestOneBit(total) != Long.highestOneBit(total - leftOut)) {
      logger.log(
          Level.WARNING,
          "cab-trace: could not encode a span for " + file + "; " + total
              + " span(s) left out of the capture file so far",
          cause);
    }
  }

  /** Logs a failure the first time it happens in a row, not on every batch that repeats it. */
  private void reportOnce(String message, Throwable cause) {
    String kind = cause == null ? message : cause.getClass().getName() + cause.getMessage();
    if (kind.equals(lastFailure)) {
      return;
    }
    lastFailure = kind;
    logger.log(Level.WARNING, "cab-trace: " + message);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }

  @Override
  public String toString() {
    return "OtlpJsonLinesFileExporter{file=" + file + "}";
  }
}
