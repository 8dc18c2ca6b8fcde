package dev.cabtrace.sdk.persist;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import dev.cabtrace.sdk.internal.DelegatingSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/** The capture exporter, telling the crash journal which spans it has written. */
final class AcknowledgingExporter extends DelegatingSpanExporter {

  private final CrashJournal journal;

  AcknowledgingExporter(SpanExporter delegate, CrashJournal journal) {
    super(delegate);
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

}
