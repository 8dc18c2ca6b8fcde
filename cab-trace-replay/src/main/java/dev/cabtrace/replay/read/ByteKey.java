package dev.cabtrace.replay.read;

import java.util.Arrays;

/**
 * Bytes as a map key, for JSON objects that repeat line after line. The bytes come from the traced
 * program, so the hash is seeded per process and mixes each word in all its bits: a multiply-only
 * hash lets words that differ in their top bit cancel out, and such keys, all with one hash, would
 * make every lookup compare them all.
 */
final class ByteKey {
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long SEED = java.util.concurrent.ThreadLocalRandom.current().nextLong();

  private final byte[] bytes;
  private final int start;
  private final int end;
  private final int hash;

  ByteKey(byte[] bytes, int start, int end) {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    long h = SEED ^ (end - start);
    int i = start;
    for (; i + 8 <= end; i += 8) {
      h = mix(h ^ (long) LONGS.get(bytes, i));
    }
    for (; i < end; i++) {
      h = mix(h ^ bytes[i]);
    }
    this.hash = (int) h;
  }

  /** MurmurHash3's 64-bit finalizer. */
  private static long mix(long h) {
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
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
