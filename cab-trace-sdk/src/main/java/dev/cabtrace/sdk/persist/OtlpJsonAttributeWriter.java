package dev.cabtrace.sdk.persist;

import static dev.cabtrace.sdk.persist.LineBuffer.ascii;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Writes attributes as an OTLP JSON {@code "attributes":[...]} list of KeyValues, every attribute
 * type and every {@link Value} nested, for the resources, scopes, spans, events and links of
 * {@link OtlpJsonLineEncoder}. The JSON of a key is encoded once and copied after that.
 */
final class OtlpJsonAttributeWriter {

  private static final byte[] ATTRIBUTES_START = ascii("\"attributes\":[");
  private static final byte[] KEY_START = ascii("{\"key\":");
  private static final byte[] VALUE_START = ascii(",\"value\":{");
  private static final byte[] STRING_VALUE = ascii("\"stringValue\":");
  private static final byte[] BOOL_TRUE = ascii("\"boolValue\":true");
  private static final byte[] BOOL_FALSE = ascii("\"boolValue\":false");
  private static final byte[] INT_VALUE = ascii("\"intValue\":\"");
  private static final byte[] DOUBLE_VALUE = ascii("\"doubleValue\":");
  private static final byte[] BYTES_VALUE = ascii("\"bytesValue\":");
  private static final byte[] ARRAY_VALUE_START = ascii("\"arrayValue\":{\"values\":[");
  private static final byte[] KVLIST_VALUE_START = ascii("\"kvlistValue\":{\"values\":[");
  private static final byte[] LIST_END = ascii("]}");
  private static final byte[] OBJECTS_END = ascii("}}");

  private final LineBuffer out;
  private final EncodedStrings strings;
  private final AttributeWriter attributeWriter = new AttributeWriter();
  /**
   * {@code {"key":"...","value":{} of the attribute keys seen, by key instance: spans reuse the same
   * few. Each slot holds the last key that fell into it; a power of two.
   */
  private final KeyStart[] keyStarts = new KeyStart[1024];

  OtlpJsonAttributeWriter(LineBuffer out, EncodedStrings strings) {
    this.out = out;
    this.strings = strings;
  }

  /** {@code "attributes":[...]}. */
  void write(Attributes attributes) {
    out.write(ATTRIBUTES_START);
    if (!attributes.isEmpty()) {
      attributeWriter.first = true;
      attributes.forEach(attributeWriter);
    }
    out.write(']');
  }

  /** Writes one attribute as an OTLP KeyValue; reused for every attribute, so nothing is allocated. */
  private final class AttributeWriter implements BiConsumer<AttributeKey<?>, Object> {
    boolean first;

    @Override
    public void accept(AttributeKey<?> key, Object value) {
      if (!first) {
        out.write(',');
      }
      first = false;
      writeKeyStart(key);
      writeAnyValueFields(key.getType(), value);
      out.write(OBJECTS_END);
    }
  }

  /** {@code {"key":"...","value":{}. */
  private void writeKeyStart(AttributeKey<?> key) {
    int slot = System.identityHashCode(key) & (keyStarts.length - 1);
    KeyStart known = keyStarts[slot];
    if (known != null && known.key() == key) {
      out.write(known.json());
      return;
    }
    int start = out.size();
    out.write(KEY_START);
    out.writeString(key.getKey());
    out.write(VALUE_START);
    keyStarts[slot] = new KeyStart(key, out.copyFrom(start));
  }

  private record KeyStart(AttributeKey<?> key, byte[] json) {}

  @SuppressWarnings("unchecked")
  private void writeAnyValueFields(AttributeType type, Object value) {
    switch (type) {
      case STRING:
        out.write(STRING_VALUE);
        strings.write((String) value);
        break;
      case BOOLEAN:
        out.write((Boolean) value ? BOOL_TRUE : BOOL_FALSE);
        break;
      case LONG:
        writeIntValue((Long) value);
        break;
      case DOUBLE:
        out.write(DOUBLE_VALUE);
        out.writeDouble((Double) value);
        break;
      case STRING_ARRAY:
      case BOOLEAN_ARRAY:
      case LONG_ARRAY:
      case DOUBLE_ARRAY:
        AttributeType elementType = elementType(type);
        out.write(ARRAY_VALUE_START);
        List<Object> elements = (List<Object>) value;
        for (int i = 0; i < elements.size(); i++) {
          if (i > 0) {
            out.write(',');
          }
          Object element = elements.get(i);
          out.write('{');
          // The SDK keeps null elements; one is an AnyValue with no value, as an empty Value is.
          if (element != null) {
            writeAnyValueFields(elementType, element);
          }
          out.write('}');
        }
        out.write(LIST_END);
        break;
      case VALUE:
        writeValueFields((Value<?>) value);
        break;
      default:
        out.write(STRING_VALUE);
        out.writeString(String.valueOf(value));
    }
  }

  private void writeIntValue(long value) {
    out.write(INT_VALUE);
    out.writeLong(value);
    out.write('"');
  }

  private static AttributeType elementType(AttributeType arrayType) {
    switch (arrayType) {
      case STRING_ARRAY:
        return AttributeType.STRING;
      case BOOLEAN_ARRAY:
        return AttributeType.BOOLEAN;
      case LONG_ARRAY:
        return AttributeType.LONG;
      default:
        return AttributeType.DOUBLE;
    }
  }

  /** The fields of an AnyValue for an OpenTelemetry {@link Value}: every type, nested. */
  @SuppressWarnings("unchecked")
  private void writeValueFields(Value<?> value) {
    switch (value.getType()) {
      case STRING:
        out.write(STRING_VALUE);
        out.writeString((String) value.getValue());
        break;
      case BOOLEAN:
        out.write((Boolean) value.getValue() ? BOOL_TRUE : BOOL_FALSE);
        break;
      case LONG:
        writeIntValue((Long) value.getValue());
        break;
      case DOUBLE:
        out.write(DOUBLE_VALUE);
        out.writeDouble((Double) value.getValue());
        break;
      case BYTES:
        ByteBuffer bytes = ((ByteBuffer) value.getValue()).duplicate();
        byte[] raw = new byte[bytes.remaining()];
        bytes.get(raw);
        out.write(BYTES_VALUE);
        out.write('"');
        out.write(Base64.getEncoder().encode(raw));
        out.write('"');
        break;
      case ARRAY:
        out.write(ARRAY_VALUE_START);
        List<Value<?>> elements = (List<Value<?>>) value.getValue();
        for (int i = 0; i < elements.size(); i++) {
          if (i > 0) {
            out.write(',');
          }
          out.write('{');
          writeValueFields(elements.get(i));
          out.write('}');
        }
        out.write(LIST_END);
        break;
      case KEY_VALUE_LIST:
        out.write(KVLIST_VALUE_START);
        List<KeyValue> entries = (List<KeyValue>) value.getValue();
        for (int i = 0; i < entries.size(); i++) {
          if (i > 0) {
            out.write(',');
          }
          KeyValue entry = entries.get(i);
          out.write(KEY_START);
          out.writeString(entry.getKey());
          out.write(VALUE_START);
          writeValueFields(entry.getValue());
          out.write(OBJECTS_END);
        }
        out.write(LIST_END);
        break;
      default:
        // EMPTY: an AnyValue with no value set, as the official marshaler writes it.
    }
  }
}
