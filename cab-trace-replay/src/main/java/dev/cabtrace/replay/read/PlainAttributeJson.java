package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.CanonicalAttribute.ARRAY_OPEN;
import static dev.cabtrace.replay.read.CanonicalAttribute.BOOL_OPEN;
import static dev.cabtrace.replay.read.CanonicalAttribute.FALSE;
import static dev.cabtrace.replay.read.CanonicalAttribute.INT_OPEN;
import static dev.cabtrace.replay.read.CanonicalAttribute.ITEM_OPEN;
import static dev.cabtrace.replay.read.CanonicalAttribute.KEY_OPEN;
import static dev.cabtrace.replay.read.CanonicalAttribute.STRING_OPEN;
import static dev.cabtrace.replay.read.CanonicalAttribute.TRUE;
import static dev.cabtrace.replay.read.CanonicalAttribute.VALUES_OPEN;
import static dev.cabtrace.replay.read.CanonicalAttribute.VALUE_OPEN;
import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import dev.cabtrace.replay.internal.Utf8Line;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A span's attributes written from their OTLP JSON bytes, in the exporters' layout, as one compact
 * JSON object ({@code {"key":"text","count":12,"flag":true,"list":["a","b"]}}) with no map or
 * string made: {@code show} prints a million of them. Only plain lists are written: every key and
 * string printable ASCII with no quote or backslash (text a terminal shows as it is, and JSON
 * writes as it is), numbers non-negative integers, no key twice; the text is then exactly what the
 * decoded map prints. Anything else fails, and the caller prints the map.
 */
final class PlainAttributeJson {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private enum Type { STRING, INT, BOOL, LIST }

  private final int[] next = new int[1];
  // The keys written so far, as start and end positions, to find one written twice.
  private final int[] keys = new int[2 * MAX_KEYS];
  private int keyCount;
  // What value() read last: its type, its text (quotes included) from valueStart to valueEnd, and
  // for an integer its value.
  private Type type;
  private int valueStart;
  private int valueEnd;
  private long number;
  // The text written so far, counted whole, though at most `limit` of it is kept.
  private Utf8Line out;
  private int limit;
  private int kept;
  private int total;

  /**
   * Writes the list {@code b[from, to)} as one object into {@code out}, without the attribute
   * named {@code leftOut} (none when null), keeping at most {@code limit} bytes of it: the length of the whole
   * object; or FAIL (with part of it in {@code out}) when it is not plain, or when its hot
   * attributes ({@code hot}, {@code hotBits}, as {@link LazyAttributes} keeps them) are not the
   * values read the first time.
   */
  int write(byte[] b, int from, int to, byte[] leftOut, Object[] hot, int hotBits, Utf8Line out, int limit) {
    this.out = out;
    this.limit = limit;
    kept = 0;
    total = 0;
    keyCount = 0;
    try {
      return list(b, from, to, leftOut, hot, hotBits);
    } finally {
      this.out = null;
    }
  }

  private int list(byte[] b, int from, int to, byte[] leftOut, Object[] hot, int hotBits) {
    if (to - from < 2 || b[from] != '[' || b[to - 1] != ']') {
      return FAIL;
    }
    int checked = 0;
    emit('{');
    int i = from + 1;
    if (b[i] != ']') {
      while (true) {
        if (!KEY_OPEN.at(b, i, to)) {
          return FAIL;
        }
        int keyStart = i + KEY_OPEN.length();
        int keyEnd = plainEnd(b, keyStart, to);
        if (keyEnd == FAIL || !VALUE_OPEN.at(b, keyEnd, to) || seen(b, keyStart, keyEnd)) {
          return FAIL;
        }
        i = value(b, keyEnd + VALUE_OPEN.length(), to);
        if (i == FAIL) {
          return FAIL;
        }
        // Only while a hot value is still to be checked: most lists have one, their first.
        int bit = checked == hotBits ? -1 : HotAttributeReader.hotKey(b, keyStart, keyEnd);
        if (bit >= 0 && (hotBits & (1 << bit)) != 0) {
          if (!sameValue(b, hot[Integer.bitCount(hotBits & ((1 << bit) - 1))])) {
            return FAIL;
          }
          checked |= 1 << bit;
        }
        if (leftOut == null || !JsonBytes.equalsAscii(b, keyStart, keyEnd, leftOut)) {
          if (total > 1) {
            emit(',');
          }
          emit('"');
          emit(b, keyStart, keyEnd);
          emit('"');
          emit(':');
          emit(b, valueStart, valueEnd);
        }
        if (i >= to || (b[i] != ',' && b[i] != ']')) {
          return FAIL;
        }
        if (b[i++] == ']') {
          break;
        }
      }
    } else {
      i++;
    }
    emit('}');
    return i == to && checked == hotBits ? total : FAIL;
  }

