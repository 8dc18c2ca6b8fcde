package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

/**
 * Checks from its bytes that an attribute's AnyValue is one the Jackson reader reads as it is
 * written, with nothing to say about it: for the attributes {@link HotAttributeReader} keeps
 * undecoded, which are decoded later with no line to warn on. Such a value is {@code {}} (no
 * value), or one field: a string; a boolean, bare or quoted; an integer that fits 64 bits, bare or
 * as quoted digits; a finite double, bare or quoted, or "NaN", "Infinity" or "-Infinity"; bytes in
 * padded base64; an array of such values, or a list of up to 32 key-values with such values, no
 * key twice. Anything else (a second field, text where a number belongs, ...) is FAIL, and the
 * line goes to the Jackson reader, which reads it and says what it made of it.
 */
final class UsualAnyValue {

  private static final BytePattern STRING_VALUE = new BytePattern("stringValue");
  private static final BytePattern BOOL_VALUE = new BytePattern("boolValue");
  private static final BytePattern INT_VALUE = new BytePattern("intValue");
  private static final BytePattern DOUBLE_VALUE = new BytePattern("doubleValue");
  private static final BytePattern ARRAY_VALUE = new BytePattern("arrayValue");
  private static final BytePattern KVLIST_VALUE = new BytePattern("kvlistValue");
  private static final BytePattern BYTES_VALUE = new BytePattern("bytesValue");
  private static final BytePattern VALUES = new BytePattern("values");
  private static final BytePattern KEY = new BytePattern("key");
  private static final BytePattern VALUE = new BytePattern("value");
  private static final BytePattern QUOTED_TRUE = new BytePattern("\"true\"");
  private static final BytePattern QUOTED_FALSE = new BytePattern("\"false\"");
  private static final BytePattern TRUE = new BytePattern("true");
  private static final BytePattern FALSE = new BytePattern("false");
  private static final BytePattern NAN = new BytePattern("\"NaN\"");
  private static final BytePattern INFINITY = new BytePattern("\"Infinity\"");
  private static final BytePattern MINUS_INFINITY = new BytePattern("\"-Infinity\"");
  /** Arrays in arrays deeper than this are the Jackson reader's. */
  private static final int MAX_DEPTH = 16;
  /** Longer, a number is the Jackson reader's (which refuses one of more than 64 characters). */
  private static final int MAX_NUMBER_LENGTH = 64;
  /** Quoted digits up to this many always fit a long. */
  private static final int SAFE_DIGITS = 18;
  /** Longer key-value lists are the Jackson reader's: each key is compared with those before it. */
  private static final int MAX_KEY_VALUES = 32;

  private UsualAnyValue() {}

  /** The position after the AnyValue object at {@code i}, or FAIL when it is not a usual one. */
  static int skip(byte[] b, int i, int end) {
    return value(b, i, end, 0);
  }

  private static int value(byte[] b, int i, int end, int depth) {
    if (i >= end || b[i] != '{' || depth > MAX_DEPTH) {
      return FAIL;
    }
    i = JsonBytes.skipWhitespace(b, i + 1, end);
    if (i < end && b[i] == '}') {
      return i + 1; // no value
    }
    int nameEnd = i < end && b[i] == '"' ? JsonBytes.plainStringEnd(b, i, end) : FAIL;
    int at = nameEnd == FAIL ? FAIL : JsonBytes.valueAfterName(b, nameEnd, end);
    if (at == FAIL) {
      return FAIL;
    }
    int name = i + 1;
    int after;
    if (STRING_VALUE.is(b, name, nameEnd)) {
      after = b[at] == '"' ? JsonBytes.skipString(b, at, end) : FAIL;
    } else if (INT_VALUE.is(b, name, nameEnd)) {
      after = integer(b, at, end);
    } else if (BOOL_VALUE.is(b, name, nameEnd)) {
      after = TRUE.at(b, at, end) ? JsonBytes.delimited(b, at + 4, end)
          : FALSE.at(b, at, end) ? JsonBytes.delimited(b, at + 5, end)
          : QUOTED_TRUE.at(b, at, end) ? at + 6 : QUOTED_FALSE.at(b, at, end) ? at + 7 : FAIL;
    } else if (DOUBLE_VALUE.is(b, name, nameEnd)) {
      after = finiteDouble(b, at, end);
    } else if (ARRAY_VALUE.is(b, name, nameEnd)) {
      after = array(b, at, end, depth);
    } else if (KVLIST_VALUE.is(b, name, nameEnd)) {
      after = keyValues(b, at, end, depth);
    } else if (BYTES_VALUE.is(b, name, nameEnd)) {
      after = base64(b, at, end);
    } else {
      return FAIL;
    }
    return closed(b, after, end);
  }

