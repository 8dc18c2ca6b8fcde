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

  private final ReadContext context;
  private final LazyAttributes.Decoder decoder;
  private final Map<ByteKey, Map<String, Object>> resources = new HashMap<>();
  private final Map<ByteKey, String> scopes = new HashMap<>();

  RepeatedObjects(ReadContext context, LazyAttributes.Decoder decoder) {
    this.context = context;
    this.decoder = decoder;
  }

  /** The resource object from {@code start} to {@code after}. */
  Map<String, Object> resource(byte[] b, int start, int after) {
    ByteKey key = new ByteKey(b, start, after);
    Map<String, Object> known = resources.get(key);
    if (known != null) {
      return known;
    }
    Map<String, Object> resource;
    try (JsonParser parser = decoder.parser(b, start, after - start)) {
      parser.nextToken();
      resource = context.resource(new OtlpJsonReader(context).readAttributesHolder(parser));
    } catch (IOException e) {
      throw new IllegalStateException("checked bytes did not parse", e);
    }
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
    String scope;
    try (JsonParser parser = decoder.parser(b, start, after - start)) {
      parser.nextToken();
      scope = new OtlpJsonReader(context).readScopeName(parser);
    } catch (IOException e) {
      throw new IllegalStateException("checked bytes did not parse", e);
    }
    if (scopes.size() < MAX_KEPT) {
      scopes.put(key.copy(), scope);
    }
    return scope;
  }
}
