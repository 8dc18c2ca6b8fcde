package dev.cabtrace.sdk.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.cabtrace.sdk.redact.Redaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A small JSON tree for the cassette: objects are maps, arrays lists, strings strings, numbers
 * {@link JsonNumber} with their text as written, {@code true}/{@code false} booleans and null {@link
 * #NULL}. Read with jackson-core's streaming parser; written compact, so that a tree with sorted
 * keys written back is the canonical form of a request body.
 */
final class CassetteJson {

  /** JSON's null, which a map cannot hold as a Java null. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** A JSON number, kept as written: {@code 1.0} and {@code 1} are different requests. */
  record JsonNumber(String text) {}

  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          .build();

  private CassetteJson() {}

  /**
   * The one JSON document in {@code bytes}, its object keys sorted when {@code sortKeys} (else in
   * their order), or null when the bytes are not exactly one JSON document.
   */
  static Object parse(byte[] bytes, boolean sortKeys) {
    return parse(bytes, sortKeys, false);
  }

  /** As {@link #parse(byte[], boolean)}; with {@code refuseDuplicateKeys}, null for an object with a key twice. */
  static Object parse(byte[] bytes, boolean sortKeys, boolean refuseDuplicateKeys) {
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      if (refuseDuplicateKeys) {
        parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      }
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      Object value = read(parser, first, sortKeys);
      return parser.nextToken() == null ? value : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Object read(JsonParser parser, JsonToken token, boolean sortKeys) throws IOException {
    switch (token) {
      case START_OBJECT:
        Map<String, Object> object = sortKeys ? new TreeMap<>() : new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          object.put(name, read(parser, parser.nextToken(), sortKeys));
        }
        return object;
      case START_ARRAY:
        List<Object> array = new ArrayList<>();
        JsonToken next;
        while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
          if (next == null) {
            throw new IOException("unexpected end of document");
          }
          array.add(read(parser, next, sortKeys));
        }
        return array;
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new JsonNumber(parser.getText());
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return NULL;
      default:
        throw new IOException("unexpected " + token);
    }
  }

  /** {@code tree} written compact, keys in the tree's order: canonical when they are sorted. */
  static byte[] write(Object tree) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      write(generator, tree, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes {@code tree}, every string value passed through {@code strings} when given. */
  static void write(JsonGenerator generator, Object value, UnaryOperator<String> strings)
      throws IOException {
    write(generator, value, strings, null);
  }

  /**
   * As {@link #write(JsonGenerator, Object, UnaryOperator)}; and every string and number under a
   * field whose name {@code secretName} accepts ({@code "api_key": "..."}, {@code "pin": 1234}) is
   * written as {@link Redaction#MASK}.
   */
  static void write(JsonGenerator generator, Object value, UnaryOperator<String> strings,
      Predicate<String> secretName) throws IOException {
    if (value instanceof Map) {
      generator.writeStartObject();
      for (Map.Entry<?, ?> field : ((Map<?, ?>) value).entrySet()) {
        String name = (String) field.getKey();
        generator.writeFieldName(name);
        if (secretName != null && secretName.test(name)) {
          writeMasked(generator, field.getValue());
        } else {
          write(generator, field.getValue(), strings, secretName);
        }
      }
      generator.writeEndObject();
    } else if (value instanceof List) {
      generator.writeStartArray();
      for (Object element : (List<?>) value) {
        write(generator, element, strings, secretName);
      }
      generator.writeEndArray();
    } else if (value instanceof String) {
      generator.writeString(strings == null ? (String) value : strings.apply((String) value));
    } else if (value instanceof JsonNumber) {
      generator.writeNumber(((JsonNumber) value).text());
    } else if (value instanceof Boolean) {
      generator.writeBoolean((Boolean) value);
    } else {
      generator.writeNull();
    }
  }

  /** {@code value} with every string and number in it written as {@link Redaction#MASK}: a secret may be digits. */
  private static void writeMasked(JsonGenerator generator, Object value) throws IOException {
    if (value instanceof Map || value instanceof List) {
      if (value instanceof Map) {
        generator.writeStartObject();
        for (Map.Entry<?, ?> field : ((Map<?, ?>) value).entrySet()) {
          generator.writeFieldName((String) field.getKey());
          writeMasked(generator, field.getValue());
        }
        generator.writeEndObject();
      } else {
        generator.writeStartArray();
        for (Object element : (List<?>) value) {
          writeMasked(generator, element);
        }
        generator.writeEndArray();
      }
    } else if (value instanceof String || value instanceof JsonNumber) {
      generator.writeString(Redaction.MASK);
    } else {
      write(generator, value, null, null);
    }
  }
}
