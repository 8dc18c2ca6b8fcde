package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import java.util.ArrayList;
import java.util.List;

/**
 * An attribute's AnyValue object with exactly one simple field (a plain string, a non-negative
 * integer, a boolean, a list of plain strings), walked member by member from its bytes and decoded
 * as the Jackson reader decodes it: for the attributes not written in the exporters' exact layout
 * ({@link CanonicalAttribute}). Anything else is null, and the caller asks Jackson.
 */
final class SimpleValueReader extends JsonWalker {

  private static final byte[] STRING_VALUE = ascii("stringValue");
  private static final BytePattern INT_VALUE = new BytePattern("intValue");
  private static final BytePattern BOOL_VALUE = new BytePattern("boolValue");
  private static final BytePattern ARRAY_VALUE = new BytePattern("arrayValue");
  private static final BytePattern VALUES = new BytePattern("values");

  private final ByteStrings strings;
  private final SharedValues shared;
  private final List<Object> values = new ArrayList<>(4);
  private final int[] next = new int[1];

  SimpleValueReader(ByteStrings strings, SharedValues shared) {
    this.strings = strings;
    this.shared = shared;
  }

  /**
   * The value whose object opens at {@code i} and ends before {@code valueEnd}, in bytes that end
   * at {@code end}; null when it is not one simple field.
   */
  Object read(byte[] bytes, int i, int valueEnd, int end) {
    this.b = bytes;
    this.end = end;
    try {
      return value(i, valueEnd);
    } finally {
      this.b = null;
    }
  }

  private Object value(int i, int valueEnd) {
    i = JsonBytes.skipWhitespace(b, i + 1, valueEnd);
    int keyEnd = key(i);
    if (keyEnd == FAIL) {
      return null;
    }
    int value = valueAfter(keyEnd);
    if (value == FAIL) {
      return null;
    }
    Object decoded;
    int after;
    if (JsonBytes.equalsAscii(b, i + 1, keyEnd, STRING_VALUE)) {
      if (b[value] != '"') {
        return null;
      }
      int close = JsonBytes.plainStringEnd(b, value, end);
      if (close == FAIL) {
        return null;
      }
      decoded = strings.get(b, value + 1, close);
      after = close + 1;
    } else if (INT_VALUE.is(b, i + 1, keyEnd)) {
      long number = JsonNumbers.smallUnsigned(b, value, end, next);
      if (number < 0) {
        return null;
      }
      decoded = SharedValues.count(number);
      after = next[0];
    } else if (ARRAY_VALUE.is(b, i + 1, keyEnd)) {
      List<Object> list = stringArray(value);
      if (list == null) {
        return null;
      }
      decoded = list;
      after = next[0];
    } else if (BOOL_VALUE.is(b, i + 1, keyEnd)) {
      if (b[value] == 't') {
        decoded = Boolean.TRUE;
        after = value + 4;
      } else if (b[value] == 'f') {
        decoded = Boolean.FALSE;
        after = value + 5;
      } else {
        return null;
      }
    } else {
      return null;
    }
    // Exactly one field: the value's object closes right after it.
    after = JsonBytes.skipWhitespace(b, after, valueEnd);
    return after == valueEnd - 1 && b[after] == '}' ? decoded : null;
  }

  /**
   * {"values":[{"stringValue":"..."},...]} at {@code i}, as the Jackson reader's list; the
   * position after it in {@code next[0]}. Null for anything else.
   */
  private List<Object> stringArray(int i) {
    if (b[i] != '{') {
      return null;
    }
    int close = JsonBytes.skipValue(b, i, end);
    i = JsonBytes.skipWhitespace(b, i + 1, close);
    int keyEnd = key(i);
    if (keyEnd == FAIL || !VALUES.is(b, i + 1, keyEnd)) {
      return null;
    }
    i = valueAfter(keyEnd);
    if (i == FAIL || b[i] != '[') {
      return null;
    }
    List<Object> values = this.values;
    values.clear();
    i = JsonBytes.skipWhitespace(b, i + 1, close);
    while (b[i] != ']') {
      if (b[i] != '{') {
        return null;
      }
      int itemKey = key(JsonBytes.skipWhitespace(b, i + 1, close));
      if (itemKey == FAIL || !JsonBytes.equalsAscii(b, JsonBytes.skipWhitespace(b, i + 1, close) + 1, itemKey, STRING_VALUE)) {
        return null;
      }
      int text = valueAfter(itemKey);
      if (text == FAIL || b[text] != '"') {
        return null;
      }
      int textEnd = JsonBytes.plainStringEnd(b, text, end);
      if (textEnd == FAIL) {
        return null;
      }
      values.add(strings.get(b, text + 1, textEnd));
      i = JsonBytes.skipWhitespace(b, textEnd + 1, close);
      if (b[i] != '}') {
        return null;
      }
      i = JsonBytes.skipWhitespace(b, i + 1, close);
      if (b[i] == ',') {
        i = JsonBytes.skipWhitespace(b, i + 1, close);
        if (b[i] == ']') {
          return null;
        }
      }
    }
    i = JsonBytes.skipWhitespace(b, i + 1, close);
    if (i != close - 1 || b[i] != '}') {
      return null;
    }
    next[0] = close;
    return shared.list(values);
  }
}
