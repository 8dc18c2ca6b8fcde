package dev.cabtrace.sdk.persist;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes a batch of spans as one line of OTLP JSON ({@code {"resourceSpans":[...]}} and a
 * newline), field for field as the OpenTelemetry protobuf JSON mapping and the official Java
 * marshaller write it: lowercase hex ids, 64-bit integers as decimal strings, enums as integers.
 * Not thread-safe: one encoder per writer.
 */
final class OtlpJsonLineEncoder {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private final LineBuffer buffer = new LineBuffer(64 * 1024);

  /** Encodes {@code spans} and returns the buffer holding exactly one line. */
  LineBuffer encode(Collection<SpanData> spans) throws IOException {
    buffer.reset();
    try (JsonGenerator json = JSON.createGenerator(buffer)) {
      json.writeStartObject();
      json.writeArrayFieldStart("resourceSpans");
      for (Map.Entry<Resource, Map<InstrumentationScopeInfo, List<SpanData>>> byResource :
          group(spans).entrySet()) {
        writeResourceSpans(json, byResource.getKey(), byResource.getValue());
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    buffer.write('\n');
    return buffer;
  }

  private static Map<Resource, Map<InstrumentationScopeInfo, List<SpanData>>> group(
      Collection<SpanData> spans) {
    Map<Resource, Map<InstrumentationScopeInfo, List<SpanData>>> grouped = new LinkedHashMap<>();
    Resource lastResource = null;
    InstrumentationScopeInfo lastScope = null;
    List<SpanData> last = null;
    for (SpanData span : spans) {
      Resource resource = span.getResource();
      InstrumentationScopeInfo scope = span.getInstrumentationScopeInfo();
      // Spans of one process share the same instances: skip the hashing in that common case.
      if (last == null || resource != lastResource || scope != lastScope) {
        last =
            grouped
                .computeIfAbsent(resource, r -> new LinkedHashMap<>())
                .computeIfAbsent(scope, s -> new ArrayList<>());
        lastResource = resource;
        lastScope = scope;
      }
      last.add(span);
    }
    return grouped;
  }

  private static void writeResourceSpans(
      JsonGenerator json, Resource resource, Map<InstrumentationScopeInfo, List<SpanData>> scopes)
      throws IOException {
    json.writeStartObject();
    json.writeObjectFieldStart("resource");
    writeAttributes(json, resource.getAttributes());
    json.writeEndObject();
    json.writeArrayFieldStart("scopeSpans");
    for (Map.Entry<InstrumentationScopeInfo, List<SpanData>> scopeSpans : scopes.entrySet()) {
      writeScopeSpans(json, scopeSpans.getKey(), scopeSpans.getValue());
    }
    json.writeEndArray();
    if (resource.getSchemaUrl() != null) {
      json.writeStringField("schemaUrl", resource.getSchemaUrl());
    }
    json.writeEndObject();
  }

  private static void writeScopeSpans(
      JsonGenerator json, InstrumentationScopeInfo scope, List<SpanData> spans)
      throws IOException {
    json.writeStartObject();
    json.writeObjectFieldStart("scope");
    json.writeStringField("name", scope.getName());
    if (scope.getVersion() != null) {
      json.writeStringField("version", scope.getVersion());
    }
    writeAttributes(json, scope.getAttributes());
    json.writeEndObject();
    json.writeArrayFieldStart("spans");
    for (SpanData span : spans) {
      writeSpan(json, span);
    }
    json.writeEndArray();
    if (scope.getSchemaUrl() != null) {
      json.writeStringField("schemaUrl", scope.getSchemaUrl());
    }
    json.writeEndObject();
  }

  private static void writeSpan(JsonGenerator json, SpanData span) throws IOException {
    SpanContext context = span.getSpanContext();
    SpanContext parent = span.getParentSpanContext();
    json.writeStartObject();
    json.writeStringField("traceId", context.getTraceId());
    json.writeStringField("spanId", context.getSpanId());
    String traceState = w3cTraceState(context);
    if (!traceState.isEmpty()) {
      json.writeStringField("traceState", traceState);
    }
    if (parent.isValid()) {
      json.writeStringField("parentSpanId", parent.getSpanId());
    }
    json.writeStringField("name", span.getName());
    json.writeNumberField("kind", kindNumber(span.getKind()));
    writeNanos(json, "startTimeUnixNano", span.getStartEpochNanos());
    writeNanos(json, "endTimeUnixNano", span.getEndEpochNanos());
    writeAttributes(json, span.getAttributes());
    writeDropped(json, span.getTotalAttributeCount() - span.getAttributes().size());
    json.writeArrayFieldStart("events");
    for (EventData event : span.getEvents()) {
      json.writeStartObject();
      writeNanos(json, "timeUnixNano", event.getEpochNanos());
      json.writeStringField("name", event.getName());
      writeAttributes(json, event.getAttributes());
      writeDropped(json, event.getTotalAttributeCount() - event.getAttributes().size());
      json.writeEndObject();
    }
    json.writeEndArray();
    writeDroppedNamed(json, "droppedEventsCount", span.getTotalRecordedEvents() - span.getEvents().size());
    json.writeArrayFieldStart("links");
    for (LinkData link : span.getLinks()) {
      SpanContext linked = link.getSpanContext();
      json.writeStartObject();
      json.writeStringField("traceId", linked.getTraceId());
      json.writeStringField("spanId", linked.getSpanId());
      String linkedState = w3cTraceState(linked);
      if (!linkedState.isEmpty()) {
        json.writeStringField("traceState", linkedState);
      }
      writeAttributes(json, link.getAttributes());
      writeDropped(json, link.getTotalAttributeCount() - link.getAttributes().size());
      json.writeNumberField("flags", flags(linked, linked.isRemote()));
      json.writeEndObject();
    }
    json.writeEndArray();
    writeDroppedNamed(json, "droppedLinksCount", span.getTotalRecordedLinks() - span.getLinks().size());
    writeStatus(json, span.getStatus());
    json.writeNumberField("flags", flags(context, parent.isRemote()));
    json.writeEndObject();
  }

  private static void writeStatus(JsonGenerator json, StatusData status) throws IOException {
    json.writeObjectFieldStart("status");
    if (!status.getDescription().isEmpty()) {
      json.writeStringField("message", status.getDescription());
    }
    int code = statusNumber(status.getStatusCode());
    if (code != 0) {
      json.writeNumberField("code", code);
    }
    json.writeEndObject();
  }

  static void writeAttributes(JsonGenerator json, Attributes attributes) throws IOException {
    json.writeArrayFieldStart("attributes");
    IOException[] failure = new IOException[1];
    attributes.forEach(
        (key, value) -> {
          if (failure[0] != null) {
            return;
          }
          try {
            json.writeStartObject();
            json.writeStringField("key", key.getKey());
            json.writeFieldName("value");
            writeAnyValue(json, key, value);
            json.writeEndObject();
          } catch (IOException e) {
            failure[0] = e;
          }
        });
    if (failure[0] != null) {
      throw failure[0];
    }
    json.writeEndArray();
  }

  private static void writeAnyValue(JsonGenerator json, AttributeKey<?> key, Object value)
      throws IOException {
    json.writeStartObject();
    switch (key.getType()) {
      case STRING:
        json.writeStringField("stringValue", (String) value);
        break;
      case BOOLEAN:
        json.writeBooleanField("boolValue", (Boolean) value);
        break;
      case LONG:
        json.writeStringField("intValue", Long.toString((Long) value));
        break;
      case DOUBLE:
        json.writeNumberField("doubleValue", (Double) value);
        break;
      case STRING_ARRAY:
      case BOOLEAN_ARRAY:
      case LONG_ARRAY:
      case DOUBLE_ARRAY:
        json.writeObjectFieldStart("arrayValue");
        json.writeArrayFieldStart("values");
        for (Object element : (List<?>) value) {
          writeArrayElement(json, key.getType(), element);
        }
        json.writeEndArray();
        json.writeEndObject();
        break;
      case VALUE:
        writeValueFields(json, (Value<?>) value);
        break;
      default:
        json.writeStringField("stringValue", String.valueOf(value));
    }
    json.writeEndObject();
  }

  /** The fields of an AnyValue for an OpenTelemetry {@link Value}: every type, nested. */
  @SuppressWarnings("unchecked")
  private static void writeValueFields(JsonGenerator json, Value<?> value) throws IOException {
    switch (value.getType()) {
      case STRING:
        json.writeStringField("stringValue", (String) value.getValue());
        break;
      case BOOLEAN:
        json.writeBooleanField("boolValue", (Boolean) value.getValue());
        break;
      case LONG:
        json.writeStringField("intValue", Long.toString((Long) value.getValue()));
        break;
      case DOUBLE:
        json.writeNumberField("doubleValue", (Double) value.getValue());
        break;
      case BYTES:
        ByteBuffer bytes = ((ByteBuffer) value.getValue()).duplicate();
        byte[] raw = new byte[bytes.remaining()];
        bytes.get(raw);
        json.writeStringField("bytesValue", Base64.getEncoder().encodeToString(raw));
        break;
      case ARRAY:
        json.writeObjectFieldStart("arrayValue");
        json.writeArrayFieldStart("values");
        for (Value<?> element : (List<Value<?>>) value.getValue()) {
          json.writeStartObject();
          writeValueFields(json, element);
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
        break;
      case KEY_VALUE_LIST:
        json.writeObjectFieldStart("kvlistValue");
        json.writeArrayFieldStart("values");
        for (KeyValue entry : (List<KeyValue>) value.getValue()) {
          json.writeStartObject();
          json.writeStringField("key", entry.getKey());
          json.writeObjectFieldStart("value");
          writeValueFields(json, entry.getValue());
          json.writeEndObject();
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
        break;
      default:
        // EMPTY: an AnyValue with no value set, as the official marshaler writes it.
    }
  }

  private static void writeArrayElement(
      JsonGenerator json, io.opentelemetry.api.common.AttributeType type, Object element)
      throws IOException {
    json.writeStartObject();
    switch (type) {
      case STRING_ARRAY:
        json.writeStringField("stringValue", (String) element);
        break;
      case BOOLEAN_ARRAY:
        json.writeBooleanField("boolValue", (Boolean) element);
        break;
      case LONG_ARRAY:
        json.writeStringField("intValue", Long.toString((Long) element));
        break;
      default:
        json.writeNumberField("doubleValue", (Double) element);
    }
    json.writeEndObject();
  }

  private static void writeNanos(JsonGenerator json, String field, long nanos) throws IOException {
    json.writeStringField(field, Long.toUnsignedString(nanos));
  }

  private static void writeDropped(JsonGenerator json, int dropped) throws IOException {
    writeDroppedNamed(json, "droppedAttributesCount", dropped);
  }

  private static void writeDroppedNamed(JsonGenerator json, String field, int dropped)
      throws IOException {
    if (dropped > 0) {
      json.writeNumberField(field, dropped);
    }
  }

  private static String w3cTraceState(SpanContext context) {
    if (context.getTraceState().isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    context
        .getTraceState()
        .forEach(
            (key, value) -> {
              if (out.length() > 0) {
                out.append(',');
              }
              out.append(key).append('=').append(value);
            });
    return out.toString();
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