  /**
   * The value whose type is at {@code i}, read into {@link #type} and the text it is written as:
   * the position after the attribute, or FAIL.
   */
  private int value(byte[] b, int i, int end) {
    int close;
    if (STRING_OPEN.at(b, i, end)) {
      type = Type.STRING;
      valueStart = i + STRING_OPEN.length() - 1;
      close = plainEnd(b, valueStart + 1, end);
      if (close == FAIL) {
        return FAIL;
      }
      valueEnd = ++close;
    } else if (INT_OPEN.at(b, i, end)) {
      type = Type.INT;
      int at = i + INT_OPEN.length();
      number = JsonNumbers.smallUnsigned(b, at, end, next);
      if (number < 0) {
        return FAIL;
      }
      close = next[0];
      // The digits, without the quotes an exporter writes a 64-bit integer in.
      valueStart = b[at] == '"' ? at + 1 : at;
      valueEnd = b[at] == '"' ? close - 1 : close;
    } else if (BOOL_OPEN.at(b, i, end)) {
      type = Type.BOOL;
      valueStart = i + BOOL_OPEN.length();
      if (TRUE.at(b, valueStart, end)) {
        close = valueStart + 4;
      } else if (FALSE.at(b, valueStart, end)) {
        close = valueStart + 5;
      } else {
        return FAIL;
      }
      valueEnd = close;
    } else if (ARRAY_OPEN.at(b, i, end) && VALUES_OPEN.at(b, i + ARRAY_OPEN.length(), end)) {
      type = Type.LIST;
      close = strings(b, i + ARRAY_OPEN.length() + VALUES_OPEN.length() - 1, end);
      if (close == FAIL) {
        return FAIL;
      }
    } else {
      return FAIL;
    }
    return close + 2 <= end && b[close] == '}' && b[close + 1] == '}' ? close + 2 : FAIL;
  }

  /**
   * The strings of a list value from its opening bracket at {@code i}: its elements, each {@code
   * {"stringValue":"a"}}, are written {@code ["a","b"]} where the list's own bytes were, so the
   * list's text is its brackets with the wrapping objects left out; the position after the closing
   * bracket of the value object, or FAIL.
   */
  private int strings(byte[] b, int i, int end) {
    valueStart = i;
    if (i + 1 < end && b[i + 1] == ']') {
      valueEnd = -2; // "[]"
      return i + 2 < end && b[i + 2] == '}' ? i + 3 : FAIL;
    }
    valueEnd = -1; // the items are written one by one: see emit(b, from, to)
    i++;
    while (true) {
      if (!ITEM_OPEN.at(b, i, end)) {
        return FAIL;
      }
      int close = plainEnd(b, i + ITEM_OPEN.length(), end);
      if (close == FAIL || close + 2 >= end || b[close + 1] != '}') {
        return FAIL;
      }
      i = close + 3;
      if (b[close + 2] == ']') {
        break;
      }
      if (b[close + 2] != ',') {
        return FAIL;
      }
    }
    return i < end && b[i] == '}' ? i + 1 : FAIL;
  }

