package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cabtrace.replay.internal.CompactAttributes;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads OTLP JSON key-value lists (a span's, an event's, a resource's attributes) and their
 * AnyValues as writers write them: each value as its type says, or, when it is not of its type, as
 * written, as text, with a warning naming the attribute and its line.
 */
final class OtlpKeyValueReader {

  private final ReadContext context;
  /** How deep in attribute values the reader is: 0 in a list of attributes of a span, an event or a resource. */
  private int valueDepth;
  /** What was odd in the value of the attribute being read, to be said naming its key: see {@link #problem}. */
  private final List<String> problems = new ArrayList<>();

  OtlpKeyValueReader(ReadContext context) {
    this.context = context;
  }

  /**
   * The attributes as a span keeps them, in order, a value of null (an AnyValue with none) kept:
   * {@link TimelineSpan.Builder#putAttribute} would leave its key out.
   */
  static Map<String, Object> compact(Map<String, Object> attributes) {
    Object[] keysAndValues = new Object[2 * attributes.size()];
    int i = 0;
    for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
      keysAndValues[i++] = attribute.getKey();
      keysAndValues[i++] = attribute.getValue();
    }
    return CompactAttributes.of(keysAndValues, i);
  }

  /** {"attributes":[...]} as found in a resource or scope. */
  Map<String, Object> readAttributesHolder(JsonParser parser) throws IOException {
    Map<String, Object> attributes = Map.of();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      if ("attributes".equals(field)) {
        attributes = readKeyValues(parser, "attributes");
      } else {
        parser.skipChildren();
      }
    }
    return attributes;
  }

  /** A list of attributes, as a span's, a resource's or an event's. */
  Map<String, Object> readKeyValues(JsonParser parser) throws IOException {
    return readKeyValues(parser, "attributes");
  }

  /**
   * A list of key-values, {@code what} in messages. Within a value (a kvlistValue), what is odd is
   * noted as a problem of the attribute the value is in; at the top, each attribute's problems are
   * warnings naming it, given once its key is known (it may come after its value).
   */
  private Map<String, Object> readKeyValues(JsonParser parser, String what) throws IOException {
    boolean nested = valueDepth > 0;
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      if (!nested) {
        context.wrongShape(parser, what, "an array");
      } else if (parser.currentToken() != JsonToken.VALUE_NULL) {
        problem(what + " are " + SkippedElements.describe(parser.currentToken()) + ", not an array; left out");
        parser.skipChildren();
      }
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
      if (token != JsonToken.START_OBJECT) {
        parser.skipChildren();
        if (nested) {
          problem("an element of " + what + " is " + SkippedElements.describe(token) + ", not a key-value; left out");
        } else {
          context.warn("an attribute that is " + SkippedElements.describe(token) + ", not an object; skipped");
        }
        continue;
      }
      if (!nested) {
        problems.clear();
      }
      String key = null;
      boolean keyNamed = false; // a key that is an object or an array: said already
      Object value = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken keyToken = parser.nextToken();
        if ("key".equals(field)) {
          keyNamed = keyToken.isStructStart();
          key = context.intern(nested ? nestedKey(parser, what) : context.scalarText(parser, "attribute key"));
        } else if ("value".equals(field)) {
          valueDepth++;
          try {
            value = readAnyValue(parser);
          } finally {
            valueDepth--;
          }
        } else {
          parser.skipChildren();
        }
      }
      if (key != null) {
        if (out.containsKey(key)) {
          problem(nested ? "the key " + key + " is written twice in " + what + "; the last value kept"
              : "written twice; the last value kept");
        }
        out.put(key, value); // null for an AnyValue with no value: the key is kept
      } else if (keyNamed) {
        // Said where the key was read.
      } else if (nested) {
        problem("a key-value in " + what + " has no key; left out");
      } else {
        context.warn("an attribute without a key; skipped");
      }
      if (!nested) {
        for (String problem : problems) {
          context.warn((key == null ? "an attribute without a key" : "attribute " + key) + ": " + problem);
        }
        problems.clear();
      }
    }
    return out;
  }

  /** A key in a kvlistValue: its text, or null (a problem) when it is an object or an array. */
  private String nestedKey(JsonParser parser, String what) throws IOException {
    JsonToken token = parser.currentToken();
    if (token.isStructStart()) {
      parser.skipChildren();
      problem("a key in " + what + " is " + SkippedElements.describe(token) + ", not a string; left out");
      return null;
    }
    return parser.getValueAsString();
  }

  /** Something odd in the value being read, said with its attribute's key: see {@link #readKeyValues}. */
  private void problem(String what) {
    problems.add(what);
  }

  /** An AnyValue object; the parser stands on its START_OBJECT. */
  private Object readAnyValue(JsonParser parser) throws IOException {
    JsonToken start = parser.currentToken();
    if (start != JsonToken.START_OBJECT) {
      parser.skipChildren();
      if (start != JsonToken.VALUE_NULL) {
        problem("its value is " + SkippedElements.describe(start) + ", not an AnyValue object; ignored");
      }
      return null;
    }
    Object value = null;
    String type = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken token = parser.nextToken();
      if (token.isStructStart() && !"arrayValue".equals(field) && !"kvlistValue".equals(field)) {
        parser.skipChildren();
        problem(field + " is " + SkippedElements.describe(token) + ", not a value; ignored");
        continue;
      }
      if (token == JsonToken.VALUE_NULL) {
        continue; // a field not set
      }
      Object read;
      switch (field) {
        case "stringValue":
          read = context.intern(token == JsonToken.VALUE_STRING ? parser.getText() : asText(parser, field, "not a string"));
          break;
        case "boolValue":
          read = bool(parser, token);
          break;
        case "intValue":
          read = integer(parser, token);
          break;
        case "doubleValue":
          read = floating(parser, token);
          break;
        case "bytesValue":
          read = token == JsonToken.VALUE_STRING ? bytes(parser) : asText(parser, field, "not base64");
          break;
        case "arrayValue":
          read = readArrayValue(parser);
          break;
        case "kvlistValue":
          read = readKvList(parser);
          break;
        default:
          parser.skipChildren();
          problem("its value has a field " + field + ", which is not an AnyValue's; ignored");
          continue;
      }
      if (type != null) {
        problem("its value has both " + type + " and " + field + " (an AnyValue holds one); the last kept");
      }
      type = field;
      value = read;
    }
    return value; // null for {}, an AnyValue with no value (an SDK's null array element, Value.empty())
  }

  /**
   * The scalar the parser stands on as the text it was written as, with a problem saying it is
   * {@code why} for {@code field}: a value kept as close to what was written as can be.
   */
  private String asText(JsonParser parser, String field, String why) throws IOException {
    String text = parser.getText();
    problem(field + " " + written(parser, text) + " is " + why + "; kept as text");
    return text;
  }

  /** Text as written, for a message: quoted when it was a string, cut when long. */
  private static String written(JsonParser parser, String text) {
    String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
    return parser.currentToken() == JsonToken.VALUE_STRING ? "\"" + shown + "\"" : shown;
  }

  /** A boolValue: true or false, bare or quoted; anything else kept as text. */
  private Object bool(JsonParser parser, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
      return token == JsonToken.VALUE_TRUE;
    }
    String text = parser.getText();
    if (token == JsonToken.VALUE_STRING && ("true".equals(text) || "false".equals(text))) {
      return "true".equals(text);
    }
    return asText(parser, "boolValue", "not a boolean");
  }

  /** A doubleValue: a number, or one in quotes ("NaN" and "Infinity" too); anything else, or one beyond a double, kept as text. */
  private Object floating(JsonParser parser, JsonToken token) throws IOException {
    double value;
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      value = parser.getValueAsDouble();
    } else if (token == JsonToken.VALUE_STRING) {
      try {
        value = Double.parseDouble(parser.getText());
      } catch (NumberFormatException e) {
        return asText(parser, "doubleValue", "not a number");
      }
      if (Double.isInfinite(value) && INFINITY.matcher(parser.getText()).matches()) {
        return value; // written as one
      }
    } else {
      return asText(parser, "doubleValue", "not a number");
    }
    return Double.isInfinite(value) ? asText(parser, "doubleValue", "beyond a double") : (Object) value;
  }

  /** How an infinite double is written in OTLP JSON. */
  private static final java.util.regex.Pattern INFINITY = java.util.regex.Pattern.compile("\\s*[+-]?Infinity\\s*");

  /** An intValue: an integer, or one in quotes; anything else, or one beyond 64 bits, kept as text. */
  private Object integer(JsonParser parser, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        // Beyond 64 bits: kept as its digits, not rounded, with a warning naming its attribute.
        problem("intValue " + parser.getText() + " does not fit a 64-bit integer; kept as text");
        return parser.getText();
      }
      return parser.getValueAsLong();
    }
    if (token != JsonToken.VALUE_STRING) {
      return asText(parser, "intValue", "not an integer"); // 1.5, true
    }
    String text = parser.getText();
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      if (WIDE_INTEGER.matcher(text.trim()).matches()) {
        // As a bare one beyond 64 bits: some writers quote every 64-bit integer.
        problem("intValue " + text + " does not fit a 64-bit integer; kept as text");
        return text;
      }
      return asText(parser, "intValue", "not an integer");
    }
  }

  /** Digits that Long.parseLong refused: too many for 64 bits. */
  private static final java.util.regex.Pattern WIDE_INTEGER = java.util.regex.Pattern.compile("[+-]?[0-9]{1,64}");

  /** An arrayValue's list; null (a problem) when it is not an object. */
  private List<Object> readArrayValue(JsonParser parser) throws IOException {
    List<Object> values = new ArrayList<>();
    JsonToken start = parser.currentToken();
    if (start != JsonToken.START_OBJECT) {
      parser.skipChildren();
      if (start != JsonToken.VALUE_NULL) {
        problem("arrayValue is " + SkippedElements.describe(start) + ", not an object; ignored");
      }
      return null;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken token = parser.nextToken();
      if ("values".equals(field) && token == JsonToken.START_ARRAY) {
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
          if (token != JsonToken.START_OBJECT) {
            parser.skipChildren();
            problem("an element of its arrayValue is " + SkippedElements.describe(token) + ", not an AnyValue object; read as null");
            values.add(null);
            continue;
          }
          values.add(readAnyValue(parser)); // null for {}: an SDK writes a null element so, in its place
        }
      } else {
        parser.skipChildren();
        if ("values".equals(field) && token != JsonToken.VALUE_NULL) {
          problem("the values of its arrayValue are " + SkippedElements.describe(token) + ", not an array; left out");
        }
      }
    }
    return java.util.Collections.unmodifiableList(values);
  }

  /** Bytes as a read-only buffer (so equal bytes compare equal); text that is not base64 stays text, with a problem. */
  private Object bytes(JsonParser parser) throws IOException {
    try {
      return java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(parser.getText())).asReadOnlyBuffer();
    } catch (IllegalArgumentException e) {
      return asText(parser, "bytesValue", "not base64");
    }
  }

  /** A kvlistValue's map; null (a problem) when it is not an object. */
  private Map<String, Object> readKvList(JsonParser parser) throws IOException {
    Map<String, Object> values = Map.of();
    JsonToken start = parser.currentToken();
    if (start != JsonToken.START_OBJECT) {
      parser.skipChildren();
      if (start != JsonToken.VALUE_NULL) {
        problem("kvlistValue is " + SkippedElements.describe(start) + ", not an object; ignored");
      }
      return null;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      if ("values".equals(field)) {
        values = readKeyValues(parser, "the values of its kvlistValue");
      } else {
        parser.skipChildren();
      }
    }
    return java.util.Collections.unmodifiableMap(values);
  }
}
