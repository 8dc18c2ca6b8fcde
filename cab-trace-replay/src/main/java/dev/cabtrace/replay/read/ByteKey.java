package dev.cabtrace.replay.read;

import java.util.Arrays;

/** Bytes as a map key, for JSON objects that repeat line after line. */
final class ByteKey {
  private final byte[] bytes;
  private final int start;
  private final int end;
  private final int hash;

  ByteKey(byte[] bytes, int start, int end) {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    int h = 1;
    for (int i = start; i < end; i++) {
      h = 31 * h + bytes[i];
    }
    this.hash = h;
  }

  ByteKey copy() {
    return new ByteKey(Arrays.copyOfRange(bytes, start, end), 0, end - start);
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
