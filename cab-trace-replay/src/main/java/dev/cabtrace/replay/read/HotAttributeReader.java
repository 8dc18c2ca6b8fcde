package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import dev.cabtrace.replay.internal.CompactAttributes;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads an OTLP attribute list ({@code [{"key":...,"value":{...}},...]}) from its bytes, checking
 * it and decoding only the {@link LazyAttributes#HOT hot} keys' values, as the Jackson reader
 * would decode them; or, for a resource or a span's attributes asked for, decoding them all
 * ({@link #readAll}). Each attribute is read word against word when it is in the exporters'
 * layout ({@link CanonicalAttribute}), else walked member by member, its value decoded by {@link
 * SimpleValueReader}, or checked to be one Jackson reads as written ({@link UsualAnyValue}). A
 * value of another shape fails the read, and the line goes to Jackson.
 */
final class HotAttributeReader extends JsonWalker {

  private static final BytePattern KEY = new BytePattern("key");
  private static final BytePattern VALUE = new BytePattern("value");
  private static final String[] HOT_NAMES = LazyAttributes.HOT_KEYS;
  private static final byte[][] HOT_KEYS = new byte[HOT_NAMES.length][];

  static {
    for (int i = 0; i < HOT_NAMES.length; i++) {
      HOT_KEYS[i] = ascii(HOT_NAMES[i]);
    }
  }

  private final ByteStrings strings;
  private final CanonicalAttribute canonical;
  private final SimpleValueReader simpleValues;
  // The hot values of the list being read, by their key's bit (hotBits says which are there).
  private final Object[] hot = new Object[HOT_NAMES.length];
  private int hotBits;
  private final RecentHotSets recent = new RecentHotSets();
  // A key written twice fails the read: the Jackson reader says which value it kept.
  private final SeenKeys seen = new SeenKeys();
  private final Member attributeMember = this::attributeMember;
  private final Element attributeElement = this::attributeElement;

  HotAttributeReader(ByteStrings strings) {
    this.strings = strings;
    SharedValues shared = new SharedValues();
    this.canonical = new CanonicalAttribute(strings, shared);
    this.simpleValues = new SimpleValueReader(strings, shared);
  }

  /** Reads the list whose opening bracket is at {@code i}; its hot attributes are then {@link #sharedFound()}. */
  int read(byte[] bytes, int end, int i) {
    this.b = bytes;
    this.end = end;
    hotBits = 0;
    seen.clear();
    try {
      return array(i, attributeElement);
    } finally {
      this.b = null;
      canonical.release();
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
    seen.clear();
    try {
      int after = array(i, allElement);
      return after == FAIL || JsonBytes.skipWhitespace(b, after, end) != end ? null
          : CompactAttributes.of(all, allLength);
    } finally {
      this.b = null;
      canonical.release();
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

  private int allElement(int i) {
    int type = canonical.key(b, i, end);
    int after = type == FAIL ? FAIL : canonical.value(b, type, end, true);
    if (after != FAIL) {
      if (seen.add(b, canonical.keyStart(), canonical.keyClose())) {
        return FAIL;
      }
      keep(strings.get(b, canonical.keyStart(), canonical.keyClose()), canonical.value());
      return after;
    }
    i = walk(i);
    if (i == FAIL || keyStart < 0 || valueStart < 0 || seen.add(b, keyStart, keyEnd)) {
      return FAIL; // no key, no value, a key twice: the Jackson reader's, rare enough to leave to it
    }
    Object value = simpleValues.read(b, valueStart, valueEnd, end);
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

  private int attributeElement(int i) {
    int type = canonical.key(b, i, end);
    if (type != FAIL) {
      int key = hot(canonical.keyStart(), canonical.keyClose());
      int after = canonical.value(b, type, end, key >= 0);
      if (after != FAIL) {
        if (seen.add(b, canonical.keyStart(), canonical.keyClose())) {
          return FAIL;
        }
        if (key >= 0) {
          put(key, canonical.value());
        }
        return after;
      }
    }
    i = walk(i);
    if (i == FAIL || keyStart < 0 || seen.add(b, keyStart, keyEnd)) {
      return FAIL; // no key, or a key twice: the Jackson reader warns
    }
    int key = hot(keyStart, keyEnd);
    if (key < 0) {
      return i;
    }
    Object value = valueStart < 0 ? null : simpleValues.read(b, valueStart, valueEnd, end);
    if (value == null) {
      return FAIL;
    }
    put(key, value);
    return i;
  }

  private void put(int key, Object value) {
    hot[key] = value;
    hotBits |= 1 << key;
  }

  // Where walk() found the attribute's key string and its value object (-1: not found).
  private int keyStart;
  private int keyEnd;
  private int valueStart;
  private int valueEnd;

  /** One {"key":...,"value":{...}} at {@code i}, member by member: the position after it, or FAIL. */
  private int walk(int i) {
    keyStart = -1;
    valueStart = -1;
    valueEnd = -1;
    return object(i, attributeMember);
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
      // Kept undecoded, a value must be one the Jackson reader has nothing to say about when it
      // reads the line: decoded later, there is no line to say it on.
      valueEnd = UsualAnyValue.skip(b, value, end);
      return valueEnd;
    }
    return JsonBytes.skipValue(b, value, end);
  }

  private int hot(int start, int close) {
    return hotKey(b, start, close);
  }

  /** Which hot key (its bit) the bytes {@code b[start, close)} are, or -1. */
  static int hotKey(byte[] b, int start, int close) {
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
}