  /** After a value at {@code after}: the position after the closing brace of its object, or FAIL. */
  private static int closed(byte[] b, int after, int end) {
    if (after == FAIL) {
      return FAIL;
    }
    after = JsonBytes.skipWhitespace(b, after, end);
    return after < end && b[after] == '}' ? after + 1 : FAIL;
  }

  /** A bare integer that fits 64 bits ({@link JsonNumbers#skipNumber} fails a wider one), or up to 18 quoted digits, signed. */
  private static int integer(byte[] b, int i, int end) {
    if (b[i] != '"') {
      int after = JsonNumbers.skipNumber(b, i, end);
      for (int k = i; k < after; k++) {
        if (b[k] == '.' || b[k] == 'e' || b[k] == 'E') {
          return FAIL;
        }
      }
      return after;
    }
    int first = i + 1 < end && (b[i + 1] == '-' || b[i + 1] == '+') ? i + 2 : i + 1;
    int k = first;
    while (k < end && k - first <= SAFE_DIGITS && b[k] >= '0' && b[k] <= '9') {
      k++;
    }
    return k > first && k - first <= SAFE_DIGITS && k < end && b[k] == '"' ? k + 1 : FAIL;
  }

  /**
   * A number whose exponent has at most two digits (at most 64 characters, so finite as a double),
   * bare or quoted, or the names JSON gives the doubles it has no number for.
   */
  private static int finiteDouble(byte[] b, int i, int end) {
    if (b[i] != '"') {
      return finite(b, i, JsonNumbers.skipNumber(b, i, end));
    }
    if (NAN.at(b, i, end) || INFINITY.at(b, i, end) || MINUS_INFINITY.at(b, i, end)) {
      return JsonBytes.skipString(b, i, end);
    }
    int close = i + 1;
    while (close < end && b[close] != '"' && close - i <= MAX_NUMBER_LENGTH) {
      close++;
    }
    if (close >= end || b[close] != '"') {
      return FAIL;
    }
    // The quotes' content must be a JSON number, which ends where they close.
    return finite(b, i + 1, JsonNumbers.skipNumber(b, i + 1, close)) == close ? close + 1 : FAIL;
  }

  /** {@code after}, the end of a number from {@code start}, when its exponent has at most two digits; else FAIL. */
  private static int finite(byte[] b, int start, int after) {
    for (int k = start; k < after; k++) {
      if (b[k] == 'e' || b[k] == 'E') {
        int digits = after - k - 1 - (b[k + 1] == '+' || b[k + 1] == '-' ? 1 : 0);
        return digits <= 2 ? after : FAIL;
      }
    }
    return after;
  }

  /** A string of base64 with its padding, the alphabet only: what every base64 decoder reads alike. */
  private static int base64(byte[] b, int i, int end) {
    if (b[i] != '"') {
      return FAIL;
    }
    int k = i + 1;
    while (k < end && (b[k] >= 'A' && b[k] <= 'Z' || b[k] >= 'a' && b[k] <= 'z' || b[k] >= '0' && b[k] <= '9'
        || b[k] == '+' || b[k] == '/')) {
      k++;
    }
    int padding = 0;
    while (k < end && b[k] == '=' && padding < 2) {
      k++;
      padding++;
    }
    return k < end && b[k] == '"' && (k - i - 1) % 4 == 0 ? k + 1 : FAIL;
  }

