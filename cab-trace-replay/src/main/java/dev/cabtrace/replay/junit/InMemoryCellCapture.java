package dev.cabtrace.replay.junit;

import dev.cabtrace.api.CellTracer;
import dev.cabtrace.replay.timeline.SpanEvent;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import dev.cabtrace.sdk.proxy.CassetteTiming;
import dev.cabtrace.sdk.proxy.ModelCallRecordingProxy;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link CellCapture} on a real {@link CabTraceSdk} whose exporter keeps spans in memory. */
final class InMemoryCellCapture implements CellCapture, AutoCloseable {

  private final String name;
  private final InMemorySpanExporter collector = InMemorySpanExporter.create();
  private final AtomicLong now = new AtomicLong(System.currentTimeMillis() * 1_000_000L);
  private final CabTraceSdk sdk;
  private final List<ModelCallRecordingProxy> proxies = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  InMemoryCellCapture(String name) {
    this.name = name;
    this.sdk =
        CabTraceSdk.builder()
            // A unit test must never export to whatever backend the machine's environment names.
            .setEnvironment(java.util.Map.of())
            .addSpanExporter(collector)
            .setClock(
                new Clock() {
                  @Override
                  public long now() {
                    return now.get();
                  }

                  @Override
                  public long nanoTime() {
                    return now.get();
                  }
                })
            .build();
  }

  @Override
  public void advance(Duration duration) {
    requireOpen();
    if (Objects.requireNonNull(duration, "duration").isNegative()) {
      throw new IllegalArgumentException("the capture's clock only moves forward, not by " + duration);
    }
    now.addAndGet(duration.toNanos());
  }

  @Override
  public CellTracer tracer() {
    return sdk.cellTracer();
  }

  @Override
  public OpenTelemetry openTelemetry() {
    return sdk.openTelemetry();
  }

  @Override
  public Timeline timeline() {
    requireOpen();
    sdk.flush();
    TimelineBuilder builder = new TimelineBuilder(name);
    for (SpanData span : collector.getFinishedSpanItems()) {
      builder.add(toTimelineSpan(span), 0);
    }
    return builder.build();
  }

  @Override
  public void reset() {
    requireOpen();
    sdk.flush();
    collector.reset();
  }

  @Override
  public ModelCallRecordingProxy replayModelCalls(Path cassette) {
    requireOpen();
    ModelCallRecordingProxy proxy =
        ModelCallRecordingProxy.replaying(cassette, sdk.cellTracer()).setCassetteTiming(CassetteTiming.FAST).start();
    proxies.add(proxy);
    return proxy;
  }

  /** Once its test has ended the spans are gone: asking for them is a mistake, not an empty timeline. */
  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the capture of \"" + name + "\" is closed: its test has ended");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // The proxies first: a call they end on closing still reaches the capture.
    for (ModelCallRecordingProxy proxy : proxies) {
      proxy.close();
    }
    sdk.close();
  }

  private static TimelineSpan.Builder toTimelineSpan(SpanData span) {
    TimelineSpan.Builder builder =
        TimelineSpan.builder()
            .setTraceId(
                Long.parseUnsignedLong(span.getTraceId().substring(0, 16), 16),
                Long.parseUnsignedLong(span.getTraceId().substring(16), 16))
            .setSpanId(Long.parseUnsignedLong(span.getSpanId(), 16))
            .setParentSpanId(
                span.getParentSpanContext().isValid()
                    ? Long.parseUnsignedLong(span.getParentSpanId(), 16)
                    : 0)
            .setName(span.getName())
            .setSpanKind(span.getKind().name())
            .setStartEpochNanos(span.getStartEpochNanos())
            .setEndEpochNanos(span.getEndEpochNanos())
            .setStatus(SpanStatus.valueOf(span.getStatus().getStatusCode().name()), span.getStatus().getDescription())
            .setResource(toMap(span.getResource().getAttributes()));
    span.getAttributes().forEach((key, value) -> builder.putAttribute(key.getKey(), value));
    for (EventData event : span.getEvents()) {
      builder.addEvent(new SpanEvent(event.getEpochNanos(), event.getName(), toMap(event.getAttributes())));
    }
    return builder;
  }

  private static Map<String, Object> toMap(Attributes attributes) {
    Map<String, Object> out = new LinkedHashMap<>();
    attributes.forEach((key, value) -> out.put(key.getKey(), value));
    return out;
  }
}
