package dev.cabtrace.replay.read;

import java.util.List;
import java.util.Map;

/**
 * Hashes of what the traced program wrote (the bytes of its resources, their attribute values),
 * seeded per process and mixed in all their bits: a program that could predict them could make
 * thousands of distinct keys share one hash, and every lookup among them compare them all. Java's
 * own hashes are predictable ({@code "Aa"} and {@code "BB"} collide, and so does every string made
 * of such pairs).
 */
final class SeededHash {

  static final long SEED = java.util.concurrent.ThreadLocalRandom.current().nextLong();

  private SeededHash() {}

  /** MurmurHash3's 64-bit finalizer: every bit of {@code h} into every bit of the result. */
  static long mix(long h) {
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }

  /** A hash of an attribute value (or map of them) that equal values share, whatever their order in a map. */
  static long of(Object value) {
    if (value instanceof String) {
      String text = (String) value;
      int length = text.length();
      long h = SEED ^ length;
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
      long h = SEED ^ 0x4D4150L;
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        h += mix(of(entry.getKey()) * 31 + of(entry.getValue())); // a sum: a map's order is not its identity
      }
      return h;
    }
    if (value instanceof List<?>) {
      long h = SEED ^ 0x4C495354L;
      for (Object element : (List<?>) value) {
        h = mix(h ^ of(element));
      }
      return h;
    }
    if (value instanceof Long) {
      return mix(SEED ^ (Long) value); // Long.hashCode folds its halves: x << 32 | x is 0 for every x
    }
    if (value instanceof Double) {
      return mix(SEED ^ Long.rotateLeft(Double.doubleToLongBits((Double) value), 1));
    }
    return mix(SEED ^ (value == null ? 0 : value.hashCode()));
  }
}
