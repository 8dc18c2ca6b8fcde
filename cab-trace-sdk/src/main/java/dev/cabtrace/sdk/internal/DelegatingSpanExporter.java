package dev.cabtrace.sdk.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Objects;

/**
 * A span exporter in front of another, which it flushes and shuts down: the capture pipeline's
 * layers (redaction, the crash journal's acknowledgements, export-failure reports) each change
 * only what {@code export} does. The spans its delegate leaves out are counted as its own, so that
 * the processor in front of the pipeline sees what the last layer left out. Not API: for
 * cab-trace's own packages.
 */
public abstract class DelegatingSpanExporter implements LeavesSpansOut {

  protected final SpanExporter delegate;

  protected DelegatingSpanExporter(SpanExporter delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public long spansLeftOut() {
    return delegate instanceof LeavesSpansOut ? ((LeavesSpansOut) delegate).spansLeftOut() : 0;
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
