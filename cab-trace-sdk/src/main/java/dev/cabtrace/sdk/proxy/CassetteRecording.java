package dev.cabtrace.sdk.proxy;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A response on its way from the upstream to the client, kept for the cassette: its body is read
 * through {@link #tap}, which notes each piece and when it arrived. Pieces that arrive within a
 * millisecond of the start of a chunk join it, so a cassette holds the chunks the upstream sent,
 * not the reads a decoder happened to make.
 */
final class CassetteRecording {

  /** A response body over this is forwarded but not stored. */
  static final long MAX_STORED_BYTES = 64L * 1024 * 1024;
  private static final long JOIN_NANOS = 1_000_000;

  private final long startNanos;
  private final int status;
  private final Map<String, List<String>> headers;
  private final long contentLength;
  private final long timeToFirstByteNanos;
  private final List<CassetteRecord.Chunk> chunks = new ArrayList<>();
  private final ByteArrayOutputStream current = new ByteArrayOutputStream();
  private long currentOffset = -1;
  private long bytes;

  CassetteRecording(long startNanos, int status, Map<String, List<String>> headers, long contentLength,
      long timeToFirstByteNanos) {
    this.startNanos = startNanos;
    this.status = status;
    this.headers = headers;
    this.contentLength = contentLength;
    this.timeToFirstByteNanos = timeToFirstByteNanos;
  }

  /** The upstream's body, noting what passes. */
  InputStream tap(InputStream upstream) {
    return new FilterInputStream(upstream) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          note(new byte[] {(byte) b}, 0, 1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
          note(buffer, offset, n);
        }
        return n;
      }
    };
  }

  private void note(byte[] buffer, int offset, int length) {
    bytes += length;
    if (bytes > MAX_STORED_BYTES) {
      current.reset();
      chunks.clear();
      return;
    }
    long now = System.nanoTime() - startNanos;
    if (currentOffset < 0 || now - currentOffset >= JOIN_NANOS) {
      endChunk();
      currentOffset = now;
    }
    current.write(buffer, offset, length);
  }

  private void endChunk() {
    if (currentOffset >= 0 && current.size() > 0) {
      chunks.add(new CassetteRecord.Chunk(currentOffset, current.toByteArray()));
    }
    current.reset();
  }

  /** Whether the body was too large to store. */
  boolean tooLarge() {
    return bytes > MAX_STORED_BYTES;
  }

  /** The whole exchange, once the body has been read to its end. */
  CassetteRecord toRecord(CassetteRequest request) {
    endChunk();
    return new CassetteRecord(request.method, request.target, request.hash, status, headers, contentLength,
        timeToFirstByteNanos, List.copyOf(chunks), false);
  }
}
