package dev.cabtrace.replay.read;

import java.util.Arrays;

/**
 * Bytes as a map key, for JSON objects that repeat line after line, hashed as {@link SeededHash}
 * says, a word at a time: a multiply-only hash let words that differ in their top bit cancel out.
 */
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
    long h = SeededHash.SEED ^ (end - start);
    int i = start;
    for (; i + 8 <= end; i += 8) {
      h = SeededHash.mix(h ^ (long) LONGS.get(bytes, i));
    }
    for (; i < end; i++) {
      h = SeededHash.mix(h ^ bytes[i]);
    }
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
