package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cabtrace.replay.timeline.SpanEvent;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Jaeger's query API and UI download JSON: {@code {"data":[{"traceID","spans","processes"}]}}
 * with microsecond times, {@code references} for parents and typed {@code tags}.
 */
final class JaegerJsonReader {

  // Jaeger gives parents as references, read below.
  private static final ReadContext.SpanFieldNames SPAN_FIELDS =
      new ReadContext.SpanFieldNames("traceID", "spanID", null, "operationName");

  private final ReadContext context;

  JaegerJsonReader(ReadContext context) {
    this.context = context;
  }

  /** Reads Jaeger's {@code data} array; the parser stands on its START_ARRAY. */
  void readDataArray(JsonParser parser) throws IOException {
    JsonToken token;
    int index = 0;
    SkippedElements skipped = new SkippedElements();
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
      if (token == JsonToken.START_OBJECT) {
        readTrace(parser);
      } else {
        skipped.skip(index, token);
        parser.skipChildren();
      }
      index++;
    }
    skipped.warn(context, "Jaeger's data", "traces");
  }

  private void readTrace(JsonParser parser) throws IOException {
    List<TimelineSpan.Builder> spans = new ArrayList<>();
    List<String> processIds = new ArrayList<>();
    Map<String, Map<String, Object>> processes = new HashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("spans".equals(field) && value == JsonToken.START_ARRAY) {
        JsonToken token;
        int index = 0;
        SkippedElements skipped = new SkippedElements();
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
          if (token == JsonToken.START_OBJECT) {
            String[] processId = new String[1];
            TimelineSpan.Builder span = readSpan(parser, processId);
            if (span != null) {
              spans.add(span);
              processIds.add(processId[0]);
            }
          } else {
            skipped.skip(index, token);
            parser.skipChildren();
          }
          index++;
        }
        skipped.warn(context, "a Jaeger trace's spans", "spans");
      } else if ("processes".equals(field) && value == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String id = parser.currentName();
          parser.nextToken();
          processes.put(id, readProcess(parser));
        }
      } else {
        parser.skipChildren();
      }
    }
    for (int i = 0; i < spans.size(); i++) {
      Map<String, Object> process = processes.get(processIds.get(i));
      spans.get(i).setResource(context.resource(process == null ? Map.of() : process));
      context.add(spans.get(i));
    }
  }

  private Map<String, Object> readProcess(JsonParser parser) throws IOException {
    Map<String, Object> resource = new LinkedHashMap<>();
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return resource;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      if ("serviceName".equals(field)) {
        String service = context.scalarText(parser, field);
        if (service != null) {
          resource.put("service.name", service);
        }
      } else if ("tags".equals(field)) {
        resource.putAll(readTags(parser));
      } else {
        parser.skipChildren();
      }
    }
    return resource;
  }

  /** A span, or null, with a warning, for one that has no place in time (no start). */
  private TimelineSpan.Builder readSpan(JsonParser parser, String[] processId) throws IOException {
    context.spanStarts();
    TimelineSpan.Builder span = TimelineSpan.builder();
    String start = null;
    String duration = null;
    Map<String, Object> tags = Map.of();
    String field;
    while ((field = context.nextSpanField(span, parser, SPAN_FIELDS)) != null) {
      JsonToken value = parser.currentToken();
      switch (field) {
        case "references":
          readReferences(parser, span, value);
          break;
        case "startTime":
          start = context.scalarText(parser, field);
          break;
        case "duration":
          duration = context.scalarText(parser, field);
          break;
        case "tags":
          tags = readTags(parser);
          break;
        case "logs":
          context.readEvents(parser, span, this::readLog);
          break;
        case "processID":
          processId[0] = context.scalarText(parser, field);
          break;
        default:
          parser.skipChildren();
      }
    }
    if (!context.setMicrosTimes(span, "startTime", start, "duration", duration)) {
      return null;
    }
    StatusTags status = new StatusTags(false);
    for (Map.Entry<String, Object> tag : tags.entrySet()) {
      String key = tag.getKey();
      Object value = tag.getValue();
      if (status.read(key, value)) {
        continue;
      }
      switch (key) {
        case "span.kind":
          span.setSpanKind(String.valueOf(value).toUpperCase(java.util.Locale.ROOT));
          break;
        case "otel.scope.name":
        case "otel.scope.version":
        case "otel.library.name":
        case "otel.library.version":
        case "internal.span.format":
          break;
        default:
          span.putAttribute(key, value);
      }
    }
    status.applyTo(span);
    return span;
  }

  private void readReferences(JsonParser parser, TimelineSpan.Builder span, JsonToken value) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      parser.skipChildren();
      return;
    }
    boolean haveParent = false;
    while (context.nextObject(parser, "Jaeger reference")) {
      String type = null;
      String spanId = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if ("refType".equals(field)) {
          type = context.scalarText(parser, field);
        } else if ("spanID".equals(field)) {
          spanId = context.scalarText(parser, field);
        } else {
          parser.skipChildren();
        }
      }
      // CHILD_OF names the parent; FOLLOWS_FROM is a parent only when nothing else is.
      if (!haveParent && Ids.parse(spanId, context.spanId, 1)) {
        span.setParentSpanId(context.spanId[0]);
        haveParent = "CHILD_OF".equals(type);
      }
    }
  }

  private SpanEvent readLog(JsonParser parser) throws IOException {
    long time = 0;
    String timeText = null;
    boolean timeNamed = false; // a timestamp that is no value is named as such, not again as missing
    Map<String, Object> fields = Map.of();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      if ("timestamp".equals(field)) {
        timeNamed = parser.currentToken().isStructStart();
        timeText = context.scalarText(parser, field);
        time = context.micros(timeText);
      } else if ("fields".equals(field)) {
        fields = readTags(parser);
      } else {
        parser.skipChildren();
      }
    }
    Map<String, Object> attributes = new LinkedHashMap<>(fields);
    Object name = attributes.remove("event");
    String eventName = name == null ? "log" : String.valueOf(name);
    boolean none = timeText == null || timeText.isEmpty();
    // None, or 0; text that is not a time was named by micros().
    if (!timeNamed && (none || (time == 0 && context.time(timeText) == 0))) {
      context.warn("log \"" + eventName + "\" has no timestamp" + (none ? "" : " (it is 0)") + "; read as 0");
    }
    return new SpanEvent(time, eventName, attributes);
  }

  /** [{"key","type","value"}] with types string, bool, int64, float64, binary. */
  private Map<String, Object> readTags(JsonParser parser) throws IOException {
    Map<String, Object> tags = new LinkedHashMap<>();
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      parser.skipChildren();
      return tags;
    }
    while (context.nextObject(parser, "Jaeger tag")) {
      String key = null;
      Object value = null;
      JsonToken valueToken = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken token = parser.nextToken();
        if ("key".equals(field)) {
          key = context.intern(context.scalarText(parser, field));
        } else if ("value".equals(field)) {
          valueToken = token;
          value = scalar(parser, token);
        } else {
          parser.skipChildren();
        }
      }
      // Warned here, where the key is known: it may come after the value.
      if (value instanceof String && valueToken == JsonToken.VALUE_NUMBER_INT) {
        context.warn("tag " + key + ": " + value + " does not fit a 64-bit integer; kept as text");
      } else if (valueToken != null && valueToken.isStructStart()) {
        context.warn("tag " + key + ": its value is " + (valueToken == JsonToken.START_OBJECT ? "an object" : "an array")
            + ", not a value; ignored");
      }
      if (key != null && value != null) {
        tags.put(key, value);
      }
    }
    return tags;
  }

  private Object scalar(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NUMBER_INT:
        // Beyond 64 bits, kept as its digits, not rounded (readTags warns, naming the key).
        return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getText() : parser.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return parser.getValueAsDouble();
      case VALUE_STRING:
        return context.intern(parser.getText());
      default:
        parser.skipChildren();
        return null;
    }
  }
}
