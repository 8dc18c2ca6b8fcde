package dev.cabtrace.replay.internal;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.SpanFlags;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfoBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The receiver's first converter, kept as the reference {@link ProtoSpans} is checked against: an
 * OTLP export request decoded by the official protobuf classes turned into the SDK's span data,
 * field for field: ids, parent, trace state and flags, kind, times, attributes of every type
 * (key-value lists, bytes and mixed arrays as OpenTelemetry {@link Value}s), events, links, status,
 * dropped counts, scope (name, version, schema URL, attributes) and resource.
 */
final class ReferenceProtoSpans {

  private static final HexFormat HEX = HexFormat.of();

  private ReferenceProtoSpans() {}

  static List<SpanData> of(ExportTraceServiceRequest request) throws ProtoSpans.Malformed {
    List<SpanData> spans = new ArrayList<>();
    Ids ids = new Ids();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Resource resource = Resource.create(
          attributes(resourceSpans.getResource().getAttributesList()), emptyToNull(resourceSpans.getSchemaUrl()));
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        InstrumentationScopeInfo scope = scope(scopeSpans.getScope(), scopeSpans.getSchemaUrl());
        for (Span span : scopeSpans.getSpansList()) {
          spans.add(span(span, scope, resource, ids));
        }
      }
    }
    return spans;
  }

  /** The last trace id seen in a request, as hex: the spans of one request mostly share it. */
  private static final class Ids {
    ByteString lastTraceId;
    String lastTraceIdHex;

    String traceId(ByteString bytes) throws ProtoSpans.Malformed {
      if (!bytes.equals(lastTraceId)) {
        lastTraceIdHex = id(bytes, 16, "traceId");
        lastTraceId = bytes;
      }
      return lastTraceIdHex;
    }
  }

  private static SpanData span(Span span, InstrumentationScopeInfo scope, Resource resource, Ids ids)
      throws ProtoSpans.Malformed {
    String traceId = ids.traceId(span.getTraceId());
    String spanId = id(span.getSpanId(), 8, "spanId");
    TraceState state = traceState(span.getTraceState());
    // The W3C trace flags as sent; none (a sender older than OTLP 1.1, or one that sends only the
    // remoteness bits) for a sampled span.
    TraceFlags flags = (span.getFlags() & SpanFlags.SPAN_FLAGS_TRACE_FLAGS_MASK_VALUE) == 0
        ? TraceFlags.getSampled()
        : TraceFlags.fromByte((byte) (span.getFlags() & SpanFlags.SPAN_FLAGS_TRACE_FLAGS_MASK_VALUE));
    SpanContext context = SpanContext.create(traceId, spanId, flags, state);
    SpanContext parent = span.getParentSpanId().isEmpty()
        ? SpanContext.getInvalid()
        : context(traceId, id(span.getParentSpanId(), 8, "parentSpanId"), flags, TraceState.getDefault(),
            span.getFlags());
    List<EventData> events = new ArrayList<>(span.getEventsCount());
    for (Span.Event event : span.getEventsList()) {
      Attributes eventAttributes = attributes(event.getAttributesList());
      events.add(EventData.create(event.getTimeUnixNano(), event.getName(), eventAttributes,
          eventAttributes.size() + event.getDroppedAttributesCount()));
    }
    List<LinkData> links = new ArrayList<>(span.getLinksCount());
    for (Span.Link link : span.getLinksList()) {
      Attributes linkAttributes = attributes(link.getAttributesList());
      links.add(LinkData.create(
          context(id(link.getTraceId(), 16, "link traceId"), id(link.getSpanId(), 8, "link spanId"),
              TraceFlags.fromByte((byte) (link.getFlags() & SpanFlags.SPAN_FLAGS_TRACE_FLAGS_MASK_VALUE)),
              traceState(link.getTraceState()), link.getFlags()),
          linkAttributes, linkAttributes.size() + link.getDroppedAttributesCount()));
    }
    Attributes attributes = attributes(span.getAttributesList());
    return ImmutableSpanData.create(span.getName(), kind(span.getKind()), context, parent, status(span.getStatus()),
        span.getStartTimeUnixNano(), span.getEndTimeUnixNano(), attributes,
        attributes.size() + span.getDroppedAttributesCount(), events, events.size() + span.getDroppedEventsCount(),
        links, links.size() + span.getDroppedLinksCount(), scope, resource);
  }

  private static SpanContext context(String traceId, String spanId, TraceFlags traceFlags, TraceState state,
      int flags) {
    boolean known = (flags & SpanFlags.SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK_VALUE) != 0;
    boolean remote = (flags & SpanFlags.SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK_VALUE) != 0;
    return known && remote
        ? SpanContext.createFromRemoteParent(traceId, spanId, traceFlags, state)
        : SpanContext.create(traceId, spanId, traceFlags, state);
  }

  private static String id(ByteString bytes, int length, String what) throws ProtoSpans.Malformed {
    if (bytes.size() != length) {
      throw new ProtoSpans.Malformed(what + " has " + bytes.size() + " bytes, not " + length);
    }
    return HEX.formatHex(bytes.toByteArray());
  }

  private static TraceState traceState(String w3c) {
    if (w3c.isEmpty()) {
      return TraceState.getDefault();
    }
    TraceStateBuilder builder = TraceState.builder();
    String[] members = w3c.split(",");
    // W3C order is most recent first; the builder puts the last one added first.
    for (int i = members.length - 1; i >= 0; i--) {
      int eq = members[i].indexOf('=');
      if (eq > 0) {
        builder.put(members[i].substring(0, eq).trim(), members[i].substring(eq + 1).trim());
      }
    }
    return builder.build();
  }

  private static SpanKind kind(Span.SpanKind kind) {
    switch (kind) {
      case SPAN_KIND_SERVER:
        return SpanKind.SERVER;
      case SPAN_KIND_CLIENT:
        return SpanKind.CLIENT;
      case SPAN_KIND_PRODUCER:
        return SpanKind.PRODUCER;
      case SPAN_KIND_CONSUMER:
        return SpanKind.CONSUMER;
      default:
        return SpanKind.INTERNAL;
    }
  }

  private static StatusData status(Status status) {
    switch (status.getCode()) {
      case STATUS_CODE_OK:
        return StatusData.create(StatusCode.OK, status.getMessage());
      case STATUS_CODE_ERROR:
        return StatusData.create(StatusCode.ERROR, status.getMessage());
      default:
        return status.getMessage().isEmpty() ? StatusData.unset() : StatusData.create(StatusCode.UNSET, status.getMessage());
    }
  }

  private static InstrumentationScopeInfo scope(InstrumentationScope scope, String schemaUrl) {
    InstrumentationScopeInfoBuilder builder = InstrumentationScopeInfo.builder(scope.getName());
    if (!scope.getVersion().isEmpty()) {
      builder.setVersion(scope.getVersion());
    }
    if (!schemaUrl.isEmpty()) {
      builder.setSchemaUrl(schemaUrl);
    }
    if (scope.getAttributesCount() > 0) {
      builder.setAttributes(attributes(scope.getAttributesList()));
    }
    return builder.build();
  }

  static Attributes attributes(List<io.opentelemetry.proto.common.v1.KeyValue> keyValues) {
    if (keyValues.isEmpty()) {
      return Attributes.empty();
    }
    AttributesBuilder builder = Attributes.builder();
    for (io.opentelemetry.proto.common.v1.KeyValue keyValue : keyValues) {
      put(builder, keyValue.getKey(), keyValue.getValue());
    }
    return builder.build();
  }

  private static void put(AttributesBuilder builder, String key, AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE:
        builder.put(key, value.getStringValue());
        break;
      case BOOL_VALUE:
        builder.put(key, value.getBoolValue());
        break;
      case INT_VALUE:
        builder.put(key, value.getIntValue());
        break;
      case DOUBLE_VALUE:
        builder.put(key, value.getDoubleValue());
        break;
      case ARRAY_VALUE:
        putArray(builder, key, value.getArrayValue().getValuesList());
        break;
      case VALUE_NOT_SET:
        builder.put(AttributeKey.valueKey(key), Value.empty());
        break;
      default:
        builder.put(AttributeKey.valueKey(key), value(value));
    }
  }

  /** Homogeneous arrays of primitives stay primitive arrays; anything else becomes a Value. */
  private static void putArray(AttributesBuilder builder, String key, List<AnyValue> values) {
    AnyValue.ValueCase only = values.isEmpty() ? AnyValue.ValueCase.STRING_VALUE : values.get(0).getValueCase();
    for (AnyValue value : values) {
      if (value.getValueCase() != only) {
        builder.put(AttributeKey.valueKey(key), value(AnyValue.newBuilder().setArrayValue(
            io.opentelemetry.proto.common.v1.ArrayValue.newBuilder().addAllValues(values)).build()));
        return;
      }
    }
    switch (only) {
      case STRING_VALUE:
        builder.put(AttributeKey.stringArrayKey(key), values.stream().map(AnyValue::getStringValue).toList());
        break;
      case BOOL_VALUE:
        builder.put(AttributeKey.booleanArrayKey(key), values.stream().map(AnyValue::getBoolValue).toList());
        break;
      case INT_VALUE:
        builder.put(AttributeKey.longArrayKey(key), values.stream().map(AnyValue::getIntValue).toList());
        break;
      case DOUBLE_VALUE:
        builder.put(AttributeKey.doubleArrayKey(key), values.stream().map(AnyValue::getDoubleValue).toList());
        break;
      default:
        builder.put(AttributeKey.valueKey(key), value(AnyValue.newBuilder().setArrayValue(
            io.opentelemetry.proto.common.v1.ArrayValue.newBuilder().addAllValues(values)).build()));
    }
  }

  private static Value<?> value(AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE:
        return Value.of(value.getStringValue());
      case BOOL_VALUE:
        return Value.of(value.getBoolValue());
      case INT_VALUE:
        return Value.of(value.getIntValue());
      case DOUBLE_VALUE:
        return Value.of(value.getDoubleValue());
      case BYTES_VALUE:
        return Value.of(value.getBytesValue().toByteArray());
      case ARRAY_VALUE:
        List<Value<?>> elements = new ArrayList<>();
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          elements.add(value(element));
        }
        return Value.of(elements);
      case KVLIST_VALUE:
        List<KeyValue> entries = new ArrayList<>();
        for (io.opentelemetry.proto.common.v1.KeyValue entry : value.getKvlistValue().getValuesList()) {
          entries.add(KeyValue.of(entry.getKey(), value(entry.getValue())));
        }
        return Value.of(entries.toArray(new KeyValue[0]));
      default:
        return Value.empty();
    }
  }

  private static String emptyToNull(String text) {
    return text.isEmpty() ? null : text;
  }
}
