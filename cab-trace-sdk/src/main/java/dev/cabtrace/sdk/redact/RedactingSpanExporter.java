package dev.cabtrace.sdk.redact;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Hands spans to its delegate with their secrets masked. */
final class RedactingSpanExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final Redaction redaction;

  RedactingSpanExporter(SpanExporter delegate, Redaction redaction) {
    this.delegate = delegate;
    this.redaction = redaction;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    List<SpanData> redacted = new ArrayList<>(spans.size());
    for (SpanData span : spans) {
      redacted.add(redact(span));
    }
    return delegate.export(redacted);
  }

  private SpanData redact(SpanData span) {
    Attributes attributes = redaction.redact(span.getAttributes());
    List<EventData> events = redactEvents(span.getEvents());
    String description = redaction.redact(span.getStatus().getDescription());
    String name = redaction.redact(span.getName());
    if (attributes == span.getAttributes()
        && events == span.getEvents()
        && description.equals(span.getStatus().getDescription())
        && name.equals(span.getName())) {
      return span;
    }
    StatusData status =
        description.equals(span.getStatus().getDescription())
            ? span.getStatus()
            : StatusData.create(span.getStatus().getStatusCode(), description);
    return new DelegatingSpanData(span) {
      @Override
      public String getName() {
        return name;
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
      public StatusData getStatus() {
        return status;
      }
    };
  }

  private List<EventData> redactEvents(List<EventData> events) {
    List<EventData> out = null;
    for (int i = 0; i < events.size(); i++) {
      EventData event = events.get(i);
      Attributes attributes = redaction.redact(event.getAttributes());
      if (attributes != event.getAttributes()) {
        if (out == null) {
          out = new ArrayList<>(events);
        }
        out.set(
            i,
            EventData.create(
                event.getEpochNanos(), event.getName(), attributes, event.getTotalAttributeCount()));
      }
    }
    return out == null ? events : out;
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
