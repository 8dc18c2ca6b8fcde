package dev.cabtrace.examples.bench;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Keeps every span it is given, for a benchmark to replay them as the same work on each side. */
final class CollectingExporter implements SpanExporter {

  private final List<SpanData> spans = new ArrayList<>();

  @Override
  public synchronized CompletableResultCode export(Collection<SpanData> batch) {
    spans.addAll(batch);
    return CompletableResultCode.ofSuccess();
  }

  /** The spans so far. */
  synchronized List<SpanData> spans() {
    return new ArrayList<>(spans);
  }

  /** How many spans so far. */
  synchronized int size() {
    return spans.size();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
