package dev.cabtrace.replay.read;

import java.util.Arrays;

/** Bytes as a map key, for JSON objects that repeat line after line. */
final class ByteKey {
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private final byte[] bytes;
  private final int start;
  private final int end;
  private final int hash;

  ByteKey(byte[] bytes, int start, int end) {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    long h = end - start;
    int i = start;
    for (; i + 8 <= end; i += 8) {
      h = (h ^ (long) LONGS.get(bytes, i)) * 0x9E3779B97F4A7C15L;
    }
    for (; i < end; i++) {
      h = (h ^ bytes[i]) * 0xBF58476D1CE4E5B9L;
    }
    this.hash = (int) (h ^ (h >>> 32));
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
