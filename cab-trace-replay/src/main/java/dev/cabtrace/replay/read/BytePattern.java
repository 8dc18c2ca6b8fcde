package dev.cabtrace.replay.read;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A short run of ASCII bytes (a member name, the bytes around an attribute) matched with two
 * word loads and no loop: the scanner compares such runs a hundred million times in a big trace,
 * and a loop per comparison also makes the compiled scanner larger and slower to compile. A
 * record because the JIT compiler trusts a record's final fields: for a pattern held in a static
 * final field, its length is a constant and only the branch of {@link #at} for that length is
 * compiled into the caller (each word load inlines a VarHandle's code).
 *
 * @param bytes the run
 * @param length its length, 1 to 16
 * @param first the first eight bytes, little-endian (below eight, the bytes, zero above)
 * @param last the last eight bytes (overlapping {@code first} for 8 to 16 bytes; 0 below eight)
 * @param mask the bits of a word that {@code first} covers
 */
record BytePattern(byte[] bytes, int length, long first, long last, long mask) {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  BytePattern(String ascii) {
    this(checked(ascii.getBytes(StandardCharsets.US_ASCII), ascii));
  }

  private BytePattern(byte[] bytes) {
    this(bytes, bytes.length, (long) LONGS.get(java.util.Arrays.copyOf(bytes, Math.max(8, bytes.length)), 0),
        bytes.length >= 8 ? (long) LONGS.get(bytes, bytes.length - 8) : 0,
        bytes.length >= 8 ? -1L : (1L << (8 * bytes.length)) - 1);
  }

  private static byte[] checked(byte[] bytes, String ascii) {
    if (bytes.length > 16 || bytes.length == 0) {
      throw new IllegalArgumentException("1 to 16 bytes: " + ascii);
    }
    return bytes;
  }

  /** Whether the bytes at {@code i} (none of them at or past {@code end}) begin with this run. */
  boolean at(byte[] b, int i, int end) {
    if (i < 0 || i + length > end) {
      return false;
    }
    if (length >= 8) {
      return (long) LONGS.get(b, i) == first && (long) LONGS.get(b, i + length - 8) == last;
    }
    if (i + 8 <= b.length) {
      return ((long) LONGS.get(b, i) & mask) == first;
    }
    for (int k = 0; k < length; k++) {
      if (b[i + k] != bytes[k]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the bytes from {@code i} to {@code end} are exactly this run. */
  boolean is(byte[] b, int i, int end) {
    return end - i == length && at(b, i, end);
  }

  /**
   * The bytes from {@code i} to {@code end} (at most eight of them) as a word for {@link
   * #is(long, byte[], int, int)}: loaded once, a member's name is matched against several patterns
   * with a compare each.
   */
  static long word(byte[] b, int i, int end) {
    int length = end - i;
    if (length <= 0) {
      return 0;
    }
    if (i + 8 <= b.length) {
      long word = (long) LONGS.get(b, i);
      return length >= 8 ? word : word & ((1L << (8 * length)) - 1);
    }
    long word = 0;
    for (int k = Math.min(length, 8) - 1; k >= 0; k--) {
      word = word << 8 | (b[i + k] & 0xFF);
    }
    return word;
  }

  /** Whether the bytes from {@code i} to {@code end}, whose {@link #word} is {@code word}, are exactly this run. */
  boolean is(long word, byte[] b, int i, int end) {
    return end - i == length && word == first && (length <= 8 || (long) LONGS.get(b, end - 8) == last);
  }
}
