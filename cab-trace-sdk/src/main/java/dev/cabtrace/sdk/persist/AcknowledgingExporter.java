package dev.cabtrace.sdk.persist;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/** The capture exporter, telling the crash journal which spans it has written. */
final class AcknowledgingExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final CrashJournal journal;

  AcknowledgingExporter(SpanExporter delegate, CrashJournal journal) {
    this.delegate = delegate;
    this.journal = journal;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    CompletableResultCode result = delegate.export(spans);
    result.whenComplete(() -> {
      if (result.isSuccess()) {
        journal.written(spans);
      }
    });
    return result;
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
