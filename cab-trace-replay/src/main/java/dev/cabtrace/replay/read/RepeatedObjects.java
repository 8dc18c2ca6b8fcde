package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The resource and scope objects of OTLP JSON Lines, decoded once: every line of a capture file
 * repeats the same few, so a repeat costs a hash of its bytes, not a parse.
 */
final class RepeatedObjects {

  private static final int MAX_KEPT = 1024;

  private static final BytePattern ATTRIBUTES = new BytePattern("attributes");
  private static final BytePattern NAME = new BytePattern("name");

  private final ReadContext context;
  private final LazyAttributes.Decoder decoder;
  private final HotAttributeReader attributes;
  private final ByteStrings strings;
  private final Map<ByteKey, Map<String, Object>> resources = new HashMap<>();
  private final Map<ByteKey, String> scopes = new HashMap<>();

  RepeatedObjects(ReadContext context, LazyAttributes.Decoder decoder, HotAttributeReader attributes,
      ByteStrings strings) {
    this.context = context;
    this.decoder = decoder;
    this.attributes = attributes;
    this.strings = strings;
  }

  /** The resource's attributes as the Jackson reader reads them. */
  private Map<String, Object> decoded(byte[] b, int start, int after) {
    try (JsonParser parser = decoder.parser(b, start, after - start)) {
      parser.nextToken();
      return new OtlpJsonReader(context).readAttributesHolder(parser);
    } catch (IOException e) {
      throw new IllegalStateException("checked bytes did not parse", e);
    }
  }

  private String decodedScope(byte[] b, int start, int after) {
    try (JsonParser parser = decoder.parser(b, start, after - start)) {
      parser.nextToken();
      return new OtlpJsonReader(context).readScopeName(parser);
    } catch (IOException e) {
      throw new IllegalStateException("checked bytes did not parse", e);
    }
  }

  /** The resource's attributes read from the bytes, when they are plain; else null. */
  private Map<String, Object> plainResource(byte[] b, int start, int after) {
    Map<String, Object> found = Map.of();
    boolean sawAttributes = false;
    int i = JsonBytes.skipWhitespace(b, start + 1, after);
    if (b[i] == '}') {
      return found;
    }
    while (true) {
      int nameEnd = JsonBytes.plainStringEnd(b, i, after);
      int value = nameEnd == JsonBytes.FAIL ? JsonBytes.FAIL : JsonBytes.valueAfterName(b, nameEnd, after);
      if (value == JsonBytes.FAIL) {
        return null;
      }
      int next;
      if (ATTRIBUTES.is(b, i + 1, nameEnd)) {
        if (sawAttributes || b[value] != '[') {
          return null;
        }
        sawAttributes = true;
        next = JsonBytes.skipValue(b, value, after);
        found = next == JsonBytes.FAIL ? null : attributes.readAll(b, next, value);
        if (found == null) {
          return null;
        }
      } else {
        next = JsonBytes.skipValue(b, value, after);
      }
      i = JsonBytes.afterMember(b, next, after, (byte) '}');
      if (i == JsonBytes.FAIL) {
        return null;
      }
      if (b[i - 1] == '}') {
        return found;
      }
    }
  }

  /** The scope's name read from the bytes, when it is a plain string; else null. */
  private String plainScope(byte[] b, int start, int after) {
    String name = "";
    int i = JsonBytes.skipWhitespace(b, start + 1, after);
    if (b[i] == '}') {
      return name;
    }
    while (true) {
      int nameEnd = JsonBytes.plainStringEnd(b, i, after);
      int value = nameEnd == JsonBytes.FAIL ? JsonBytes.FAIL : JsonBytes.valueAfterName(b, nameEnd, after);
      if (value == JsonBytes.FAIL) {
        return null;
      }
      int next;
      if (NAME.is(b, i + 1, nameEnd)) {
        int close = b[value] == '"' ? JsonBytes.plainStringEnd(b, value, after) : JsonBytes.FAIL;
        if (close == JsonBytes.FAIL) {
          return null;
        }
        name = strings.get(b, value + 1, close);
        next = close + 1;
      } else {
        next = JsonBytes.skipValue(b, value, after);
      }
      i = JsonBytes.afterMember(b, next, after, (byte) '}');
      if (i == JsonBytes.FAIL) {
        return null;
      }
      if (b[i - 1] == '}') {
        return name;
      }
    }
  }

  /** The resource object from {@code start} to {@code after}. */
  Map<String, Object> resource(byte[] b, int start, int after) {
    ByteKey key = new ByteKey(b, start, after);
    Map<String, Object> known = resources.get(key);
    if (known != null) {
      return known;
    }
    Map<String, Object> resource;
    Map<String, Object> plain = plainResource(b, start, after);
    resource = context.resource(plain != null ? plain : decoded(b, start, after));
    if (resources.size() < MAX_KEPT) {
      resources.put(key.copy(), resource);
    }
    return resource;
  }

  /** The name in the instrumentation scope object from {@code start} to {@code after}. */
  String scope(byte[] b, int start, int after) {
    ByteKey key = new ByteKey(b, start, after);
    String known = scopes.get(key);
    if (known != null) {
      return known;
    }
    String plain = plainScope(b, start, after);
    String scope = plain != null ? plain : decodedScope(b, start, after);
    if (scopes.size() < MAX_KEPT) {
      scopes.put(key.copy(), scope);
    }
    return scope;
  }
}