  /**
   * The position of the quote that ends the printable ASCII text from {@code i}, or FAIL at any
   * other byte (a backslash, a control character, DEL, anything not ASCII); eight bytes at a time.
   */
  private static int plainEnd(byte[] b, int i, int end) {
    while (i + 8 <= end) {
      long w = (long) LONGS.get(b, i);
      long quote = zeroBytes(w ^ 0x2222222222222222L);
      long other = zeroBytes(w ^ 0x5C5C5C5C5C5C5C5CL) | zeroBytes(w ^ 0x7F7F7F7F7F7F7F7FL)
          | ((w - 0x2020202020202020L) & ~w) | w;
      long special = quote | (other & 0x8080808080808080L);
      if (special != 0) {
        // The lowest flag is a real one: false flags only ever sit above a real one.
        int at = i + (Long.numberOfTrailingZeros(special) >>> 3);
        return b[at] == '"' ? at : FAIL;
      }
      i += 8;
    }
    for (; i < end; i++) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      if (c < 0x20 || c == 0x7f || c == '\\') { // bytes above 0x7f are negative
        return FAIL;
      }
    }
    return FAIL;
  }

  private static long zeroBytes(long x) {
    return (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
  }

  /** Lists longer than this are left to the map: the check for a key written twice is quadratic. */
  private static final int MAX_KEYS = 64;

  /** Whether the key {@code b[start, end)} was written already, or the list is too long to tell; notes it if not. */
  private boolean seen(byte[] b, int start, int end) {
    if (keyCount == 2 * MAX_KEYS) {
      return true;
    }
    int length = end - start;
    for (int k = 0; k < keyCount; k += 2) {
      if (keys[k + 1] - keys[k] == length && java.util.Arrays.equals(b, keys[k], keys[k + 1], b, start, end)) {
        return true;
      }
    }
    keys[keyCount++] = start;
    keys[keyCount++] = end;
    return false;
  }

  /** Whether the value read last is {@code expected}, the value decoded when the file was read. */
  private boolean sameValue(byte[] b, Object expected) {
    switch (type) {
      case STRING:
        return expected instanceof String && sameText(b, valueStart + 1, valueEnd - 1, (String) expected);
      case INT:
        return expected instanceof Long && (Long) expected == number;
      case BOOL:
        return expected instanceof Boolean && (Boolean) expected == (b[valueStart] == 't');
      default:
        if (!(expected instanceof List<?>)) {
          return false;
        }
        List<?> list = (List<?>) expected;
        if (valueEnd == -2) {
          return list.isEmpty();
        }
        int index = 0;
        for (int i = valueStart + 1; ; ) {
          int start = i + ITEM_OPEN.length();
          int close = plainEnd(b, start, b.length);
          if (index >= list.size() || !(list.get(index) instanceof String text) || !sameText(b, start, close, text)) {
            return false;
          }
          index++;
          if (b[close + 2] == ']') {
            return index == list.size();
          }
          i = close + 3;
        }
    }
  }

  private static boolean sameText(byte[] b, int start, int end, String text) {
    if (end - start != text.length()) {
      return false;
    }
    for (int k = 0; k < text.length(); k++) {
      if (b[start + k] != text.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private void emit(char c) {
    if (kept < limit) {
      out.ascii(c);
      kept++;
    }
    total++;
  }

  /** Writes the text of {@code b[from, to)}; for a list value (to < 0), its items without their objects. */
  private void emit(byte[] b, int from, int to) {
    if (to >= 0) {
      int n = to - from;
      if (kept < limit) {
        int k = Math.min(n, limit - kept);
        out.ascii(b, from, from + k);
        kept += k;
      }
      total += n;
      return;
    }
    emit('[');
    if (to == -1) {
      for (int i = from + 1; ; ) {
        int start = i + ITEM_OPEN.length() - 1;
        int close = plainEnd(b, start + 1, b.length);
        emit(b, start, close + 1);
        if (b[close + 2] == ']') {
          break;
        }
        emit(',');
        i = close + 3;
      }
    }
    emit(']');
  }
}
