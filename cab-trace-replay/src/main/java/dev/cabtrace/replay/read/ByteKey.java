package dev.cabtrace.replay.read;

import dev.cabtrace.replay.internal.SeededHash;
import java.util.Arrays;

/**
 * Bytes as a map key, for JSON objects that repeat line after line, hashed by {@link SeededHash}:
 * the bytes are the traced program's (a multiply-only hash let words that differ in their top bit
 * cancel out).
 */
final class ByteKey {

  private final byte[] bytes;
  private final int start;
  private final int end;
  private final int hash;

  ByteKey(byte[] bytes, int start, int end) {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    long h = SeededHash.of(bytes, start, end);
    this.hash = (int) h;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ByteKey
        && Arrays.equals(bytes, start, end, ((ByteKey) other).bytes, ((ByteKey) other).start, ((ByteKey) other).end);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
