package dev.cabtrace.sdk.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import dev.cabtrace.sdk.internal.DelegatingSpanExporter;
import dev.cabtrace.sdk.internal.ExportFailure;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/** Says once, in one line, that the backend failed; counts what it could not send after that. */
final class ReportingSpanExporter extends DelegatingSpanExporter {

  private static final Logger logger = Logger.getLogger(OtlpExport.class.getName());

  private final String target;
  private final String consequence;
  private final AtomicBoolean reported = new AtomicBoolean();
  private final AtomicLong failed = new AtomicLong();

  ReportingSpanExporter(SpanExporter delegate, String target, String consequence) {
    super(delegate);
    this.target = target;
    this.consequence = consequence;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    CompletableResultCode result = delegate.export(spans);
    result.whenComplete(
        () -> {
          if (!result.isSuccess()) {
            failed.addAndGet(spans.size());
            if (reported.compareAndSet(false, true)) {
              Throwable cause = result.getFailureThrowable();
              logger.warning(
                  "cab-trace: OTLP export to " + target + " failed"
                      + (cause == null ? "" : ": " + ExportFailure.describe(cause))
                      + ". " + consequence + " Further failures are counted, not logged.");
            }
          }
        });
    return result;
  }

  long failedSpans() {
    return failed.get();
  }

  @Override
  public String toString() {
    return "OTLP " + target;
  }
}
