package dev.cabtrace.sdk.persist;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable byte buffer that JSON is written into directly as UTF-8, and whose contents can be
 * written without a copy. Strings are escaped exactly as jackson-core's UTF-8 generator escapes
 * them, so that a line reads the same whichever wrote it: {@code \" \\ \b \t \f \n \r}, other
 * control characters as {@code \}{@code u00XX}, and every surrogate, paired or not, as {@code
 * \}{@code uXXXX}, upper-case hex. An unpaired surrogate is no UTF-8, but a JSON escape holds it,
 * so a reader gets the same Java string back (the official marshaler writes {@code ?}).
 */
final class LineBuffer {

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /**
   * For each ASCII character: 0 when written as it is, -1 for {@code \}{@code u00XX}, else the
   * character after the backslash.
   */
  private static final byte[] ESCAPES = new byte[128];

  /** "00" to "99", two bytes each: long values are written two digits at a time. */
  private static final byte[] DIGIT_PAIRS = new byte[200];

  private static final long[] POWERS_OF_TEN = new long[19];

  private static final byte[] LONG_MIN =
      Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = -1;
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\f'] = 'f';
    ESCAPES['\n'] = 'n';
    ESCAPES['\r'] = 'r';
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
    for (int i = 0; i < 100; i++) {
      DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
      DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
  }

  private byte[] buf;
  private int count;

  LineBuffer(int initialSize) {
    buf = new byte[initialSize];
  }

  /** The bytes of an ASCII string: the fixed JSON the encoders write. */
  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  void reset() {
    count = 0;
  }

  int size() {
    return count;
  }

  /** Cuts the contents back to their first {@code size} bytes, dropping what was written after. */
  void truncate(int size) {
    count = size;
  }

  ByteBuffer asByteBuffer() {
    return ByteBuffer.wrap(buf, 0, count);
  }

  String toString(Charset charset) {
    return new String(buf, 0, count, charset);
  }

  /** A copy of the bytes from {@code from} to the end. */
  byte[] copyFrom(int from) {
    return Arrays.copyOfRange(buf, from, count);
  }

  void write(int b) {
    if (count == buf.length) {
      grow(1);
    }
    buf[count++] = (byte) b;
  }

  /** Bytes already encoded: JSON punctuation, field names, a cached part of a line. */
  void write(byte[] bytes) {
    int length = bytes.length;
    if (count + length > buf.length) {
      grow(length);
    }
    System.arraycopy(bytes, 0, buf, count, length);
    count += length;
  }

  /** Characters known to be ASCII and to need no escape, such as hex ids, as they are. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, as wanted here
  void writeAscii(String ascii) {
    int length = ascii.length();
    if (count + length > buf.length) {
      grow(length);
    }
    // The low byte of each char, which for ASCII is the char: a copy, for a Latin-1 string.
    ascii.getBytes(0, length, buf, count);
    count += length;
  }

  /** {@code value} as a quoted, escaped JSON string. */
  void writeString(String value) {
    int length = value.length();
    if (count + length + 2 > buf.length) {
      grow(length + 2);
    }
    byte[] b = buf;
    int p = count;
    b[p++] = '"';
    int i = 0;
    // Most strings are plain ASCII: one byte per char, no escapes, room made above.
    for (; i < length; i++) {
      char c = value.charAt(i);
      if (c >= 128 || ESCAPES[c] != 0) {
        break;
      }
      b[p++] = (byte) c;
    }
    count = p;
    if (i < length) {
      writeEscaped(value, i, length);
      if (count == buf.length) {
        grow(1);
      }
    }
    buf[count++] = '"';
  }

  private void writeEscaped(String value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (count + 6 > buf.length) {
        grow(6 + (to - i));
      }
      byte[] b = buf;
      int p = count;
      char c = value.charAt(i);
      if (c < 128) {
        byte escape = ESCAPES[c];
        if (escape == 0) {
          b[p++] = (byte) c;
        } else if (escape > 0) {
          b[p++] = '\\';
          b[p++] = escape;
        } else {
          p = unicodeEscape(b, p, c);
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        // Each half escaped on its own: a pair as two escapes, a lone one as one, the room for
        // which the loop made.
        p = unicodeEscape(b, p, c);
      } else {
        b[p++] = (byte) (0xe0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      }
      count = p;
    }
  }

  private static int unicodeEscape(byte[] b, int p, char c) {
    b[p++] = '\\';
    b[p++] = 'u';
    b[p++] = HEX[(c >> 12) & 0xf];
    b[p++] = HEX[(c >> 8) & 0xf];
    b[p++] = HEX[(c >> 4) & 0xf];
    b[p++] = HEX[c & 0xf];
    return p;
  }

  /** {@code value} in decimal. */
  void writeLong(long value) {
    if (count + 20 > buf.length) {
      grow(20);
    }
    if (value < 0) {
      if (value == Long.MIN_VALUE) {
        write(LONG_MIN);
        return;
      }
      buf[count++] = '-';
      value = -value;
    }
    int end = count + digits(value);
    byte[] b = buf;
    int p = end;
    // Eight digits at a time with one long division, then two at a time in int arithmetic.
    while (value >= 100_000_000L) {
      long high = value / 100_000_000L;
      int eight = (int) (value - high * 100_000_000L);
      value = high;
      for (int k = 0; k < 4; k++) {
        int rest = eight / 100;
        int pair = (eight - rest * 100) * 2;
        eight = rest;
        b[--p] = DIGIT_PAIRS[pair + 1];
        b[--p] = DIGIT_PAIRS[pair];
      }
    }
    int small = (int) value;
    while (small >= 100) {
      int rest = small / 100;
      int pair = (small - rest * 100) * 2;
      small = rest;
      b[--p] = DIGIT_PAIRS[pair + 1];
      b[--p] = DIGIT_PAIRS[pair];
    }
    if (small >= 10) {
      b[--p] = DIGIT_PAIRS[small * 2 + 1];
      b[--p] = DIGIT_PAIRS[small * 2];
    } else {
      b[--p] = (byte) ('0' + small);
    }
    count = end;
  }

  /** {@code value} read as unsigned, in decimal. */
  void writeUnsignedLong(long value) {
    if (value >= 0) {
      writeLong(value);
    } else {
      writeAscii(Long.toUnsignedString(value));
    }
  }

  /** {@code value} as a JSON number, or as a string when it is not finite ("NaN"), as Jackson does. */
  void writeDouble(double value) {
    String text = Double.toString(value);
    if (Double.isFinite(value)) {
      writeAscii(text);
    } else {
      writeString(text);
    }
  }

  /** How many decimal digits {@code value} (not negative) has. */
  private static int digits(long value) {
    // Short counts and 19-digit timestamps are what is written most: start at the nearer end.
    if (value < 1_000_000_000L) {
      int digits = 1;
      while (digits < 9 && value >= POWERS_OF_TEN[digits]) {
        digits++;
      }
      return digits;
    }
    int digits = 19;
    while (value < POWERS_OF_TEN[digits - 1]) {
      digits--;
    }
    return digits;
  }

  private void grow(int needed) {
    long wanted = Math.max((long) buf.length * 2, (long) count + needed);
    if (wanted > Integer.MAX_VALUE - 8) {
      if ((long) count + needed > Integer.MAX_VALUE - 8) {
        throw new OutOfMemoryError("a capture line over 2 GiB");
      }
      wanted = Integer.MAX_VALUE - 8;
    }
    buf = Arrays.copyOf(buf, (int) wanted);
  }
}
