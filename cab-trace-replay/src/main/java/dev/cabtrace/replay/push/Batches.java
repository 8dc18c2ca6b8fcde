package dev.cabtrace.replay.push;

import dev.cabtrace.sdk.internal.ExportFailure;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Spans sent through an exporter a batch at a time, each batch waited for; after {@link
 * CapturePusher#FAILED_BATCHES_IN_A_ROW} failed batches in a row it gives up, and nothing more
 * may be added.
 */
final class Batches {

  private final SpanExporter exporter;
  private final int size;
  private final long timeoutMillis;
  private List<SpanData> batch;
  private long sent;
  private int count;
  private int failedInARow;
  private String firstFailure;

  Batches(SpanExporter exporter, int size, long timeoutMillis) {
    this.exporter = exporter;
    this.size = size;
    this.timeoutMillis = timeoutMillis;
    this.batch = new ArrayList<>(size);
  }

  /** Adds a span, and sends the batch once it is full; not after {@link #gaveUp()}. */
  void add(SpanData span) {
    if (gaveUp()) {
      throw new IllegalStateException("the push gave up");
    }
    batch.add(span);
    if (batch.size() == size) {
      send();
      batch = new ArrayList<>(size);
    }
  }

  /** Whether {@link CapturePusher#FAILED_BATCHES_IN_A_ROW} batches failed in a row. */
  boolean gaveUp() {
    return failedInARow == CapturePusher.FAILED_BATCHES_IN_A_ROW;
  }

  /** Sends the last batch, unless it gave up, and flushes the exporter. */
  void finish() {
    if (!batch.isEmpty() && !gaveUp()) {
      send();
    }
    exporter.flush().join(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Spans the backend accepted. */
  long sent() {
    return sent;
  }

  /** Batches sent. */
  int count() {
    return count;
  }

  /** Why the first batch that failed failed, in words; null when none did. */
  String firstFailure() {
    return firstFailure;
  }

  private void send() {
    CompletableResultCode result = exporter.export(batch);
    result.join(timeoutMillis, TimeUnit.MILLISECONDS);
    boolean ok = result.isSuccess();
    if (!ok && firstFailure == null) {
      firstFailure = result.isDone() ? ExportFailure.describe(result.getFailureThrowable())
          : "no answer within " + timeoutMillis + " ms";
    }
    sent += ok ? batch.size() : 0;
    failedInARow = ok ? 0 : failedInARow + 1;
    count++;
  }
}
