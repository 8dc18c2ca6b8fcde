package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cabtrace.replay.internal.CompactAttributes;
import dev.cabtrace.replay.timeline.SpanEvent;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads OTLP JSON as real producers write it: {@code resourceSpans} or {@code batches}, {@code
 * scopeSpans} or {@code instrumentationLibrarySpans}, ids in hex or base64, 64-bit integers as
 * strings or numbers, enums as integers or names; and Tempo's {@code {"trace":{...}}} wrapper.
 */
final class OtlpJsonReader {

  private static final ReadContext.SpanFieldNames SPAN_FIELDS =
      new ReadContext.SpanFieldNames("traceId", "spanId", "parentSpanId", "name", true);

  private final ReadContext context;
  /** How deep in attribute values the reader is: 0 in a list of attributes of a span, an event or a resource. */
  private int valueDepth;
  /** What was odd in the value of the attribute being read, to be said naming its key: see {@link #problem}. */
  private final List<String> problems = new ArrayList<>();

  OtlpJsonReader(ReadContext context) {
    this.context = context;
  }

  /**
   * Reads one top-level field of a trace document if it is OTLP's ({@code resourceSpans}, {@code
   * batches}, or Tempo's {@code trace} wrapper); the parser stands on the field's value.
   *
   * @return whether the field was one of these
   */
  boolean readTopLevelField(JsonParser parser, String field) throws IOException {
    JsonToken value = parser.currentToken();
    if ("resourceSpans".equals(field) || "batches".equals(field)) {
      if (value != JsonToken.START_ARRAY) {
        context.wrongShape(parser, field, "an array");
        return true; // a trace's field: the load says why no spans came of it
      }
      while (context.nextObject(parser, "resourceSpans element")) {
        readResourceSpans(parser);
      }
      return true;
    }
    if ("trace".equals(field) && value == JsonToken.START_OBJECT) {
      // Tempo's /api/v2/traces/{id}: {"trace":{"resourceSpans":[...]}}
      boolean any = false;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String inner = parser.currentName();
        parser.nextToken();
        if (readTopLevelField(parser, inner)) {
          any = true;
        } else {
          parser.skipChildren();
        }
      }
      return any;
    }
    return false;
  }

  private void readResourceSpans(JsonParser parser) throws IOException {
    Map<String, Object> resource = Map.of();
    List<TimelineSpan.Builder> pending = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("resource".equals(field)) {
        if (value == JsonToken.START_OBJECT) {
          resource = context.resource(readAttributesHolder(parser));
        } else {
          context.wrongShape(parser, field, "an object");
        }
      } else if ("scopeSpans".equals(field) || "instrumentationLibrarySpans".equals(field)) {
        if (value != JsonToken.START_ARRAY) {
          context.wrongShape(parser, field, "an array");
        }
        while (value == JsonToken.START_ARRAY && context.nextObject(parser, "scopeSpans element")) {
          readScopeSpans(parser, pending);
        }
      } else {
        parser.skipChildren();
      }
    }
    // The resource may come after the spans in the object: attach it at the end.
    for (TimelineSpan.Builder span : pending) {
      span.setResource(resource);
      context.add(span);
    }
  }

  private void readScopeSpans(JsonParser parser, List<TimelineSpan.Builder> out) throws IOException {
    String scope = "";
    int first = out.size();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("spans".equals(field)) {
        if (value != JsonToken.START_ARRAY) {
          context.wrongShape(parser, field, "an array");
        }
        while (value == JsonToken.START_ARRAY && context.nextObject(parser, "span")) {
          TimelineSpan.Builder span = readSpan(parser);
          if (span != null) {
            out.add(span);
          }
        }
      } else if ("scope".equals(field) || "instrumentationLibrary".equals(field)) {
        if (value == JsonToken.START_OBJECT) {
          scope = readScopeName(parser);
        } else {
          context.wrongShape(parser, field, "an object");
        }
      } else {
        parser.skipChildren();
      }
    }
    for (int i = first; i < out.size(); i++) {
      out.get(i).setScope(scope);
    }
  }

  String readScopeName(JsonParser parser) throws IOException {
    String name = "";
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      if ("name".equals(field)) {
        String text = context.scalarText(parser, "scope name");
        name = text == null ? "" : context.intern(text);
      } else {
        parser.skipChildren();
      }
    }
    return name;
  }

  /** Reads one span object; the parser stands on its START_OBJECT. Null for one skipped (with a warning). */
  TimelineSpan.Builder readSpan(JsonParser parser) throws IOException {
    context.spanStarts();
    TimelineSpan.Builder span = TimelineSpan.builder();
    String start = null;
    String end = null;
    long[] dropped = null;
    Map<String, Object> attributes = null;
    String field;
    context.newSpan();
    while ((field = context.nextSpanField(span, parser, SPAN_FIELDS)) != null) {
      JsonToken value = parser.currentToken();
      switch (field) {
        case "kind":
          span.setSpanKind(spanKind(parser));
          break;
        case "startTimeUnixNano":
          start = context.scalarText(parser, field);
          break;
        case "endTimeUnixNano":
          end = context.scalarText(parser, field);
          break;
        case "attributes":
          Map<String, Object> read = readKeyValues(parser, "attributes");
          if (attributes == null) {
            attributes = read;
            break;
          }
          // A second list: a later key replaces an earlier one, as in one list.
          attributes = attributes instanceof LinkedHashMap ? attributes : new LinkedHashMap<>(attributes);
          for (Map.Entry<String, Object> attribute : read.entrySet()) {
            if (attributes.containsKey(attribute.getKey())) {
              context.warn("attribute " + attribute.getKey() + ": written twice; the last value kept");
            }
            attributes.put(attribute.getKey(), attribute.getValue());
          }
          break;
        case "events":
          context.readEvents(parser, span, this::readEvent, "events");
          break;
        case "status":
          readStatus(parser, span);
          break;
        case "droppedAttributesCount":
        case "droppedEventsCount":
        case "droppedLinksCount":
          long count = droppedCount(parser);
          if (count > 0) {
            dropped = dropped == null ? new long[3] : dropped;
            dropped[field.charAt(7) == 'A' ? 0 : field.charAt(7) == 'E' ? 1 : 2] = count;
          }
          break;
        default:
          parser.skipChildren();
      }
    }
    if (attributes != null) {
      span.setAttributes(compact(attributes));
    }
    if (!context.setTimes(span, "startTimeUnixNano", start, "endTimeUnixNano", end)) {
      return null;
    }
    context.warnOfTraceId(span);
    if (dropped != null) {
      warnDropped(span.build(), dropped);
    }
    return span;
  }

  /** A dropped count: a number, or its text as some writers quote integers; 0 for anything else. */
  private static long droppedCount(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT) {
      return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? Long.MAX_VALUE : parser.getLongValue();
    }
    if (token == JsonToken.VALUE_STRING) {
      try {
        return Long.parseLong(parser.getText());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    parser.skipChildren();
    return 0;
  }

  /**
   * Says what the SDK that captured {@code span} dropped of it (its span limits: by default 128
   * attributes, events and links a span): the trace does not hold them, and nothing else tells.
   */
  private void warnDropped(TimelineSpan span, long[] dropped) {
    StringBuilder what = new StringBuilder();
    String[] names = {"attribute(s)", "event(s)", "link(s)"};
    for (int i = 0; i < dropped.length; i++) {
      if (dropped[i] > 0) {
        what.append(what.length() == 0 ? "" : ", ").append(dropped[i]).append(' ').append(names[i]);
      }
    }
    context.warnOfKind("dropped when captured", "span " + span.spanId() + " (" + span.name() + "): the SDK that"
        + " captured it dropped " + what + " (its span limits); the trace does not hold them");
  }

  SpanEvent readEvent(JsonParser parser) throws IOException {
    String timeText = null;
    String name = "";
    Map<String, Object> attributes = Map.of();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "timeUnixNano":
          timeText = context.scalarText(parser, "event time");
          break;
        case "name":
          name = context.intern(context.scalarText(parser, "event name"));
          break;
        case "attributes":
          attributes = readKeyValues(parser, "attributes");
          break;
        default:
          parser.skipChildren();
      }
    }
    long time = context.nanos(timeText);
    boolean none = timeText == null || timeText.isEmpty();
    // None, or 0 (a protobuf sender's unset time); text that is not a time was named by nanos().
    if (none || (time == 0 && context.time(timeText) == 0)) {
      context.warn("event \"" + name + "\" has no timeUnixNano" + (none ? "" : " (it is 0)") + "; read as 0");
    }
    return new SpanEvent(time, name == null ? "" : name, attributes);
  }

  private void readStatus(JsonParser parser, TimelineSpan.Builder span) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      context.wrongShape(parser, "status", "an object");
      return;
    }
    SpanStatus status = SpanStatus.UNSET;
    String message = "";
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("code".equals(field)) {
        status = statusCode(parser, value);
      } else if ("message".equals(field)) {
        String text = context.scalarText(parser, "status message");
        message = text == null ? "" : text;
      } else {
        parser.skipChildren();
      }
    }
    span.setStatus(status, message);
  }

  private SpanStatus statusCode(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      int code = enumNumber(parser);
      return code == 1 ? SpanStatus.OK : code == 2 ? SpanStatus.ERROR : SpanStatus.UNSET;
    }
    String text = context.scalarText(parser, "status code");
    if (text == null) {
      return SpanStatus.UNSET;
    }
    if (!text.isEmpty() && text.length() < 10 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // Its number as text ("2"), as some writers quote every integer.
      int code = Integer.parseInt(text);
      return code == 1 ? SpanStatus.OK : code == 2 ? SpanStatus.ERROR : SpanStatus.UNSET;
    }
    if (text.endsWith("ERROR")) {
      return SpanStatus.ERROR;
    }
    if (text.endsWith("OK")) {
      return SpanStatus.OK;
    }
    return SpanStatus.UNSET;
  }

  /** An enum's number; -1 (no such value) for one beyond an int, which Jackson would not read as one. */
  private static int enumNumber(JsonParser parser) throws IOException {
    return parser.getNumberType() == JsonParser.NumberType.INT ? parser.getIntValue() : -1;
  }

  private String spanKind(JsonParser parser) throws IOException {
    if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      switch (enumNumber(parser)) {
        case 2:
          return "SERVER";
        case 3:
          return "CLIENT";
        case 4:
          return "PRODUCER";
        case 5:
          return "CONSUMER";
        default:
          return "INTERNAL";
      }
    }
    String text = context.scalarText(parser, "kind");
    if (text == null) {
      return "INTERNAL";
    }
    String name = text.startsWith("SPAN_KIND_") ? text.substring("SPAN_KIND_".length()) : text;
    switch (name) {
      case "SERVER":
      case "CLIENT":
      case "PRODUCER":
      case "CONSUMER":
        return name;
      default:
        return "INTERNAL";
    }
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
        problem(what + " are " + ReadContext.kind(parser.currentToken()) + ", not an array; left out");
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
          problem("an element of " + what + " is " + ReadContext.kind(token) + ", not a key-value; left out");
        } else {
          context.warn("an attribute that is " + ReadContext.kind(token) + ", not an object; skipped");
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
      problem("a key in " + what + " is " + ReadContext.kind(token) + ", not a string; left out");
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
        problem("its value is " + ReadContext.kind(start) + ", not an AnyValue object; ignored");
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
        problem(field + " is " + ReadContext.kind(token) + ", not a value; ignored");
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
        problem("arrayValue is " + ReadContext.kind(start) + ", not an object; ignored");
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
            problem("an element of its arrayValue is " + ReadContext.kind(token) + ", not an AnyValue object; read as null");
            values.add(null);
            continue;
          }
          values.add(readAnyValue(parser)); // null for {}: an SDK writes a null element so, in its place
        }
      } else {
        parser.skipChildren();
        if ("values".equals(field) && token != JsonToken.VALUE_NULL) {
          problem("the values of its arrayValue are " + ReadContext.kind(token) + ", not an array; left out");
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
        problem("kvlistValue is " + ReadContext.kind(start) + ", not an object; ignored");
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
