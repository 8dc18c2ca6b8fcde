package dev.cabtrace.replay.read;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * JSON read straight from UTF-8 bytes, for {@link OtlpLineScanner}: skipping a value checks it as
 * strictly as Jackson does (grammar, escapes, control characters, UTF-8), so what the scanner
 * accepts Jackson would accept too. Every method returns the position after what it read, or
 * {@link #FAIL} when the bytes are anything the scanner leaves to Jackson.
 */
final class JsonBytes {

  /** Not read here: the caller gives the line to Jackson. */
  static final int FAIL = -1;

  private static final int MAX_DEPTH = 100;

  // What a byte is inside a string: 0 plain ASCII, 1 quote, 2 backslash, 3 control, 4 not ASCII.
  private static final byte[] IN_STRING = new byte[256];
  /** Each byte's value as a hex digit, -1 for none. */
  static final byte[] HEX = new byte[256];
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  static {
    if (MAX_DEPTH >= 128) {
      throw new IllegalStateException("skipValue keeps the kinds of at most 128 open containers in two longs");
    }
    for (int c = 0; c < 0x20; c++) {
      IN_STRING[c] = 3;
    }
    IN_STRING['"'] = 1;
    IN_STRING['\\'] = 2;
    for (int c = 0x80; c < 0x100; c++) {
      IN_STRING[c] = 4;
    }
    java.util.Arrays.fill(HEX, (byte) -1);
    for (int c = '0'; c <= '9'; c++) {
      HEX[c] = (byte) (c - '0');
    }
    for (int c = 'a'; c <= 'f'; c++) {
      HEX[c] = (byte) (c - 'a' + 10);
      HEX[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
    }
  }

  private JsonBytes() {}

  static int skipWhitespace(byte[] b, int i, int end) {
    while (i < end) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return i;
      }
      i++;
    }
    return i;
  }

  /**
   * The end of the plain string whose opening quote is at {@code i}: the position of its closing
   * quote. A string with an escape, or with bytes that are not UTF-8, is {@link #FAIL}.
   */
  static int plainStringEnd(byte[] b, int i, int end) {
    return closingQuote(b, i, end, false);
  }

  /**
   * The end of the string whose opening quote is at {@code i}, escapes allowed: the position of its
   * closing quote; {@link #FAIL} for a bad escape or bytes that are not UTF-8.
   */
  static int escapedStringEnd(byte[] b, int i, int end) {
    return closingQuote(b, i, end, true);
  }

  /**
   * The text of the string between the quotes at {@code open} and {@code close}, which {@link
   * #escapedStringEnd} found well-formed: escapes decoded as a JSON parser decodes them, a lone
   * surrogate's included.
   */
  static String text(byte[] b, int open, int close) {
    StringBuilder out = null;
    int run = open + 1;
    int i = run;
    while (i < close) {
      if (b[i] != '\\') {
        i++; // a backslash is never part of a longer UTF-8 sequence
        continue;
      }
      if (out == null) {
        out = new StringBuilder(close - open);
      }
      out.append(new String(b, run, i - run, StandardCharsets.UTF_8));
      byte escaped = b[i + 1];
      if (escaped == 'u') {
        out.append((char) (HEX[b[i + 2] & 0xFF] << 12 | HEX[b[i + 3] & 0xFF] << 8 | HEX[b[i + 4] & 0xFF] << 4
            | HEX[b[i + 5] & 0xFF]));
        i += 6;
      } else {
        out.append(escaped == 'n' ? '\n' : escaped == 'r' ? '\r' : escaped == 't' ? '\t'
            : escaped == 'b' ? '\b' : escaped == 'f' ? '\f' : (char) escaped);
        i += 2;
      }
      run = i;
    }
    if (out == null) {
      return new String(b, open + 1, close - open - 1, StandardCharsets.UTF_8);
    }
    return out.append(new String(b, run, close - run, StandardCharsets.UTF_8)).toString();
  }

  /** Skips a string, escapes allowed, whose opening quote is at {@code i}. */
  static int skipString(byte[] b, int i, int end) {
    int close = closingQuote(b, i, end, true);
    return close == FAIL ? FAIL : close + 1;
  }

  private static int closingQuote(byte[] b, int i, int end, boolean escapes) {
    i = plainRun(b, i + 1, end);
    while (i < end) {
      int kind = IN_STRING[b[i] & 0xFF];
      if (kind == 0) {
        i = plainRun(b, i + 1, end);
      } else if (kind == 1) {
        return i;
      } else if (kind == 4) {
        i = utf8(b, i, end);
      } else if (kind == 2 && escapes) {
        i = escape(b, i, end);
      } else {
        return FAIL;
      }
      if (i == FAIL) {
        return FAIL;
      }
    }
    return FAIL;
  }

  /** One escape sequence at {@code i}, its backslash there. */
  private static int escape(byte[] b, int i, int end) {
    if (i + 1 >= end) {
      return FAIL;
    }
    byte escaped = b[i + 1];
    if (escaped == 'u') {
      if (i + 6 > end || HEX[b[i + 2] & 0xFF] < 0 || HEX[b[i + 3] & 0xFF] < 0
          || HEX[b[i + 4] & 0xFF] < 0 || HEX[b[i + 5] & 0xFF] < 0) {
        return FAIL;
      }
      return i + 6;
    }
    return escaped == '"' || escaped == '\\' || escaped == '/' || escaped == 'b' || escaped == 'f'
        || escaped == 'n' || escaped == 'r' || escaped == 't' ? i + 2 : FAIL;
  }

  /**
   * The first position from {@code i} holding a quote, a backslash, a control character or a
   * byte that is not ASCII, eight bytes at a time; or where eight bytes no longer fit.
   */
  private static int plainRun(byte[] b, int i, int end) {
    while (i + 8 <= end) {
      long w = (long) LONGS.get(b, i);
      long quote = zeroBytes(w ^ 0x2222222222222222L);
      long backslash = zeroBytes(w ^ 0x5C5C5C5C5C5C5C5CL);
      long control = (w - 0x2020202020202020L) & ~w & 0x8080808080808080L;
      long special = quote | backslash | control | (w & 0x8080808080808080L);
      if (special != 0) {
        // The lowest flag is a real one: false flags only ever sit above a real one.
        return i + (Long.numberOfTrailingZeros(special) >>> 3);
      }
      i += 8;
    }
    return i;
  }

  private static long zeroBytes(long x) {
    return (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
  }

  /** One well-formed UTF-8 sequence of two to four bytes at {@code i} (no overlongs, no surrogates). */
  private static int utf8(byte[] b, int i, int end) {
    int lead = b[i] & 0xFF;
    int length;
    int min;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      min = 0x10000;
    } else {
      return FAIL;
    }
    if (i + length > end) {
      return FAIL;
    }
    int code = lead & (0x7F >> length);
    for (int k = 1; k < length; k++) {
      int next = b[i + k] & 0xFF;
      if ((next & 0xC0) != 0x80) {
        return FAIL;
      }
      code = (code << 6) | (next & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return FAIL;
    }
    return i + length;
  }

  /**
   * As {@link #skipValue}, an empty list or object, which a span writes two or three of (its
   * links, its events), skipped without the loop: its compilation then sees the values it is for.
   */
  static int skipEmptyOrValue(byte[] b, int i, int end) {
    if (i + 1 < end && ((b[i] == '[' && b[i + 1] == ']') || (b[i] == '{' && b[i + 1] == '}'))) {
      return i + 2;
    }
    return skipValue(b, i, end);
  }

  /**
   * Skips any JSON value at {@code i} (whitespace before it already skipped). A loop with the open
   * containers' kinds as bits, not a recursion: one small method, quick for the JIT to compile.
   */
  static int skipValue(byte[] b, int i, int end) {
    int depth = 0; // containers open around the value at i
    long objects = 0; // bit d: container d is an object (else an array), d < 64
    long deepObjects = 0; // the same for d from 64 to MAX_DEPTH
    while (true) {
      // A value at i.
      if (i >= end || depth > MAX_DEPTH) {
        return FAIL;
      }
      byte c = b[i];
      if (c == '{' || c == '[') {
        boolean object = c == '{';
        i = skipWhitespace(b, i + 1, end);
        if (i < end && b[i] == (object ? '}' : ']')) {
          i++; // empty: a value ended, as a scalar would
        } else {
          if (object) {
            if (depth < 64) {
              objects |= 1L << depth;
            } else {
              deepObjects |= 1L << (depth - 64);
            }
            i = skipName(b, i, end);
            if (i == FAIL) {
              return FAIL;
            }
          } else if (depth < 64) {
            objects &= ~(1L << depth);
          } else {
            deepObjects &= ~(1L << (depth - 64));
          }
          depth++;
          continue;
        }
      } else {
        i = c == '"' ? skipString(b, i, end)
            : c == 't' ? literal(b, i, end, "true")
            : c == 'f' ? literal(b, i, end, "false")
            : c == 'n' ? literal(b, i, end, "null")
            : JsonNumbers.skipNumber(b, i, end);
        if (i == FAIL) {
          return FAIL;
        }
      }
      // A value ended before i: close the containers it ends, or go on to the next member.
      while (true) {
        if (depth == 0) {
          return i;
        }
        int d = depth - 1;
        boolean object = ((d < 64 ? objects >>> d : deepObjects >>> (d - 64)) & 1) != 0;
        byte close = object ? (byte) '}' : (byte) ']';
        i = afterMember(b, i, end, close);
        if (i == FAIL) {
          return FAIL;
        }
        if (b[i - 1] != close) {
          if (object) {
            i = skipName(b, i, end);
            if (i == FAIL) {
              return FAIL;
            }
          }
          break;
        }
        depth--;
      }
    }
  }

  /** A member's name and colon at {@code i}: the start of its value. */
  private static int skipName(byte[] b, int i, int end) {
    if (i >= end || b[i] != '"') {
      return FAIL;
    }
    int close = closingQuote(b, i, end, true);
    return close == FAIL ? FAIL : valueAfterName(b, close, end);
  }

  /** The start of a member's value, after the closing quote of its name at {@code close} and a colon. */
  static int valueAfterName(byte[] b, int close, int end) {
    int i = skipWhitespace(b, close + 1, end);
    if (i >= end || b[i] != ':') {
      return FAIL;
    }
    i = skipWhitespace(b, i + 1, end);
    return i >= end ? FAIL : i;
  }

  private static int literal(byte[] b, int i, int end, String word) {
    int length = word.length();
    if (i + length > end) {
      return FAIL;
    }
    for (int k = 0; k < length; k++) {
      if (b[i + k] != word.charAt(k)) {
        return FAIL;
      }
    }
    return delimited(b, i + length, end);
  }

  /**
   * After a member or element at {@code i}: the position after the comma (and whitespace) that
   * continues the container, or after its closing bracket, which the caller sees at {@code i - 1}.
   */
  static int afterMember(byte[] b, int i, int end, byte close) {
    if (i == FAIL) {
      return FAIL;
    }
    i = skipWhitespace(b, i, end);
    if (i >= end) {
      return FAIL;
    }
    if (b[i] == close) {
      return i + 1;
    }
    if (b[i] != ',') {
      return FAIL;
    }
    i = skipWhitespace(b, i + 1, end);
    // A comma must be followed by another member: "[1,]" is not JSON.
    return i < end && b[i] != close ? i : FAIL;
  }

  /** A literal or number must be followed by whitespace, a comma, a closing bracket or the end. */
  static int delimited(byte[] b, int i, int end) {
    if (i == end) {
      return i;
    }
    byte c = b[i];
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t' ? i : FAIL;
  }

  /** Whether the bytes at {@code i} (before {@code end}) begin with {@code prefix}. */
  static boolean startsWith(byte[] b, int i, int end, byte[] prefix) {
    return i >= 0 && i + prefix.length <= end && equalsAscii(b, i, i + prefix.length, prefix);
  }

  /** Whether the bytes from {@code i} to {@code end} are {@code key}'s ASCII. */
  static boolean equalsAscii(byte[] b, int i, int end, byte[] key) {
    if (end - i != key.length) {
      return false;
    }
    int k = 0;
    for (; k + 8 <= key.length; k += 8) {
      if ((long) LONGS.get(b, i + k) != (long) LONGS.get(key, k)) {
        return false;
      }
    }
    for (; k < key.length; k++) {
      if (b[i + k] != key[k]) {
        return false;
      }
    }
    return true;
  }
}
