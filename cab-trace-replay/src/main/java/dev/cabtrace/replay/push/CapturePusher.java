package dev.cabtrace.replay.push;

import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Re-exports a timeline read from a capture file (a cell that ran without network) to a trace
 * backend, in batches, with its original trace and span ids, parent links, timestamps, resource
 * and attributes.
 */
public final class CapturePusher {

  /**
   * What a push did.
   *
   * @param sent spans the backend accepted
   * @param failed spans in batches the backend refused or that timed out
   * @param batches batches sent
   */
  public record Result(long sent, long failed, int batches) {}

  private CapturePusher() {}

  /**
   * Batches that fail one after another before a push gives up: a backend that is down or does
   * not answer would otherwise cost every batch its timeout (a million spans, hours).
   */
  public static final int FAILED_BATCHES_IN_A_ROW = 3;

  /**
   * Pushes every span of {@code timeline} through {@code exporter}, {@code batchSize} at a time;
   * after {@link #FAILED_BATCHES_IN_A_ROW} failed batches in a row the rest is not sent, and is
   * counted as failed.
   */
  public static Result push(Timeline timeline, SpanExporter exporter, int batchSize, long timeoutMillisPerBatch) {
    Map<Map<String, Object>, Resource> resources = new HashMap<>();
    Map<String, InstrumentationScopeInfo> scopes = new HashMap<>();
    long sent = 0;
    long failed = 0;
    int batches = 0;
    int failedInARow = 0;
    List<SpanData> batch = new ArrayList<>(batchSize);
    for (TimelineSpan span : timeline.spans()) {
      if (failedInARow == FAILED_BATCHES_IN_A_ROW) {
        failed = timeline.size() - sent;
        break;
      }
      Resource resource = resources.computeIfAbsent(span.resource(), r -> Resource.create(ReplayedSpans.attributes(r)));
      InstrumentationScopeInfo scope = scopes.computeIfAbsent(
          span.scope().isEmpty() ? "cab-trace push" : span.scope(), InstrumentationScopeInfo::create);
      batch.add(ReplayedSpans.of(span, resource, scope));
      if (batch.size() == batchSize) {
        long ok = send(exporter, batch, timeoutMillisPerBatch);
        sent += ok;
        failed += batch.size() - ok;
        failedInARow = ok == 0 ? failedInARow + 1 : 0;
        batches++;
        batch = new ArrayList<>(batchSize);
      }
    }
    if (!batch.isEmpty() && failedInARow < FAILED_BATCHES_IN_A_ROW) {
      long ok = send(exporter, batch, timeoutMillisPerBatch);
      sent += ok;
      failed += batch.size() - ok;
      batches++;
    }
    exporter.flush().join(timeoutMillisPerBatch, TimeUnit.MILLISECONDS);
    return new Result(sent, failed, batches);
  }

  private static long send(SpanExporter exporter, List<SpanData> batch, long timeoutMillis) {
    CompletableResultCode result = exporter.export(batch);
    result.join(timeoutMillis, TimeUnit.MILLISECONDS);
    return result.isSuccess() ? batch.size() : 0;
  }
}
