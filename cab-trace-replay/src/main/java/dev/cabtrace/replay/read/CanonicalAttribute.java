package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import java.util.ArrayList;
import java.util.List;

/**
 * One attribute written exactly as the OpenTelemetry exporters and cab-trace write it, {@code
 * {"key":"K","value":{"stringValue":"V"}}} (or an intValue, a boolValue, an arrayValue of
 * strings), read by comparing whole words with what must be there instead of walking it member by
 * member: its {@link #key} first, so that its reader can tell whether it wants the {@link #value}.
 * Anything else is FAIL, and the reader walks it.
 */
final class CanonicalAttribute {

  // The words of the layout, shared with PlainAttributeJson, which reads the same layout.
  static final BytePattern KEY_OPEN = new BytePattern("{\"key\":\"");
  static final BytePattern VALUE_OPEN = new BytePattern("\",\"value\":{\"");
  static final BytePattern STRING_OPEN = new BytePattern("stringValue\":\"");
  static final BytePattern INT_OPEN = new BytePattern("intValue\":");
  static final BytePattern BOOL_OPEN = new BytePattern("boolValue\":");
  static final BytePattern ARRAY_OPEN = new BytePattern("arrayValue\":{\"");
  static final BytePattern VALUES_OPEN = new BytePattern("values\":[");
  static final BytePattern ITEM_OPEN = new BytePattern("{\"stringValue\":\"");
  static final BytePattern TRUE = new BytePattern("true");
  static final BytePattern FALSE = new BytePattern("false");

  private final ByteStrings strings;
  private final SharedValues shared;
  private final List<Object> values = new ArrayList<>(4);
  private final int[] next = new int[1];

  // What key() and value() read last.
  private int keyStart;
  private int keyClose;
  private Object value;

  CanonicalAttribute(ByteStrings strings, SharedValues shared) {
    this.strings = strings;
    this.shared = shared;
  }

  /**
   * The key of the attribute at {@code i}, its bytes then from {@link #keyStart()} to {@link
   * #keyClose()}: the position of its value's type, for {@link #value}, or FAIL.
   */
  int key(byte[] b, int i, int end) {
    if (!KEY_OPEN.at(b, i, end)) {
      return FAIL;
    }
    int start = i + KEY_OPEN.length();
    int close = JsonBytes.plainStringEnd(b, start - 1, end);
    if (close == FAIL || !VALUE_OPEN.at(b, close, end)) {
      return FAIL;
    }
    keyStart = start;
    keyClose = close;
    return close + VALUE_OPEN.length();
  }

  int keyStart() {
    return keyStart;
  }

  int keyClose() {
    return keyClose;
  }

  /**
   * The value whose type is at {@code type} ({@link #key} says where), decoded as the Jackson
   * reader decodes it into {@link #value()} when {@code decode} (else checked only): the position
   * after the whole attribute, or FAIL.
   */
  int value(byte[] b, int type, int end, boolean decode) {
    value = null;
    Object decoded;
    int close;
    if (STRING_OPEN.at(b, type, end)) {
      int quote = type + STRING_OPEN.length() - 1;
      int valueClose = JsonBytes.plainStringEnd(b, quote, end);
      if (valueClose == FAIL) {
        return FAIL;
      }
      decoded = decode ? strings.get(b, quote + 1, valueClose) : null;
      close = valueClose + 1;
    } else if (INT_OPEN.at(b, type, end)) {
      long number = JsonNumbers.smallUnsigned(b, type + INT_OPEN.length(), end, next);
      if (number < 0) {
        return FAIL;
      }
      decoded = decode ? SharedValues.count(number) : null;
      close = next[0];
    } else if (BOOL_OPEN.at(b, type, end)) {
      int at = type + BOOL_OPEN.length();
      if (TRUE.at(b, at, end)) {
        decoded = Boolean.TRUE;
        close = at + 4;
      } else if (FALSE.at(b, at, end)) {
        decoded = Boolean.FALSE;
        close = at + 5;
      } else {
        return FAIL;
      }
    } else if (ARRAY_OPEN.at(b, type, end) && VALUES_OPEN.at(b, type + ARRAY_OPEN.length(), end)) {
      close = strings(b, type + ARRAY_OPEN.length() + VALUES_OPEN.length(), end, decode);
      if (close == FAIL) {
        return FAIL;
      }
      decoded = decode ? shared.list(values) : null;
    } else {
      return FAIL;
    }
    if (close + 2 > end || b[close] != '}' || b[close + 1] != '}') {
      return FAIL;
    }
    value = decoded;
    return close + 2;
  }

  /** What {@link #value} decoded last (null when it was not asked to); let go of by {@link #release}. */
  Object value() {
    return value;
  }

  void release() {
    value = null;
  }

  /**
   * The strings of an array value, into {@link #values} when {@code keep}: from {@code i}, just
   * inside its list ({@code [}), the elements ({@code {"stringValue":"a"},{"stringValue":"b"}}) or
   * none, the list's and the object's closing brackets; the position after them, or FAIL. A model
   * call's finish reasons are read so, where the member-by-member walk made compilations of its own
   * for one attribute a call.
   */
  private int strings(byte[] b, int i, int end, boolean keep) {
    values.clear();
    if (i < end && b[i] == ']') {
      i++;
    } else {
      while (true) {
        if (!ITEM_OPEN.at(b, i, end)) {
          return FAIL;
        }
        int quote = i + ITEM_OPEN.length() - 1;
        int close = JsonBytes.plainStringEnd(b, quote, end);
        if (close == FAIL || close + 2 >= end || b[close + 1] != '}') {
          return FAIL;
        }
        if (keep) {
          values.add(strings.get(b, quote + 1, close));
        }
        i = close + 3;
        if (b[close + 2] == ']') {
          break;
        }
        if (b[close + 2] != ',') {
          return FAIL;
        }
      }
    }
    return i < end && b[i] == '}' ? i + 1 : FAIL;
  }
}
