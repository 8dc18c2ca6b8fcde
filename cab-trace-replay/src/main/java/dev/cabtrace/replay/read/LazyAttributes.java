package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.cabtrace.replay.internal.AttributeBytes;
import dev.cabtrace.replay.internal.PlainAttributeVisitor;
import dev.cabtrace.replay.internal.Utf8Line;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A span's attributes kept as the OTLP JSON bytes they were read from, decoded each time they are
 * asked for, except the few every timeline and ledger reads ({@link #HOT}), decoded once when the
 * line was read. A million spans' attributes cost their bytes, not a million maps of objects; and
 * each costs 32 bytes of its own, which is why it implements {@link Map} itself (an {@code
 * AbstractMap} carries two more fields).
 */
final class LazyAttributes implements Map<String, Object>, AttributeBytes {

  /**
   * The keys decoded up front: a span's phase, its verdict, a model call's model and tokens, and
   * the size of the terminal its output was recorded on (a screen looks for it on every span with
   * output, which most do not have); in the order their lookups are tried, the most asked and the
   * most common in a file first.
   */
  private static final List<String> HOT_ORDER = List.of(
      "cab.span.kind", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.operation.name",
      "gen_ai.request.model", "gen_ai.response.finish_reasons", "cab.pass", "cab.request_hash",
      "gen_ai.response.model", "gen_ai.provider.name", "gen_ai.system", "cab.tui", "cab.model",
      "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens",
      "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
      "gen_ai.usage.reasoning.output_tokens", "cab.terminal.columns", "cab.terminal.rows");

  /** The keys decoded up front: see {@link #HOT_ORDER}. */
  static final Set<String> HOT = Set.copyOf(HOT_ORDER);

  /** The hot keys in a fixed order: a key's position is its bit. */
  static final String[] HOT_KEYS = HOT_ORDER.toArray(new String[0]);

  // Each hot key's bit, found in open-addressed tables: first by identity (code names hot keys by
  // literals, the very strings of HOT_KEYS, and an identity hash is one header load where a
  // model call's reading asks for nine keys), then by the key's text.
  private static final int TABLE = 64;
  private static final String[] BY_IDENTITY = new String[TABLE];
  private static final int[] BY_IDENTITY_BIT = new int[TABLE];
  private static final String[] BY_TEXT = new String[TABLE];
  private static final int[] BY_TEXT_HASH = new int[TABLE];
  private static final int[] BY_TEXT_BIT = new int[TABLE];

  static {
    if (HOT_KEYS.length > 31) {
      throw new IllegalStateException("a hot key is a bit of an int: at most 31 of them");
    }
    for (int bit = 0; bit < HOT_KEYS.length; bit++) {
      String key = HOT_KEYS[bit];
      int slot = System.identityHashCode(key) & (TABLE - 1);
      while (BY_IDENTITY[slot] != null) {
        slot = (slot + 1) & (TABLE - 1);
      }
      BY_IDENTITY[slot] = key;
      BY_IDENTITY_BIT[slot] = bit;
      slot = key.hashCode() & (TABLE - 1);
      while (BY_TEXT[slot] != null) {
        slot = (slot + 1) & (TABLE - 1);
      }
      BY_TEXT[slot] = key;
      BY_TEXT_HASH[slot] = key.hashCode();
      BY_TEXT_BIT[slot] = bit;
    }
  }

  /** The bit of a hot key, or -1 for any other. */
  private static int hotBit(Object key) {
    for (int slot = System.identityHashCode(key) & (TABLE - 1); ; slot = (slot + 1) & (TABLE - 1)) {
      String hot = BY_IDENTITY[slot];
      if (hot == null) {
        break;
      }
      if (hot == key) {
        return BY_IDENTITY_BIT[slot];
      }
    }
    if (!(key instanceof String)) {
      return -1;
    }
    String text = (String) key;
    int hash = text.hashCode();
    for (int slot = hash & (TABLE - 1); ; slot = (slot + 1) & (TABLE - 1)) {
      String hot = BY_TEXT[slot];
      if (hot == null) {
        return -1;
      }
      if (BY_TEXT_HASH[slot] == hash && hot.equals(text)) {
        return BY_TEXT_BIT[slot];
      }
    }
  }

  // Attributes kept as bytes (a load from a stream, or a slice too long or too far into a file to
  // note) are decoded by this one decoder: they were checked against their reader's limits when
  // read, and a line's bytes bound every string in it.
  private static final Decoder BYTES = new Decoder(Integer.MAX_VALUE);
  // A slice of the file: its position (below 2^39) above its length (below 2^24), in one long.
  private static final int LENGTH_BITS = 24;

  // The JSON array's bytes (byte[]), the file they are in (FileSlices), or null when only the hot
  // attributes are kept (a ledger's stream). 32 bytes a span: a million spans keep one each.
  private final Object source;
  private final Object[] hot;
  private final int hotBits;
  private final long slice;

  /**
   * @param json the attributes' JSON array, already checked to be well-formed; null when only the
   *     hot ones are kept (a ledger's stream)
   * @param hot the values of the hot keys found in it, in the order of their bits, a later key replacing an
   *     earlier one
   * @param hotBits which hot keys those are: bit i for {@code HOT_KEYS[i]}
   */
  LazyAttributes(byte[] json, Object[] hot, int hotBits) {
    this.source = json;
    this.hot = hot;
    this.hotBits = hotBits;
    this.slice = 0;
  }

  private LazyAttributes(FileSlices file, long position, int length, Object[] hot, int hotBits) {
    this.source = file;
    this.hot = hot;
    this.hotBits = hotBits;
    this.slice = position << LENGTH_BITS | length;
  }

  /**
   * The attributes whose JSON array is {@code b[from, to)}, found at {@code position} of {@code
   * file}: left in the file, read again when asked for (a file changed since is noticed, not
   * misread: the bytes must still parse and hold the hot values read the first time); kept as
   * bytes when the slice is too long or too far into the file to note in one long.
   */
  static LazyAttributes inFile(FileSlices file, long position, byte[] b, int from, int to, Object[] hot,
      int hotBits) {
    int length = to - from;
    if (length >= 1 << LENGTH_BITS || position >= 1L << (Long.SIZE - 1 - LENGTH_BITS)) {
      return new LazyAttributes(Arrays.copyOfRange(b, from, to), hot, hotBits);
    }
    return new LazyAttributes(file, position, length, hot, hotBits);
  }

  /** The hot values, in the order of their keys' bits. */
  Object[] hotArray() {
    return hot;
  }

  @Override
  public Object get(Object key) {
    int bit = hotBit(key);
    if (bit < 0) {
      return decoded().get(key);
    }
    if ((hotBits & (1 << bit)) == 0) {
      return null; // a hot key this span does not have
    }
    return hot[Integer.bitCount(hotBits & ((1 << bit) - 1))];
  }

  @Override
  public boolean containsKey(Object key) {
    int bit = hotBit(key);
    return bit < 0 ? decoded().containsKey(key) : (hotBits & (1 << bit)) != 0; // a value may be null
  }

  @Override
  public int size() {
    return decoded().size();
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return decoded().entrySet();
  }

  @Override
  public boolean isEmpty() {
    return hot.length == 0 && decoded().isEmpty();
  }

  @Override
  public boolean containsValue(Object value) {
    return decoded().containsValue(value);
  }

  @Override
  public Set<String> keySet() {
    return decoded().keySet();
  }

  @Override
  public Collection<Object> values() {
    return decoded().values();
  }

  @Override
  public Object put(String key, Object value) {
    throw new UnsupportedOperationException("a span's attributes are read-only");
  }

  @Override
  public Object remove(Object key) {
    throw new UnsupportedOperationException("a span's attributes are read-only");
  }

  @Override
  public void putAll(Map<? extends String, ?> map) {
    throw new UnsupportedOperationException("a span's attributes are read-only");
  }

  @Override
  public void clear() {
    throw new UnsupportedOperationException("a span's attributes are read-only");
  }

  @Override
  public boolean equals(Object other) {
    return other == this || (other instanceof Map && decoded().equals(other));
  }

  @Override
  public int hashCode() {
    return decoded().hashCode();
  }

  @Override
  public String toString() {
    return decoded().toString();
  }

  // One writer a thread: show's lines are written on one, but a library's callers may use many.
  private static final ThreadLocal<PlainAttributeJson> PLAIN_JSON = ThreadLocal.withInitial(PlainAttributeJson::new);

  @Override
  public int appendPlainJson(Utf8Line out, byte[] leftOut, int limit) {
    PlainAttributeJson writer = PLAIN_JSON.get();
    if (source instanceof FileSlices) {
      long position = slice >>> LENGTH_BITS;
      int length = (int) (slice & ((1 << LENGTH_BITS) - 1));
      return ((FileSlices) source).read(position, length,
          (bytes, at, size) -> writer.write(bytes, at, at + size, leftOut, hot, hotBits, out, limit));
    }
    if (source instanceof byte[]) {
      byte[] bytes = (byte[]) source;
      return writer.write(bytes, 0, bytes.length, leftOut, hot, hotBits, out, limit);
    }
    return -1; // only the hot ones are kept
  }

  // One a thread, as PLAIN_JSON.
  private static final ThreadLocal<PlainAttributeObject> PLAIN_OBJECT = ThreadLocal.withInitial(PlainAttributeObject::new);

  @Override
  public boolean visitPlain(byte[] leftOut, PlainAttributeVisitor visitor) throws IOException {
    PlainAttributeObject object = PLAIN_OBJECT.get();
    boolean plain;
    if (source instanceof FileSlices) {
      long position = slice >>> LENGTH_BITS;
      int length = (int) (slice & ((1 << LENGTH_BITS) - 1));
      plain = ((FileSlices) source).read(position, length,
          (bytes, at, size) -> object.take(bytes, at, at + size, leftOut, hot, hotBits));
    } else if (source instanceof byte[]) {
      byte[] bytes = (byte[]) source;
      plain = object.take(bytes, 0, bytes.length, leftOut, hot, hotBits);
    } else {
      return false; // only the hot ones are kept
    }
    if (plain) {
      object.tell(visitor); // out of the file's lock: the visitor writes output
    }
    return plain;
  }

  private Map<String, Object> decoded() {
    if (source instanceof FileSlices) {
      FileSlices file = (FileSlices) source;
      long position = slice >>> LENGTH_BITS;
      int length = (int) (slice & ((1 << LENGTH_BITS) - 1));
      Map<String, Object> decoded = file.read(position, length, (bytes, at, size) ->
          bytes[at] == '[' && bytes[at + size - 1] == ']' ? file.decoder().tryDecode(bytes, at, size) : null);
      int k = 0;
      for (int bits = hotBits; decoded != null && bits != 0; bits &= bits - 1) {
        if (!hot[k++].equals(decoded.get(HOT_KEYS[Integer.numberOfTrailingZeros(bits)]))) {
          decoded = null;
        }
      }
      if (decoded == null) {
        throw file.changedAt(position);
      }
      return decoded;
    }
    if (source == null) {
      Map<String, Object> only = new java.util.LinkedHashMap<>();
      int k = 0;
      for (int bits = hotBits; bits != 0; bits &= bits - 1) {
        only.put(HOT_KEYS[Integer.numberOfTrailingZeros(bits)], hot[k++]);
      }
      return Collections.unmodifiableMap(only);
    }
    return BYTES.decode((byte[]) source);
  }

  /** Decodes attribute bytes with the Jackson reader, as if they had been read with the span. */
  static final class Decoder {
    private final int maxStringBytes;
    private volatile JsonFactory json;

    /** Strings (and lines) longer than {@code maxStringBytes} are refused. */
    Decoder(int maxStringBytes) {
      this.maxStringBytes = maxStringBytes;
    }

    /**
     * The Jackson factory every reader of a load shares; made when first needed, which for a file
     * the byte scanner reads whole may be never.
     */
    /** Whether a Jackson reader was needed so far. */
    boolean madeJackson() {
      return json != null;
    }

    JsonFactory json() {
      JsonFactory made = json;
      if (made == null) {
        synchronized (this) {
          made = json;
          if (made == null) {
            made = JsonFactory.builder()
                .streamReadConstraints(
                    com.fasterxml.jackson.core.StreamReadConstraints.builder()
                        .maxNestingDepth(200)
                        .maxStringLength(maxStringBytes)
                        .maxNumberLength(64)
                        .build())
                .build();
            json = made;
          }
        }
      }
      return made;
    }

    // Most attribute lists are plain (strings, counts, flags): read from the bytes, not by Jackson,
    // by readers lent out one decode at a time. A few are kept, not one per thread: a decoder lives
    // as long as its attributes (the one of attributes kept as bytes, as long as the library).
    private final java.util.ArrayDeque<HotAttributeReader> plainReaders = new java.util.ArrayDeque<>();
    private static final int KEPT_READERS = 4;

    /** The attributes when every one is plain, as the Jackson reader reads them; else null. */
    private Map<String, Object> plain(byte[] bytes, int offset, int length) {
      int end = offset + length;
      int start = JsonBytes.skipWhitespace(bytes, offset, end);
      if (start >= end || bytes[start] != '[') {
        return null;
      }
      HotAttributeReader reader;
      synchronized (plainReaders) {
        reader = plainReaders.poll();
      }
      if (reader == null) {
        reader = new HotAttributeReader(new ByteStrings());
      }
      try {
        return reader.readAll(bytes, end, start); // immutable already
      } finally {
        synchronized (plainReaders) {
          if (plainReaders.size() < KEPT_READERS) {
            plainReaders.push(reader);
          }
        }
      }
    }

    JsonParser parser(byte[] bytes, int offset, int length) throws IOException {
      return json().createParser(bytes, offset, length);
    }

    /** The attributes, or null if the bytes are not an attribute list. */
    Map<String, Object> tryDecode(byte[] bytes) {
      return tryDecode(bytes, 0, bytes.length);
    }

    /** The attributes in the {@code length} bytes at {@code offset}, or null if they are not an attribute list. */
    Map<String, Object> tryDecode(byte[] bytes, int offset, int length) {
      Map<String, Object> plain = plain(bytes, offset, length);
      if (plain != null) {
        return plain;
      }
      try (JsonParser parser = json().createParser(bytes, offset, length)) {
        parser.nextToken();
        ReadContext context = new ReadContext(SpanSink.flagging(new boolean[1]), "");
        Map<String, Object> decoded = new OtlpKeyValueReader(context).readKeyValues(parser);
        return parser.nextToken() == null ? Collections.unmodifiableMap(decoded) : null;
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /** The attributes of bytes checked when they were read. */
    Map<String, Object> decode(byte[] bytes) {
      Map<String, Object> decoded = tryDecode(bytes);
      if (decoded == null) {
        throw new IllegalStateException("attribute bytes checked when read no longer parse");
      }
      return decoded;
    }
  }
}
