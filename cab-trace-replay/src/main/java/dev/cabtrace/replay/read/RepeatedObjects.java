package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The resource and scope objects of OTLP JSON Lines, decoded once: every line of a capture file
 * repeats the same few, so a repeat costs a hash of its bytes, not a parse, and a repeat of the
 * line before costs a comparison of its bytes, not even a skip to find where it ends.
 */
final class RepeatedObjects extends JsonWalker {

  private static final int MAX_KEPT = 1024;

  private static final BytePattern ATTRIBUTES = new BytePattern("attributes");
  private static final BytePattern NAME = new BytePattern("name");

  private ReadContext context;
  private final LazyAttributes.Decoder decoder;
  private final HotAttributeReader attributes;
  private final ByteStrings strings;
  private final Map<ByteKey, Known<Map<String, Object>>> resources = new HashMap<>();
  private final Map<ByteKey, Known<String>> scopes = new HashMap<>();
  private Known<Map<String, Object>> lastResource;
  private Known<String> lastScope;

  /** An object read before: its bytes and what they mean. */
  private record Known<T>(byte[] bytes, T value) {

    /**
     * Where the object at {@code start} ends when its bytes begin with these, else FAIL. A JSON
     * object ends where its braces close, so bytes equal to a whole object's are that object.
     */
    int endAt(byte[] b, int start, int end) {
      int after = start + bytes.length;
      return after <= end && Arrays.equals(b, start, after, bytes, 0, bytes.length) ? after : FAIL;
    }
  }

  RepeatedObjects(ReadContext context, LazyAttributes.Decoder decoder, HotAttributeReader attributes,
      ByteStrings strings) {
    this.context = context;
    this.decoder = decoder;
    this.attributes = attributes;
    this.strings = strings;
  }

  /**
   * The resource's attributes as the Jackson reader reads them; null when it would warn about
   * them, or not read them: the line is then the Jackson reader's, which warns on every line that
   * has them, where a resource read once here would warn once.
   */
  private Map<String, Object> decoded(byte[] b, int start, int after) {
    boolean[] warned = {false};
    try (JsonParser parser = decoder.parser(b, start, after - start)) {
      parser.nextToken();
      Map<String, Object> attributes = new OtlpKeyValueReader(quiet(warned)).readAttributesHolder(parser);
      return warned[0] ? null : attributes;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** As {@link #decoded}, for a scope's name. */
  private String decodedScope(byte[] b, int start, int after) {
    boolean[] warned = {false};
    try (JsonParser parser = decoder.parser(b, start, after - start)) {
      parser.nextToken();
      String name = new OtlpJsonReader(quiet(warned)).readScopeName(parser);
      return warned[0] ? null : name;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** A context that notes a warning in {@code warned} instead of giving it. */
  private ReadContext quiet(boolean[] warned) {
    return new ReadContext(SpanSink.flagging(warned), context.source);
  }

  // What the member readers below found in the object being read.
  private Map<String, Object> foundAttributes;
  private boolean sawAttributes;
  private String foundName;
  private final Member resourceMember = this::resourceMember;
  private final Member scopeMember = this::scopeMember;

  /** The resource's attributes read from the bytes, when they are plain; else null. */
  private Map<String, Object> plainResource(byte[] bytes, int start, int after) {
    b = bytes;
    end = after;
    foundAttributes = Map.of();
    sawAttributes = false;
    try {
      return object(start, resourceMember) == after ? foundAttributes : null;
    } finally {
      b = null;
    }
  }

  private int resourceMember(int name, int nameEnd, int value) {
    if (!ATTRIBUTES.is(b, name, nameEnd)) {
      return JsonBytes.skipValue(b, value, end);
    }
    if (sawAttributes || b[value] != '[') {
      return FAIL;
    }
    sawAttributes = true;
    int next = JsonBytes.skipValue(b, value, end);
    foundAttributes = next == FAIL ? null : attributes.readAll(b, next, value);
    return foundAttributes == null ? FAIL : next;
  }

  /** The scope's name read from the bytes, when it is a plain string; else null. */
  private String plainScope(byte[] bytes, int start, int after) {
    b = bytes;
    end = after;
    foundName = "";
    try {
      return object(start, scopeMember) == after ? foundName : null;
    } finally {
      b = null;
    }
  }

  private int scopeMember(int name, int nameEnd, int value) {
    if (!NAME.is(b, name, nameEnd)) {
      return JsonBytes.skipValue(b, value, end);
    }
    int close = b[value] == '"' ? JsonBytes.plainStringEnd(b, value, end) : FAIL;
    if (close == FAIL) {
      return FAIL;
    }
    foundName = strings.get(b, value + 1, close);
    return close + 1;
  }

  /**
   * Reads for {@code context} from now on, forgetting what the last load's objects were (their
   * maps came from that load).
   */
  void bind(ReadContext context) {
    this.context = context;
    resources.clear();
    scopes.clear();
    lastResource = null;
    lastScope = null;
  }

  /**
   * Where the resource object at {@code start} ends when it is byte for byte the one read last
   * ({@link #lastResource()}), else FAIL.
   */
  int repeatedResourceEnd(byte[] b, int start, int end) {
    return lastResource == null ? FAIL : lastResource.endAt(b, start, end);
  }

  /** The resource read last. */
  Map<String, Object> lastResource() {
    return lastResource.value();
  }

  /** As {@link #repeatedResourceEnd}, for a scope object. */
  int repeatedScopeEnd(byte[] b, int start, int end) {
    return lastScope == null ? FAIL : lastScope.endAt(b, start, end);
  }

  /** The scope name read last. */
  String lastScope() {
    return lastScope.value();
  }

  /** The resource object from {@code start} to {@code after}; null if it is the Jackson reader's to read ({@link #decoded}). */
  Map<String, Object> resource(byte[] b, int start, int after) {
    ByteKey key = new ByteKey(b, start, after);
    Known<Map<String, Object>> known = resources.get(key);
    if (known == null) {
      Map<String, Object> attributes = plainResource(b, start, after);
      if (attributes == null) {
        attributes = decoded(b, start, after);
        if (attributes == null) {
          return null;
        }
      }
      known = new Known<>(Arrays.copyOfRange(b, start, after), context.resource(attributes));
      if (resources.size() < MAX_KEPT) {
        resources.put(new ByteKey(known.bytes(), 0, known.bytes().length), known);
      }
    }
    lastResource = known;
    return known.value();
  }

  /** The name in the instrumentation scope object from {@code start} to {@code after}; null as for {@link #resource}. */
  String scope(byte[] b, int start, int after) {
    ByteKey key = new ByteKey(b, start, after);
    Known<String> known = scopes.get(key);
    if (known == null) {
      String name = plainScope(b, start, after);
      if (name == null) {
        name = decodedScope(b, start, after);
        if (name == null) {
          return null;
        }
      }
      known = new Known<>(Arrays.copyOfRange(b, start, after), name);
      if (scopes.size() < MAX_KEPT) {
        scopes.put(new ByteKey(known.bytes(), 0, known.bytes().length), known);
      }
    }
    lastScope = known;
    return known.value();
  }
}