  /** {@code {}} or {@code {"values":[{"key":"k","value":{...}},...]}} of usual values, no key twice. */
  private static int keyValues(byte[] b, int i, int end, int depth) {
    int at = valuesArray(b, i, end);
    if (at == FAIL || b[at] == '}') {
      return at == FAIL ? FAIL : at + 1;
    }
    int[] keys = new int[2 * MAX_KEY_VALUES];
    int count = 0;
    i = JsonBytes.skipWhitespace(b, at + 1, end);
    if (i < end && b[i] == ']') {
      return closed(b, i + 1, end);
    }
    while (true) {
      if (i >= end || b[i] != '{' || count == MAX_KEY_VALUES) {
        return FAIL;
      }
      int keyStart = -1;
      int keyEnd = -1;
      boolean sawValue = false;
      i = JsonBytes.skipWhitespace(b, i + 1, end);
      for (int member = 0; member < 2; member++) {
        int nameEnd = i < end && b[i] == '"' ? JsonBytes.plainStringEnd(b, i, end) : FAIL;
        int value = nameEnd == FAIL ? FAIL : JsonBytes.valueAfterName(b, nameEnd, end);
        if (value == FAIL) {
          return FAIL;
        }
        int after;
        if (KEY.is(b, i + 1, nameEnd) && keyStart < 0) {
          after = b[value] == '"' ? JsonBytes.plainStringEnd(b, value, end) : FAIL;
          keyStart = value + 1;
          keyEnd = after;
          after = after == FAIL ? FAIL : after + 1;
        } else if (VALUE.is(b, i + 1, nameEnd) && !sawValue) {
          sawValue = true;
          after = value(b, value, end, depth + 1);
        } else {
          return FAIL;
        }
        i = JsonBytes.afterMember(b, after, end, (byte) '}');
        if (i == FAIL || (member == 0) == (b[i - 1] == '}')) {
          return FAIL; // exactly a key and a value
        }
      }
      for (int k = 0; k < 2 * count; k += 2) {
        if (java.util.Arrays.equals(b, keys[k], keys[k + 1], b, keyStart, keyEnd)) {
          return FAIL; // a key twice: the Jackson reader says which value it kept
        }
      }
      keys[2 * count] = keyStart;
      keys[2 * count + 1] = keyEnd;
      count++;
      i = JsonBytes.afterMember(b, i, end, (byte) ']');
      if (i == FAIL) {
        return FAIL;
      }
      if (b[i - 1] == ']') {
        return closed(b, i, end);
      }
    }
  }

  /**
   * In the object at {@code i}, {@code {}} or the only member {@code "values"}, an array: the
   * position of the closing brace of {@code {}}, or of the array's opening bracket; or FAIL.
   */
  private static int valuesArray(byte[] b, int i, int end) {
    if (b[i] != '{') {
      return FAIL;
    }
    i = JsonBytes.skipWhitespace(b, i + 1, end);
    if (i < end && b[i] == '}') {
      return i;
    }
    int nameEnd = i < end && b[i] == '"' ? JsonBytes.plainStringEnd(b, i, end) : FAIL;
    int at = nameEnd == FAIL || !VALUES.is(b, i + 1, nameEnd) ? FAIL : JsonBytes.valueAfterName(b, nameEnd, end);
    return at != FAIL && b[at] == '[' ? at : FAIL;
  }

  /** {@code {}} or {@code {"values":[...]}} of usual values at {@code i}. */
  private static int array(byte[] b, int i, int end, int depth) {
    int at = valuesArray(b, i, end);
    if (at == FAIL || b[at] == '}') {
      return at == FAIL ? FAIL : at + 1;
    }
    i = JsonBytes.skipWhitespace(b, at + 1, end);
    if (i < end && b[i] == ']') {
      return closed(b, i + 1, end);
    }
    while (true) {
      i = JsonBytes.afterMember(b, value(b, i, end, depth + 1), end, (byte) ']');
      if (i == FAIL) {
        return FAIL;
      }
      if (b[i - 1] == ']') {
        return closed(b, i, end);
      }
    }
  }
}
