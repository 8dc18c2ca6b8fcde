package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
  /** Attributes and their values. */
  private final OtlpKeyValueReader values;

  OtlpJsonReader(ReadContext context) {
    this.context = context;
    this.values = new OtlpKeyValueReader(context);
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
          resource = context.resource(values.readAttributesHolder(parser));
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
          Map<String, Object> read = values.readKeyValues(parser);
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
      span.setAttributes(OtlpKeyValueReader.compact(attributes));
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
          attributes = values.readKeyValues(parser);
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
}
