package dev.cabtrace.sdk.internal;

import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * A span exporter that may leave spans out of what it hands on (a span it could not make safe to
 * write) and counts them, so that the processor in front of it counts them as lost, not as
 * exported. Not API: for cab-trace's own packages.
 */
public interface LeavesSpansOut extends SpanExporter {

  /** Spans left out of exports so far. */
  long spansLeftOut();
}
