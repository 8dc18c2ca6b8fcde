package dev.cabtrace.replay.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hashes of what the traced program wrote (the bytes of its resources, their attribute values),
 * seeded per process and mixed in all their bits: a program that could predict them could make
 * thousands of distinct keys share one hash, and every lookup among them compare them all. Java's
 * own hashes are predictable ({@code "Aa"} and {@code "BB"} collide, and so does every string made
 * of such pairs). Internal: the read, timeline and push packages share it.
 */
public final class SeededHash {

  private static final long SEED = ThreadLocalRandom.current().nextLong();
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  // A seed of each kind of value: the string "a" and the count 96 must not hash alike whatever
  // the seed, as they would with one seed for both (a one-character string mixes SEED ^ 1 ^ 'a').
  private static final long STRING = mix(SEED ^ 1);
  private static final long LONG = mix(SEED ^ 2);
  private static final long DOUBLE = mix(SEED ^ 3);
  private static final long LIST = mix(SEED ^ 4);
  private static final long MAP = mix(SEED ^ 5);
  private static final long BYTES = mix(SEED ^ 6);
  private static final long OTHER = mix(SEED ^ 7);

  private SeededHash() {}

  /** MurmurHash3's 64-bit finalizer: every bit of {@code h} into every bit of the result. */
  public static long mix(long h) {
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }

  /** A hash of an attribute value (or map of them) that equal values share, whatever their order in a map. */
  public static long of(Object value) {
    if (value instanceof String) {
      String text = (String) value;
      int length = text.length();
      long h = STRING ^ length;
      int i = 0;
      for (; i + 4 <= length; i += 4) { // four characters a mix
        h = mix(h ^ (text.charAt(i) | (long) text.charAt(i + 1) << 16 | (long) text.charAt(i + 2) << 32
            | (long) text.charAt(i + 3) << 48));
      }
      for (; i < length; i++) {
        h = mix(h ^ text.charAt(i));
      }
      return h;
    }
    if (value instanceof Map<?, ?>) {
      long h = MAP;
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        h += mix(of(entry.getKey()) * 31 + of(entry.getValue())); // a sum: a map's order is not its identity
      }
      return h;
    }
    if (value instanceof List<?>) {
      long h = LIST;
      for (Object element : (List<?>) value) {
        h = mix(h ^ of(element));
      }
      return h;
    }
    if (value instanceof Long) {
      return of((long) (Long) value);
    }
    if (value instanceof Double) {
      return mix(DOUBLE ^ Double.doubleToLongBits((Double) value));
    }
    if (value instanceof ByteBuffer) {
      // A bytesValue: its own hash is 31 * h + b, byte by byte.
      ByteBuffer buffer = ((ByteBuffer) value).duplicate();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return of(bytes, 0, bytes.length);
    }
    return mix(OTHER ^ (value == null ? 0 : value.hashCode()));
  }

  /** A hash of a count or an id. */
  public static long of(long value) {
    return mix(LONG ^ value); // Long.hashCode folds its halves: x << 32 | x is 0 for every x
  }

  /** A hash of the bytes from {@code from} to {@code to}, a word at a time. */
  public static long of(byte[] bytes, int from, int to) {
    long h = BYTES ^ (to - from);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      h = mix(h ^ (long) LONGS.get(bytes, i));
    }
    if (i < to) {
      long tail = 0;
      for (int k = to - 1; k >= i; k--) {
        tail = tail << 8 | (bytes[k] & 0xFF);
      }
      h = mix(h ^ tail);
    }
    return h;
  }
}
