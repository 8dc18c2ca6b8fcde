package dev.cabtrace.sdk.persist;

import static dev.cabtrace.sdk.persist.LineBuffer.ascii;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * Writes one span as an OTLP JSON Span object, for {@link OtlpJsonLineEncoder}: ids, times, name,
 * kind, events, links, status and flags, as the official marshaler writes them; its attributes and
 * those of its events and links by {@link OtlpJsonAttributeWriter}.
 */
final class OtlpJsonSpanWriter {

  private static final byte[] TRACE_ID = ascii("{\"traceId\":\"");
  private static final byte[] SPAN_ID = ascii("\",\"spanId\":\"");
  private static final byte[] TRACE_STATE = ascii(",\"traceState\":");
  private static final byte[] PARENT_SPAN_ID = ascii(",\"parentSpanId\":\"");
  private static final byte[] NAME = ascii(",\"name\":");
  private static final byte[] KIND = ascii(",\"kind\":");
  private static final byte[] START_TIME = ascii(",\"startTimeUnixNano\":\"");
  private static final byte[] END_TIME = ascii("\",\"endTimeUnixNano\":\"");
  private static final byte[] QUOTE_COMMA = ascii("\",");
  private static final byte[] DROPPED_ATTRIBUTES = ascii(",\"droppedAttributesCount\":");
  private static final byte[] EVENTS_START = ascii(",\"events\":[");
  private static final byte[] EVENT_START = ascii("{\"timeUnixNano\":\"");
  private static final byte[] DROPPED_EVENTS = ascii(",\"droppedEventsCount\":");
  private static final byte[] LINKS_START = ascii(",\"links\":[");
  private static final byte[] DROPPED_LINKS = ascii(",\"droppedLinksCount\":");
  private static final byte[] STATUS_START = ascii(",\"status\":{");
  private static final byte[] MESSAGE = ascii("\"message\":");
  private static final byte[] CODE = ascii("\"code\":");
  private static final byte[] FLAGS = ascii(",\"flags\":");

  private final LineBuffer out;
  private final EncodedStrings strings;
  private final OtlpJsonAttributeWriter attributes;

  OtlpJsonSpanWriter(LineBuffer out, EncodedStrings strings, OtlpJsonAttributeWriter attributes) {
    this.out = out;
    this.strings = strings;
    this.attributes = attributes;
  }

  /** One span object, {@code {"traceId":...,"flags":...}}. */
  void write(SpanData span) {
    SpanContext context = span.getSpanContext();
    SpanContext parent = span.getParentSpanContext();
    out.write(TRACE_ID);
    out.writeAscii(context.getTraceId());
    out.write(SPAN_ID);
    out.writeAscii(context.getSpanId());
    out.write('"');
    writeTraceState(context);
    if (parent.isValid()) {
      out.write(PARENT_SPAN_ID);
      out.writeAscii(parent.getSpanId());
      out.write('"');
    }
    out.write(NAME);
    strings.write(span.getName());
    out.write(KIND);
    out.writeLong(kindNumber(span.getKind()));
    out.write(START_TIME);
    out.writeUnsignedLong(span.getStartEpochNanos());
    out.write(END_TIME);
    out.writeUnsignedLong(span.getEndEpochNanos());
    out.write(QUOTE_COMMA);
    Attributes spanAttributes = span.getAttributes();
    attributes.write(spanAttributes);
    writeCount(DROPPED_ATTRIBUTES, span.getTotalAttributeCount() - spanAttributes.size());
    List<EventData> events = span.getEvents();
    out.write(EVENTS_START);
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      writeEvent(events.get(i));
    }
    out.write(']');
    writeCount(DROPPED_EVENTS, span.getTotalRecordedEvents() - events.size());
    List<LinkData> links = span.getLinks();
    out.write(LINKS_START);
    for (int i = 0; i < links.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      writeLink(links.get(i));
    }
    out.write(']');
    writeCount(DROPPED_LINKS, span.getTotalRecordedLinks() - links.size());
    writeStatus(span.getStatus());
    out.write(FLAGS);
    out.writeLong(flags(context, parent.isRemote()));
    out.write('}');
  }

  private void writeEvent(EventData event) {
    out.write(EVENT_START);
    out.writeUnsignedLong(event.getEpochNanos());
    out.write('"');
    out.write(NAME);
    out.writeString(event.getName());
    out.write(',');
    attributes.write(event.getAttributes());
    writeCount(DROPPED_ATTRIBUTES, event.getTotalAttributeCount() - event.getAttributes().size());
    out.write('}');
  }

  private void writeLink(LinkData link) {
    SpanContext linked = link.getSpanContext();
    out.write(TRACE_ID);
    out.writeAscii(linked.getTraceId());
    out.write(SPAN_ID);
    out.writeAscii(linked.getSpanId());
    out.write('"');
    writeTraceState(linked);
    out.write(',');
    attributes.write(link.getAttributes());
    writeCount(DROPPED_ATTRIBUTES, link.getTotalAttributeCount() - link.getAttributes().size());
    out.write(FLAGS);
    out.writeLong(flags(linked, linked.isRemote()));
    out.write('}');
  }

  private void writeStatus(StatusData status) {
    out.write(STATUS_START);
    String description = status.getDescription();
    if (!description.isEmpty()) {
      out.write(MESSAGE);
      out.writeString(description);
    }
    int code = statusNumber(status.getStatusCode());
    if (code != 0) {
      if (!description.isEmpty()) {
        out.write(',');
      }
      out.write(CODE);
      out.writeLong(code);
    }
    out.write('}');
  }

  private void writeCount(byte[] field, int count) {
    if (count > 0) {
      out.write(field);
      out.writeLong(count);
    }
  }

  private void writeTraceState(SpanContext context) {
    if (context.getTraceState().isEmpty()) {
      return;
    }
    StringBuilder state = new StringBuilder();
    context
        .getTraceState()
        .forEach(
            (key, value) -> {
              if (state.length() > 0) {
                state.append(',');
              }
              state.append(key).append('=').append(value);
            });
    out.write(TRACE_STATE);
    out.writeString(state.toString());
  }

  /** The OTLP span flags: W3C trace flags plus the "parent is remote" bits (known, and value). */
  private static int flags(SpanContext context, boolean remote) {
    int flags = context.getTraceFlags().asByte() & 0xff;
    flags |= 0x100;
    if (remote) {
      flags |= 0x200;
    }
    return flags;
  }

  private static int kindNumber(SpanKind kind) {
    switch (kind) {
      case INTERNAL:
        return 1;
      case SERVER:
        return 2;
      case CLIENT:
        return 3;
      case PRODUCER:
        return 4;
      case CONSUMER:
        return 5;
    }
    return 0;
  }

  private static int statusNumber(StatusCode code) {
    switch (code) {
      case OK:
        return 1;
      case ERROR:
        return 2;
      default:
        return 0;
    }
  }
}
