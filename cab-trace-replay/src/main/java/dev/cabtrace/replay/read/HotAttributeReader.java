package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import dev.cabtrace.replay.internal.CompactAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads an OTLP attribute list ({@code [{"key":...,"value":{...}},...]}) from its bytes, checking
 * it and decoding only the {@link LazyAttributes#HOT hot} keys' values, as the Jackson reader
 * would decode them. A hot value of another shape fails the read, and the line goes to Jackson.
 */
final class HotAttributeReader extends JsonWalker {

  private static final BytePattern KEY = new BytePattern("key");
  private static final BytePattern VALUE = new BytePattern("value");
  private static final byte[] STRING_VALUE = ascii("stringValue");
  private static final BytePattern INT_VALUE = new BytePattern("intValue");
  private static final BytePattern BOOL_VALUE = new BytePattern("boolValue");
  private static final BytePattern ARRAY_VALUE = new BytePattern("arrayValue");
  private static final BytePattern VALUES = new BytePattern("values");
  private static final String[] HOT_NAMES = LazyAttributes.HOT_KEYS;
  private static final byte[][] HOT_KEYS = new byte[HOT_NAMES.length][];

  static {
    for (int i = 0; i < HOT_NAMES.length; i++) {
      HOT_KEYS[i] = ascii(HOT_NAMES[i]);
    }
  }

  private final ByteStrings strings;
  private final List<Object> values = new ArrayList<>(4);
  private final int[] next = new int[1];
  // The hot values of the list being read, by their key's bit (hotBits says which are there).
  private final Object[] hot = new Object[HOT_NAMES.length];
  private final Member attributeMember = this::attributeMember;

  HotAttributeReader(ByteStrings strings) {
    this.strings = strings;
  }

  /** Reads the list whose opening bracket is at {@code i}; its hot attributes are then {@link #sharedFound()}. */
  int read(byte[] bytes, int end, int i) {
    this.b = bytes;
    this.end = end;
    hotBits = 0;
    try {
      return array(i, attributeElement);
    } finally {
      this.b = null;
    }
  }

  /**
   * Every attribute of the list whose opening bracket is at {@code i}, as the Jackson reader's
   * map, when each is a plain key with one simple value (a string, a non-negative integer, a
   * boolean, a list of strings); else null, and the caller asks Jackson. For resources: a sweep
   * reads one per file.
   */
  Map<String, Object> readAll(byte[] bytes, int end, int i) {
    this.b = bytes;
    this.end = end;
    allLength = 0;
    try {
      int after = array(i, allElement);
      return after == FAIL || JsonBytes.skipWhitespace(b, after, end) != end ? null
          : CompactAttributes.of(all, allLength);
    } finally {
      this.b = null;
      canonicalValue = null;
      if (all.length > KEPT_LENGTH) {
        all = new Object[KEPT_LENGTH]; // grown for one huge list: not kept
      } else {
        Arrays.fill(all, 0, allLength, null);
      }
    }
  }

  private static final int KEPT_LENGTH = 256;

  // The keys and values of the list being read, alternating; reused from list to list.
  private Object[] all = new Object[KEPT_LENGTH];
  private int allLength;
  private final Element allElement = this::allElement;
  private int keyStart;
  private int keyEnd;

  private int allElement(int i) {
    int fast = canonicalAttribute(i, true);
    if (fast != FAIL) {
      keep(strings.get(b, canonicalKeyStart, canonicalKeyClose), canonicalValue);
      return fast;
    }
    keyStart = -1;
    valueStart = -1;
    i = object(i, attributeMember);
    if (i == FAIL || keyStart < 0 || valueStart < 0) {
      return FAIL; // no key or no value: Jackson skips it; rare enough to leave to it
    }
    Object value = hotValue(valueStart, valueEnd);
    if (value == null) {
      return FAIL;
    }
    keep(strings.get(b, keyStart, keyEnd), value);
    return i;
  }

  private void keep(String key, Object value) {
    if (allLength == all.length) {
      all = Arrays.copyOf(all, 2 * all.length);
    }
    all[allLength++] = key;
    all[allLength++] = value;
  }


  /** Which hot keys the list read last had: bit i for {@code LazyAttributes.HOT_KEYS[i]}. */
  int foundBits() {
    return hotBits;
  }

  private int hotBits;
  private final RecentHotSets recent = new RecentHotSets();
  private final SharedValues shared = new SharedValues();

  /**
   * The values of the hot keys of the list read last, in the order of their bits ({@link
   * #foundBits()} says which keys), a later key replacing an earlier one: the same array for the
   * same set seen lately.
   */
  Object[] sharedFound() {
    return recent.shared(hot, hotBits);
  }

  /** The hot attributes of the list read last, as all of a span's attributes (a ledger's stream). */
  LazyAttributes onlyHot() {
    return recent.onlyHot(hot, hotBits);
  }

  private final Element attributeElement = this::attributeElement;

  private int attributeElement(int i) {
    int fast = canonicalAttribute(i, false);
    if (fast != FAIL) {
      return fast;
    }
    i = attribute(i);
    if (i != FAIL && hotIndex >= 0) {
      hot[hotIndex] = hotValue;
      hotBits |= 1 << hotIndex;
    }
    return i;
  }

  // The exact bytes the OpenTelemetry exporters and cab-trace write around an attribute.
  private static final BytePattern KEY_OPEN = new BytePattern("{\"key\":\"");
  private static final BytePattern VALUE_OPEN = new BytePattern("\",\"value\":{\"");
  private static final BytePattern STRING_OPEN = new BytePattern("stringValue\":\"");
  private static final BytePattern INT_OPEN = new BytePattern("intValue\":");
  private static final BytePattern BOOL_OPEN = new BytePattern("boolValue\":");
  private static final BytePattern ARRAY_OPEN = new BytePattern("arrayValue\":{\"");
  private static final BytePattern VALUES_OPEN = new BytePattern("values\":[");
  private static final BytePattern ITEM_OPEN = new BytePattern("{\"stringValue\":\"");

  /**
   * One attribute written exactly as the exporters write it, {@code
   * {"key":"K","value":{"stringValue":"V"}}} (or an intValue, a boolValue, an arrayValue of
   * strings), read by comparing whole words with what must be there instead of walking it member
   * by member; its hot value put, or with {@code every}, whatever its key, its key's bytes and its
   * value left in {@link #canonicalKeyStart}, {@link #canonicalKeyClose} and {@link
   * #canonicalValue}. Anything else is FAIL, having put nothing, and the walk reads it.
   */
  private int canonicalAttribute(int i, boolean every) {
    if (!KEY_OPEN.at(b, i, end)) {
      return FAIL;
    }
    int keyStart = i + KEY_OPEN.length();
    int keyClose = JsonBytes.plainStringEnd(b, keyStart - 1, end);
    if (keyClose == FAIL || !VALUE_OPEN.at(b, keyClose, end)) {
      return FAIL;
    }
    int type = keyClose + VALUE_OPEN.length();
    int hotKey = every ? -1 : hot(keyStart, keyClose);
    boolean keep = every || hotKey >= 0;
    Object value;
    int close;
    if (STRING_OPEN.at(b, type, end)) {
      int quote = type + STRING_OPEN.length() - 1;
      int valueClose = JsonBytes.plainStringEnd(b, quote, end);
      if (valueClose == FAIL) {
        return FAIL;
      }
      value = keep ? strings.get(b, quote + 1, valueClose) : null;
      close = valueClose + 1;
    } else if (INT_OPEN.at(b, type, end)) {
      long number = JsonBytes.smallUnsigned(b, type + INT_OPEN.length(), end, next);
      if (number < 0) {
        return FAIL;
      }
      value = keep ? SharedValues.count(number) : null;
      close = next[0];
    } else if (BOOL_OPEN.at(b, type, end)) {
      int at = type + BOOL_OPEN.length();
      if (TRUE.at(b, at, end)) {
        value = Boolean.TRUE;
        close = at + 4;
      } else if (FALSE.at(b, at, end)) {
        value = Boolean.FALSE;
        close = at + 5;
      } else {
        return FAIL;
      }
    } else if (ARRAY_OPEN.at(b, type, end) && VALUES_OPEN.at(b, type + ARRAY_OPEN.length(), end)) {
      close = canonicalStrings(type + ARRAY_OPEN.length() + VALUES_OPEN.length(), keep);
      if (close == FAIL) {
        return FAIL;
      }
      value = keep ? shared.list(values) : null;
    } else {
      return FAIL;
    }
    if (close + 2 > end || b[close] != '}' || b[close + 1] != '}') {
      return FAIL;
    }
    if (every) {
      canonicalKeyStart = keyStart;
      canonicalKeyClose = keyClose;
      canonicalValue = value;
    } else if (hotKey >= 0) {
      hot[hotKey] = value;
      hotBits |= 1 << hotKey;
    }
    return close + 2;
  }

  // What canonicalAttribute(i, true) read last: its key's bytes and its value.
  private int canonicalKeyStart;
  private int canonicalKeyClose;
  private Object canonicalValue;

  /**
   * The strings of an array value written as the exporters write it, into {@link #values} when
   * {@code keep}: from {@code i}, just inside its list ({@code [}), the elements ({@code
   * {"stringValue":"a"},{"stringValue":"b"}}) or none, the list's and the object's closing
   * brackets; the position after them, or FAIL. A model call's finish reasons are read so, where
   * the member-by-member walk made compilations of its own for one attribute a call.
   */
  private int canonicalStrings(int i, boolean keep) {
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

  private static final BytePattern TRUE = new BytePattern("true");
  private static final BytePattern FALSE = new BytePattern("false");

  // The result of attribute(): which hot key it held (-1 for none) and its value.
  private int hotIndex;
  private Object hotValue;
  private int valueStart;
  private int valueEnd;

  /** One {"key":...,"value":{...}}; a hot key's value decoded into hotIndex/hotValue. */
  private int attribute(int i) {
    hotIndex = -1;
    hotValue = null;
    keyStart = -1;
    valueStart = -1;
    valueEnd = -1;
    i = object(i, attributeMember);
    int hot = i == FAIL || keyStart < 0 ? -1 : hot(keyStart, keyEnd);
    if (hot < 0) {
      return i;
    }
    Object value = valueStart < 0 ? null : hotValue(valueStart, valueEnd);
    if (value == null) {
      return FAIL;
    }
    hotIndex = hot;
    hotValue = value;
    return i;
  }

  private int attributeMember(int name, int nameEnd, int value) {
    if (KEY.is(b, name, nameEnd)) {
      // A second "key" is Jackson's to judge.
      int close = keyStart == -1 && b[value] == '"' ? JsonBytes.plainStringEnd(b, value, end) : FAIL;
      if (close == FAIL) {
        return FAIL;
      }
      keyStart = value + 1;
      keyEnd = close;
      return close + 1;
    }
    if (VALUE.is(b, name, nameEnd)) {
      if (valueStart != -1 || b[value] != '{') {
        return FAIL;
      }
      valueStart = value;
      valueEnd = JsonBytes.skipValue(b, value, end);
      return valueEnd;
    }
    return JsonBytes.skipValue(b, value, end);
  }

  /** Which hot key the bytes are, or -1. */
  private int hot(int start, int close) {
    int length = close - start;
    if (length < 7 || (b[start] != 'c' && b[start] != 'g')) {
      return -1;
    }
    for (int k = 0; k < HOT_KEYS.length; k++) {
      if (HOT_KEYS[k].length == length && JsonBytes.equalsAscii(b, start, close, HOT_KEYS[k])) {
        return k;
      }
    }
    return -1;
  }

  /** A hot attribute's AnyValue with exactly one simple field, decoded as the Jackson reader does; else null. */
  private Object hotValue(int i, int valueEnd) {
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
      long number = JsonBytes.smallUnsigned(b, value, end, next);
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
