package dev.cabtrace.sdk.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scalar fields of a JSON document by dotted path, array positions left out: {@code
 * usage.prompt_tokens}, {@code choices.finish_reason} (one value per choice). Enough to read the
 * usage of every provider's response without a tree model.
 */
final class JsonFields {

  private static final JsonFactory JSON = new JsonFactory();

  private final Map<String, List<String>> values = new LinkedHashMap<>();

  /** The fields of {@code json}; an unparsable document gives what was read before the error. */
  static JsonFields parse(byte[] json, int offset, int length) {
    JsonFields fields = new JsonFields();
    try (JsonParser parser = JSON.createParser(json, offset, length)) {
      Deque<String> path = new ArrayDeque<>();
      String field = null;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case FIELD_NAME:
            field = parser.currentName();
            break;
          case START_OBJECT:
            path.addLast(field == null ? "" : field);
            field = null;
            break;
          case START_ARRAY:
            path.addLast(field == null ? "" : field);
            field = null;
            break;
          case END_OBJECT:
          case END_ARRAY:
            if (!path.isEmpty()) {
              path.removeLast();
            }
            field = null;
            break;
          default:
            String key = key(path, field);
            fields.values.computeIfAbsent(key, k -> new ArrayList<>())
                .add(token == JsonToken.VALUE_NULL ? null : parser.getText());
            field = null;
        }
      }
    } catch (IOException e) {
      // A truncated or non-JSON body: keep what was read.
    }
    return fields;
  }

  private static String key(Deque<String> path, String field) {
    StringBuilder key = new StringBuilder();
    for (String part : path) {
      if (!part.isEmpty()) {
        if (key.length() > 0) {
          key.append('.');
        }
        key.append(part);
      }
    }
    if (field != null) {
      if (key.length() > 0) {
        key.append('.');
      }
      key.append(field);
    }
    return key.toString();
  }

  /** The first value at {@code path}, or null. */
  String first(String path) {
    List<String> found = values.get(path);
    return found == null || found.isEmpty() ? null : found.get(0);
  }

  /** Every non-null value at {@code path}. */
  List<String> all(String path) {
    List<String> found = values.get(path);
    if (found == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String value : found) {
      if (value != null) {
        out.add(value);
      }
    }
    return out;
  }

  /** The first value at {@code path} as a count, or null. */
  Long count(String path) {
    String value = first(path);
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
