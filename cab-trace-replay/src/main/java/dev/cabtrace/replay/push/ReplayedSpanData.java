package dev.cabtrace.replay.push;

import dev.cabtrace.replay.timeline.SpanEvent;
import dev.cabtrace.replay.timeline.TimelineSpan;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A span read from a file, as the SDK's exporters take it: original ids, times and attributes. */
final class ReplayedSpanData implements SpanData {

  private final TimelineSpan span;
  private final Resource resource;
  private final InstrumentationScopeInfo scope;
  private final Attributes attributes;
  private final List<EventData> events;

  ReplayedSpanData(TimelineSpan span, Resource resource, InstrumentationScopeInfo scope) {
    this.span = span;
    this.resource = resource;
    this.scope = scope;
    this.attributes = attributes(span.attributes());
    List<EventData> converted = new ArrayList<>(span.events().size());
    for (SpanEvent event : span.events()) {
      converted.add(EventData.create(event.epochNanos(), event.name(), attributes(event.attributes())));
    }
    this.events = converted;
  }

  static Attributes attributes(Map<String, Object> values) {
    AttributesBuilder builder = Attributes.builder();
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      String key = entry.getKey();
      Object value = entry.getValue();
      if (value instanceof String) {
        builder.put(key, (String) value);
      } else if (value instanceof Long) {
        builder.put(key, (Long) value);
      } else if (value instanceof Double) {
        builder.put(key, (Double) value);
      } else if (value instanceof Boolean) {
        builder.put(key, (Boolean) value);
      } else if (value instanceof List<?>) {
        putArray(builder, key, (List<?>) value);
      } else if (value instanceof Map<?, ?> || value instanceof java.nio.ByteBuffer) {
        builder.put(AttributeKey.valueKey(key), toValue(value));
      } else if (value != null) {
        builder.put(key, String.valueOf(value));
      }
    }
    return builder.build();
  }

  private static void putArray(AttributesBuilder builder, String key, List<?> values) {
    if (!values.isEmpty() && values.stream().allMatch(v -> v instanceof Long)) {
      builder.put(AttributeKey.longArrayKey(key), values.stream().map(v -> (Long) v).toList());
    } else if (!values.isEmpty() && values.stream().allMatch(v -> v instanceof Double)) {
      builder.put(AttributeKey.doubleArrayKey(key), values.stream().map(v -> (Double) v).toList());
    } else if (!values.isEmpty() && values.stream().allMatch(v -> v instanceof Boolean)) {
      builder.put(AttributeKey.booleanArrayKey(key), values.stream().map(v -> (Boolean) v).toList());
    } else if (values.stream().allMatch(v -> v instanceof String)) {
      builder.put(AttributeKey.stringArrayKey(key), values.stream().map(String::valueOf).toList());
    } else {
      // Mixed or nested: an OTLP AnyValue array, kept as such.
      builder.put(AttributeKey.valueKey(key), toValue(values));
    }
  }

  /** A read attribute value as an OpenTelemetry {@link Value}, nested types kept. */
  private static Value<?> toValue(Object value) {
    if (value instanceof String) {
      return Value.of((String) value);
    } else if (value instanceof Long) {
      return Value.of((Long) value);
    } else if (value instanceof Double) {
      return Value.of((Double) value);
    } else if (value instanceof Boolean) {
      return Value.of((Boolean) value);
    } else if (value instanceof java.nio.ByteBuffer) {
      java.nio.ByteBuffer bytes = ((java.nio.ByteBuffer) value).duplicate();
      byte[] raw = new byte[bytes.remaining()];
      bytes.get(raw);
      return Value.of(raw);
    } else if (value instanceof List<?>) {
      List<Value<?>> elements = new java.util.ArrayList<>();
      for (Object element : (List<?>) value) {
        elements.add(toValue(element));
      }
      return Value.of(elements);
    } else if (value instanceof Map<?, ?>) {
      List<KeyValue> entries = new java.util.ArrayList<>();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        entries.add(KeyValue.of(String.valueOf(entry.getKey()), toValue(entry.getValue())));
      }
      return Value.of(entries.toArray(new KeyValue[0]));
    }
    return value == null ? Value.empty() : Value.of(String.valueOf(value));
  }

  @Override
  public String getName() {
    return span.name();
  }

  @Override
  public SpanKind getKind() {
    try {
      return SpanKind.valueOf(span.spanKind());
    } catch (IllegalArgumentException e) {
      return SpanKind.INTERNAL;
    }
  }

  @Override
  public SpanContext getSpanContext() {
    return SpanContext.create(span.traceId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
  }

  @Override
  public SpanContext getParentSpanContext() {
    return span.parentSpanId().isEmpty()
        ? SpanContext.getInvalid()
        : SpanContext.create(span.traceId(), span.parentSpanId(), TraceFlags.getSampled(), TraceState.getDefault());
  }

  @Override
  public StatusData getStatus() {
    return StatusData.create(StatusCode.valueOf(span.status().name()), span.statusMessage());
  }

  @Override
  public long getStartEpochNanos() {
    return span.startEpochNanos();
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public List<LinkData> getLinks() {
    return List.of();
  }

  @Override
  public long getEndEpochNanos() {
    return span.endEpochNanos();
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public int getTotalRecordedEvents() {
    return events.size();
  }

  @Override
  public int getTotalRecordedLinks() {
    return 0;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  @Override
  @SuppressWarnings("deprecation")
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  public Resource getResource() {
    return resource;
  }
}
