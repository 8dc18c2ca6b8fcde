package dev.cabtrace.sdk.persist;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Encodes a batch of spans as one line of OTLP JSON ({@code {"resourceSpans":[...]}} and a
 * newline), field for field as the OpenTelemetry protobuf JSON mapping and the official Java
 * marshaller write it: lowercase hex ids, 64-bit integers as decimal strings, enums as integers.
 * Written straight into one reusable buffer as UTF-8; the JSON of a resource, of a scope and of an
 * attribute key is encoded once and copied after that. Not thread-safe: one encoder per writer.
 */
final class OtlpJsonLineEncoder {

  /** Resources and scopes kept encoded; past that, their cache is started afresh. */
  private static final int MAX_CACHED = 1024;

  private static final byte[] LINE_START = ascii("{\"resourceSpans\":[");
  private static final byte[] LINE_END = ascii("]}\n");
  private static final byte[] RESOURCE_START = ascii("{\"resource\":{");
  private static final byte[] SCOPE_SPANS_START = ascii("},\"scopeSpans\":[");
  private static final byte[] SCOPE_START = ascii("{\"scope\":{\"name\":");
  private static final byte[] VERSION = ascii(",\"version\":");
  private static final byte[] SPANS_START = ascii("},\"spans\":[");
  private static final byte[] SCHEMA_URL = ascii(",\"schemaUrl\":");
  private static final byte[] ATTRIBUTES_START = ascii("\"attributes\":[");
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

  private final LineBuffer out = new LineBuffer(64 * 1024);
  private final AttributeWriter attributeWriter = new AttributeWriter();
  private final Map<Resource, byte[]> resources = new IdentityHashMap<>();
  private final Map<InstrumentationScopeInfo, byte[]> scopes = new IdentityHashMap<>();
  /**
   * {@code {"key":"...","value":{} of the attribute keys seen, by key instance: spans reuse the same
   * few. Each slot holds the last key that fell into it; a power of two.
   */
  private final KeyStart[] keyStarts = new KeyStart[1024];

  /** Encodes {@code spans} and returns the buffer holding exactly one line. */
  LineBuffer encode(Collection<SpanData> spans) {
    out.reset();
    out.write(LINE_START);
    if (!spans.isEmpty()) {
      SpanData first = spans.iterator().next();
      if (allShare(spans, first.getResource(), first.getInstrumentationScopeInfo())) {
        writeResourceStart(first.getResource());
        writeScopeSpans(first.getInstrumentationScopeInfo(), spans);
        writeResourceEnd(first.getResource());
      } else {
        writeGrouped(spans);
      }
    }
    out.write(LINE_END);
    return out;
  }

