package dev.cabtrace.sdk.persist;

import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.logging.Logger;

/**
 * Writes the crash journal's whole content, replacing the file atomically: a heartbeat line, then
 * the given spans as one OTLP JSON line, then what an earlier run killed before it could close
 * left in the journal, as it was (its own heartbeat line first). An exporter, so that the
 * redaction every exporter gets applies to the journal too.
 */
final class JournalFile implements SpanExporter {

  private static final Logger logger = Logger.getLogger(CrashJournal.class.getName());

  private final Path journal;
  private final Path temp;
  private final Path captureFile;
  private final Clock clock;
  private final byte[] earlier;
  private final OtlpJsonLineEncoder encoder = new OtlpJsonLineEncoder();
  private boolean failed;

  /** {@code earlier}: an earlier run's journal, kept after this run's lines (empty: none). */
  JournalFile(Path journal, Path temp, Path captureFile, Clock clock, byte[] earlier) {
    this.journal = journal;
    this.temp = temp;
    this.captureFile = captureFile;
    this.clock = clock;
    this.earlier = earlier;
  }

  /** Replaces the journal with the earlier run's part alone: this run left nothing to add. */
  synchronized void keepOnlyEarlier() throws IOException {
    try (FileChannel out = OwnerOnlyFiles.openTruncated(temp)) {
      writeFully(out, ByteBuffer.wrap(earlier));
    }
    replace();
  }

  private void replace() throws IOException {
    try {
      Files.move(temp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, journal, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public synchronized CompletableResultCode export(Collection<SpanData> spans) {
    try {
      // Which capture file this is beside, as it stands: a later run takes this journal up only
      // if that file is still there, appended to since.
      CaptureIdentity capture = CaptureIdentity.of(captureFile);
      String header = "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"" + clock.now()
          + "\",\"pid\":" + ProcessHandle.current().pid() + (capture == null ? "" : capture.headerMember()) + "}}\n";
      // The capture file's folder may be gone, or could not be made when the journal started.
      OwnerOnlyFiles.createParentDirectories(temp);
      try (FileChannel out = OwnerOnlyFiles.openTruncated(temp)) {
        writeFully(out, ByteBuffer.wrap(header.getBytes(StandardCharsets.UTF_8)));
        if (!spans.isEmpty()) {
          writeFully(out, encoder.encode(new ArrayList<>(spans)).asByteBuffer());
        }
        writeFully(out, ByteBuffer.wrap(earlier));
      }
      replace();
      failed = false;
      return CompletableResultCode.ofSuccess();
    } catch (IOException | RuntimeException e) {
      // Not left behind: on a full disk, a half-written temporary file holds the last free space.
      try {
        Files.deleteIfExists(temp);
      } catch (IOException | RuntimeException notRemoved) {
        e.addSuppressed(notRemoved);
      }
      if (!failed) {
        logger.warning("cab-trace: could not write crash journal " + journal + ": " + reason(e));
        failed = true;
      }
      return CompletableResultCode.ofFailure();
    }
  }

  /** Whether the last write of the journal failed: it then holds what an earlier write put in it, if anything. */
  synchronized boolean lastWriteFailed() {
    return failed;
  }

  /** Why a write failed, in words: a file system exception's message is only the path. */
  private static String reason(Exception e) {
    if (e instanceof java.nio.file.FileSystemException fileSystem && fileSystem.getReason() != null) {
      return fileSystem.getFile() + ": " + fileSystem.getReason();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
  }

  private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      out.write(bytes);
    }
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public String toString() {
    return "crash journal " + journal;
  }
}
