package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON numbers read straight from UTF-8 bytes, for {@link JsonBytes} and the span readers: skipped
 * as strictly as Jackson reads them, unsigned decimals and hex ids decoded without a string. An
 * integer beyond 64 bits is left to Jackson ({@link JsonBytes#FAIL}), which keeps it as text with a
 * warning.
 */
final class JsonNumbers {

  private static final int MAX_NUMBER_LENGTH = 64;

  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? followed by a delimiter. */
  static int skipNumber(byte[] b, int i, int end) {
    int start = i;
    if (i < end && b[i] == '-') {
      i++;
    }
    if (i >= end) {
      return FAIL;
    }
    if (b[i] == '0') {
      i++;
    } else if (b[i] >= '1' && b[i] <= '9') {
      i = someDigits(b, i, end);
    } else {
      return FAIL;
    }
    if (i < end && b[i] == '.') {
      i = someDigits(b, i + 1, end);
    }
    if (i != FAIL && i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      i = someDigits(b, i, end);
    }
    if (i == FAIL) {
      return FAIL;
    }
    if (i - start > MAX_NUMBER_LENGTH) {
      return FAIL;
    }
    if (i - start >= LONG_DIGITS && !fitsLong(b, start, i)) {
      // An integer beyond 64 bits is the Jackson reader's to judge: it keeps it as text, with a
      // warning naming its line, where decoded later it would have no line to name.
      return FAIL;
    }
    return JsonBytes.delimited(b, i, end);
  }

  private static final int LONG_DIGITS = 19;
  private static final byte[] MAX_LONG = "9223372036854775807".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MIN_LONG_DIGITS = "9223372036854775808".getBytes(StandardCharsets.US_ASCII);

  /** Whether the number from {@code start} to {@code after} is a fraction or an integer a long holds. */
  private static boolean fitsLong(byte[] b, int start, int after) {
    for (int k = start; k < after; k++) {
      if (b[k] == '.' || b[k] == 'e' || b[k] == 'E') {
        return true;
      }
    }
    boolean negative = b[start] == '-';
    int first = negative ? start + 1 : start;
    int digits = after - first;
    if (digits != LONG_DIGITS) {
      return digits < LONG_DIGITS;
    }
    return Arrays.compare(b, first, after, negative ? MIN_LONG_DIGITS : MAX_LONG, 0, LONG_DIGITS) <= 0;
  }

  /** One or more digits at {@code i}: the position after them. */
  private static int someDigits(byte[] b, int i, int end) {
    int first = i;
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i == first ? FAIL : i;
  }

  /**
   * An unsigned decimal that fits a long, bare or quoted, at {@code i}: the value, with the
   * position after it in {@code next[0]}; -1 for anything else (a sign, a fraction, a leading zero,
   * a larger number).
   */
  static long smallUnsigned(byte[] b, int i, int end, int[] next) {
    boolean quoted = i < end && b[i] == '"';
    int p = quoted ? i + 1 : i;
    int first = p;
    long value = 0;
    // Eighteen digits cannot overflow a long: only a nineteenth needs checking.
    int unchecked = Math.min(end, first + 18);
    while (p < unchecked && b[p] >= '0' && b[p] <= '9') {
      value = value * 10 + (b[p] - '0');
      p++;
    }
    while (p < end && b[p] >= '0' && b[p] <= '9') {
      int digit = b[p] - '0';
      if (value > (Long.MAX_VALUE - digit) / 10) {
        return -1;
      }
      value = value * 10 + digit;
      p++;
    }
    int digits = p - first;
    if (digits == 0 || (digits > 1 && b[first] == '0')) {
      return -1;
    }
    if (quoted) {
      if (p >= end || b[p] != '"') {
        return -1;
      }
      p++;
    } else if (JsonBytes.delimited(b, p, end) == FAIL) {
      return -1;
    }
    next[0] = p;
    return value;
  }

  /** {@code digits} hex digits at {@code i} as a number (16 at most). -1 in {@code ok[0]} if not hex. */
  static long hex(byte[] b, int i, int digits, boolean[] ok) {
    long value = 0;
    for (int k = 0; k < digits; k++) {
      int v = JsonBytes.HEX[b[i + k] & 0xFF];
      if (v < 0) {
        ok[0] = false;
        return 0;
      }
      value = (value << 4) | v;
    }
    return value;
  }

  private JsonNumbers() {}
}
