package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cabtrace.replay.timeline.SpanEvent;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads Zipkin v2 JSON, as {@code /api/v2/trace/{id}} returns it: an array of spans with
 * microsecond {@code timestamp} and {@code duration}, string {@code tags} and {@code annotations}.
 */
final class ZipkinJsonReader {

  private static final ReadContext.SpanFieldNames SPAN_FIELDS =
      new ReadContext.SpanFieldNames("traceId", "id", "parentId", "name");

  private final ReadContext context;

  ZipkinJsonReader(ReadContext context) {
    this.context = context;
  }

  /** Reads the array; the parser stands on its START_ARRAY. */
  void readDocument(JsonParser parser) throws IOException {
    JsonToken token;
    int index = 0;
    SkippedElements skipped = new SkippedElements();
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
      if (token == JsonToken.START_ARRAY) {
        // /api/v2/traces returns a list of traces, each a list of spans.
        readDocument(parser);
      } else if (token == JsonToken.START_OBJECT) {
        readSpan(parser);
      } else {
        skipped.skip(index, token);
      }
      index++;
    }
    skipped.warn(context, "a Zipkin span list", "spans");
  }

  private void readSpan(JsonParser parser) throws IOException {
    context.spanStarts();
    TimelineSpan.Builder span = TimelineSpan.builder();
    String start = null;
    String duration = null;
    Map<String, Object> resource = new LinkedHashMap<>();
    Map<String, String> tags = new LinkedHashMap<>();
    String field;
    while ((field = context.nextSpanField(span, parser, SPAN_FIELDS)) != null) {
      switch (field) {
        case "kind":
          String kind = context.scalarText(parser, field);
          span.setSpanKind(kind == null ? "INTERNAL" : kind);
          break;
        case "timestamp":
          start = context.scalarText(parser, field);
          break;
        case "duration":
          duration = context.scalarText(parser, field);
          break;
        case "localEndpoint":
          readEndpoint(parser, resource);
          break;
        case "tags":
          readTags(parser, tags);
          break;
        case "annotations":
          context.readEvents(parser, span, this::readAnnotation);
          break;
        default:
          parser.skipChildren();
      }
    }
    if (!context.setMicrosTimes(span, "timestamp", start, "duration", duration)) {
      return;
    }
    StatusTags status = new StatusTags(true);
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      String key = tag.getKey();
      if (!status.read(key, tag.getValue()) && !key.startsWith("otel.scope.") && !key.startsWith("otel.library.")) {
        span.putAttribute(key, tag.getValue());
      }
    }
    status.applyTo(span);
    span.setResource(context.resource(resource));
    context.add(span);
  }

  /**
   * Zipkin's tags: strings, kept as the strings they are ("02134" is not a number; what reads a
   * count or a verdict reads it from text). A value that is not a string is left out with a warning.
   */
  private void readTags(JsonParser parser, Map<String, String> tags) throws IOException {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.START_OBJECT) {
      parser.skipChildren();
      if (token != JsonToken.VALUE_NULL) {
        context.warn("tags is " + SkippedElements.describe(token) + ", not an object; ignored");
      }
      return;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = context.intern(parser.currentName());
      JsonToken value = parser.nextToken();
      if (value == JsonToken.VALUE_STRING) {
        tags.put(key, context.intern(parser.getText()));
      } else {
        parser.skipChildren();
        context.warnOfKind("Zipkin tag not a string",
            "tag " + key + " is " + SkippedElements.describe(value) + ", not a string; ignored");
      }
    }
  }

  private void readEndpoint(JsonParser parser, Map<String, Object> resource) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      if ("serviceName".equals(field)) {
        String service = context.scalarText(parser, field);
        if (service != null) {
          resource.put("service.name", service);
        }
      } else {
        parser.skipChildren();
      }
    }
  }

  private SpanEvent readAnnotation(JsonParser parser) throws IOException {
    long time = 0;
    String timeText = null;
    boolean timeNamed = false; // a timestamp that is no value is named as such, not again as missing
    String value = "";
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      if ("timestamp".equals(field)) {
        timeNamed = parser.currentToken().isStructStart();
        timeText = context.scalarText(parser, field);
        time = context.micros(timeText);
      } else if ("value".equals(field)) {
        String text = context.scalarText(parser, field);
        value = text == null ? "" : text;
      } else {
        parser.skipChildren();
      }
    }
    boolean none = timeText == null || timeText.isEmpty();
    // None, or 0; text that is not a time was named by micros().
    if (!timeNamed && (none || (time == 0 && context.time(timeText) == 0))) {
      context.warn("annotation \"" + value + "\" has no timestamp" + (none ? "" : " (it is 0)") + "; read as 0");
    }
    return new SpanEvent(time, value, Map.of());
  }
}
