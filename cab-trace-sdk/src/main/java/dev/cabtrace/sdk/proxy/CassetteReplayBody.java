package dev.cabtrace.sdk.proxy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A recorded body served as it was recorded: a read never crosses a chunk (each chunk reaches the
 * client in its own write), and with {@link CassetteTiming#ORIGINAL} the first byte of each chunk
 * waits for its recorded offset from the start of the request. Offsets are kept from that one
 * start, so waits do not add up.
 */
final class CassetteReplayBody extends ArrayReadingInputStream {

  private final List<CassetteRecord.Chunk> chunks;
  private final long startNanos;
  private final boolean original;
  private int index;
  private int position;

  CassetteReplayBody(List<CassetteRecord.Chunk> chunks, long startNanos, CassetteTiming timing) {
    this.chunks = chunks;
    this.startNanos = startNanos;
    this.original = timing == CassetteTiming.ORIGINAL;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    while (index < chunks.size() && position == chunks.get(index).bytes().length) {
      index++;
      position = 0;
    }
    if (index == chunks.size()) {
      return -1;
    }
    CassetteRecord.Chunk chunk = chunks.get(index);
    if (position == 0 && original) {
      waitUntil(startNanos + chunk.offsetNanos());
    }
    int n = Math.min(length, chunk.bytes().length - position);
    System.arraycopy(chunk.bytes(), position, buffer, offset, n);
    position += n;
    return n;
  }

  /** Which chunk the last read came from (0 before the first). */
  int chunkIndex() {
    return index;
  }

  /** Waits until {@code System.nanoTime()} reaches {@code deadline}; an interrupt ends the wait with an error. */
  static void waitUntil(long deadline) throws InterruptedIOException {
    long remaining;
    while ((remaining = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(remaining);
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("the proxy closed while replaying");
      }
    }
  }
}