  /** Whether all spans have this resource and scope: those of one process share the instances. */
  private static boolean allShare(
      Collection<SpanData> spans, Resource resource, InstrumentationScopeInfo scope) {
    for (SpanData span : spans) {
      if (span.getResource() != resource || span.getInstrumentationScopeInfo() != scope) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the spans grouped by resource and scope instance, as the OpenTelemetry exporters group
   * them, each group where its first span was. Not by equality: the resources and scopes of spans
   * that {@code record} receives are the traced program's, which could send thousands of unequal
   * ones that share a hash, and each lookup would then compare them all.
   */
  private void writeGrouped(Collection<SpanData> spans) {
    Map<Resource, ResourceGroup> grouped = new IdentityHashMap<>();
    List<ResourceGroup> order = new ArrayList<>();
    Resource lastResource = null;
    InstrumentationScopeInfo lastScope = null;
    List<SpanData> last = null;
    for (SpanData span : spans) {
      Resource resource = span.getResource();
      InstrumentationScopeInfo scope = span.getInstrumentationScopeInfo();
      if (last == null || resource != lastResource || scope != lastScope) {
        ResourceGroup group = grouped.get(resource);
        if (group == null) {
          group = new ResourceGroup(resource);
          grouped.put(resource, group);
          order.add(group);
        }
        last = group.spansOf(scope);
        lastResource = resource;
        lastScope = scope;
      }
      last.add(span);
    }
    boolean firstResource = true;
    for (ResourceGroup group : order) {
      if (!firstResource) {
        out.write(',');
      }
      firstResource = false;
      writeResourceStart(group.resource);
      boolean firstScope = true;
      for (InstrumentationScopeInfo scope : group.scopes) {
        if (!firstScope) {
          out.write(',');
        }
        firstScope = false;
        writeScopeSpans(scope, group.spans.get(scope));
      }
      writeResourceEnd(group.resource);
    }
  }

  /** The spans of one resource instance, by scope instance, the scopes in the order first seen. */
  private static final class ResourceGroup {
    final Resource resource;
    final List<InstrumentationScopeInfo> scopes = new ArrayList<>();
    final Map<InstrumentationScopeInfo, List<SpanData>> spans = new IdentityHashMap<>();

    ResourceGroup(Resource resource) {
      this.resource = resource;
    }

    List<SpanData> spansOf(InstrumentationScopeInfo scope) {
      List<SpanData> list = spans.get(scope);
      if (list == null) {
        list = new ArrayList<>();
        spans.put(scope, list);
        scopes.add(scope);
      }
      return list;
    }
  }

  /** {@code {"resource":{...},"scopeSpans":[}, from the cache when this resource was seen. */
  private void writeResourceStart(Resource resource) {
    byte[] cached = resources.get(resource);
    if (cached != null) {
      out.write(cached);
      return;
    }
    int start = out.size();
    out.write(RESOURCE_START);
    writeAttributes(resource.getAttributes());
    out.write(SCOPE_SPANS_START);
    cache(resources, resource, out.copyFrom(start));
  }

  private void writeResourceEnd(Resource resource) {
    out.write(']');
    writeSchemaUrl(resource.getSchemaUrl());
    out.write('}');
  }

  private void writeScopeSpans(InstrumentationScopeInfo scope, Collection<SpanData> spans) {
    byte[] cached = scopes.get(scope);
    if (cached != null) {
      out.write(cached);
    } else {
      int start = out.size();
      out.write(SCOPE_START);
      out.writeString(scope.getName());
      if (scope.getVersion() != null) {
        out.write(VERSION);
        out.writeString(scope.getVersion());
      }
      out.write(',');
      writeAttributes(scope.getAttributes());
      out.write(SPANS_START);
      cache(scopes, scope, out.copyFrom(start));
    }
    boolean first = true;
    for (SpanData span : spans) {
      if (!first) {
        out.write(',');
      }
      first = false;
      writeSpan(span);
    }
    out.write(']');
    writeSchemaUrl(scope.getSchemaUrl());
    out.write('}');
  }

  private void writeSchemaUrl(String schemaUrl) {
    if (schemaUrl != null) {
      out.write(SCHEMA_URL);
      out.writeString(schemaUrl);
    }
  }

  private static <K> void cache(Map<K, byte[]> cache, K key, byte[] encoded) {
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(key, encoded);
  }

  private void writeSpan(SpanData span) {
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
    out.writeString(span.getName());
    out.write(KIND);
    out.writeLong(kindNumber(span.getKind()));
    out.write(START_TIME);
    out.writeUnsignedLong(span.getStartEpochNanos());
    out.write(END_TIME);
    out.writeUnsignedLong(span.getEndEpochNanos());
    out.write(QUOTE_COMMA);
    Attributes attributes = span.getAttributes();
    writeAttributes(attributes);
    writeCount(DROPPED_ATTRIBUTES, span.getTotalAttributeCount() - attributes.size());
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
    writeAttributes(event.getAttributes());
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
    writeAttributes(link.getAttributes());
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

  /** {@code "attributes":[...]}. */
  private void writeAttributes(Attributes attributes) {
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
        out.writeString((String) value);
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
          out.write('{');
          writeAnyValueFields(elementType, elements.get(i));
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

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
