package dev.cabtrace.replay.read;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A short run of ASCII bytes (a member name, the bytes around an attribute) matched with two
 * word loads and no loop: the scanner compares such runs a hundred million times in a big trace,
 * and a loop per comparison also makes the compiled scanner larger and slower to compile.
 */
final class BytePattern {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[] bytes;
  private final int length;
  // The first and the last eight bytes (overlapping for 8 to 16 bytes); below 8, the bytes and a mask.
  private final long first;
  private final long last;
  private final long mask;

  BytePattern(String ascii) {
    this.bytes = ascii.getBytes(StandardCharsets.US_ASCII);
    this.length = bytes.length;
    if (length > 16 || length == 0) {
      throw new IllegalArgumentException("1 to 16 bytes: " + ascii);
    }
    byte[] padded = java.util.Arrays.copyOf(bytes, Math.max(8, length));
    this.first = (long) LONGS.get(padded, 0);
    this.last = length >= 8 ? (long) LONGS.get(bytes, length - 8) : 0;
    this.mask = length >= 8 ? -1L : (1L << (8 * length)) - 1;
  }

  int length() {
    return length;
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
}
