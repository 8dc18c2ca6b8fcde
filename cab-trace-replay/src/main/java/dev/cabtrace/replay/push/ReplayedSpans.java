package dev.cabtrace.replay.push;

import dev.cabtrace.replay.internal.ImmutableSpanData;
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
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Spans of a timeline, as the SDK's exporters take them: original ids, parent, times, name, kind,
 * status, attributes, events, resource and scope name, which is what every reader keeps; sampled,
 * with no trace state and no links, which none keeps.
 */
final class ReplayedSpans {

  private ReplayedSpans() {}

  /**
   * Set on a span pushed with an end the reader made: it never ended (its end is where the capture
   * stopped), or its recorded end came before its start (pushed as zero-length). A backend's copy
   * says so, as the local load warning does.
   */
  static final AttributeKey<Boolean> UNFINISHED = AttributeKey.booleanKey("cab.push.unfinished");
  static final AttributeKey<Boolean> ENDED_BEFORE_START = AttributeKey.booleanKey("cab.push.ended_before_start");

  static SpanData of(TimelineSpan span, Resource resource, InstrumentationScopeInfo scope) {
    Attributes attributes = marked(attributes(span.attributes()), span);
    List<EventData> events = new ArrayList<>(span.events().size());
    for (SpanEvent event : span.events()) {
      events.add(EventData.create(event.epochNanos(), event.name(), attributes(event.attributes())));
    }
    SpanContext context =
        SpanContext.create(span.traceId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
    SpanContext parent = span.parentSpanId().isEmpty()
        ? SpanContext.getInvalid()
        : SpanContext.create(span.traceId(), span.parentSpanId(), TraceFlags.getSampled(), TraceState.getDefault());
    StatusData status = StatusData.create(StatusCode.valueOf(span.status().name()), span.statusMessage());
    return ImmutableSpanData.create(span.name(), kind(span.spanKind()), context, parent, status,
        span.startEpochNanos(), span.endEpochNanos(), attributes, attributes.size(), events, events.size(),
        List.of(), 0, scope, resource);
  }

  /** Whether the reader made the end of {@code span}: it never ended, or ended before it started. */
  static boolean hasMadeEnd(TimelineSpan span) {
    return span.unfinished() || span.endedBeforeStart();
  }

  /** {@code attributes} with the marks of an end the reader made for {@code span}, if it made one. */
  static Attributes marked(Attributes attributes, TimelineSpan span) {
    if (!hasMadeEnd(span)) {
      return attributes;
    }
    AttributesBuilder marked = attributes.toBuilder();
    if (span.unfinished()) {
      marked.put(UNFINISHED, true);
    }
    if (span.endedBeforeStart()) {
      marked.put(ENDED_BEFORE_START, true);
    }
    return marked.build();
  }

  private static SpanKind kind(String name) {
    try {
      return SpanKind.valueOf(name);
    } catch (IllegalArgumentException e) {
      return SpanKind.INTERNAL;
    }
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
      } else if (value instanceof Map<?, ?> || value instanceof java.nio.ByteBuffer || value == null) {
        builder.put(AttributeKey.valueKey(key), toValue(value)); // null: an AnyValue with no value
      } else {
        builder.put(key, String.valueOf(value));
      }
    }
    return builder.build();
  }

  private static void putArray(AttributesBuilder builder, String key, List<?> values) {
    // A null element (an SDK's, written as an AnyValue with no value) is kept in its place, as the
    // SDK keeps it in a typed array.
    if (values.stream().anyMatch(v -> v instanceof Long) && values.stream().allMatch(v -> v == null || v instanceof Long)) {
      builder.put(AttributeKey.longArrayKey(key), values.stream().map(v -> (Long) v).toList());
    } else if (values.stream().anyMatch(v -> v instanceof Double)
        && values.stream().allMatch(v -> v == null || v instanceof Double)) {
      builder.put(AttributeKey.doubleArrayKey(key), values.stream().map(v -> (Double) v).toList());
    } else if (values.stream().anyMatch(v -> v instanceof Boolean)
        && values.stream().allMatch(v -> v == null || v instanceof Boolean)) {
      builder.put(AttributeKey.booleanArrayKey(key), values.stream().map(v -> (Boolean) v).toList());
    } else if (values.stream().allMatch(v -> v == null || v instanceof String)) {
      builder.put(AttributeKey.stringArrayKey(key), values.stream().map(v -> (String) v).toList());
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
}
