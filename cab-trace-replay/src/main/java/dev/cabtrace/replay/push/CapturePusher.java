package dev.cabtrace.replay.push;

import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-exports a timeline read from a capture file (a cell that ran without network) to a trace
 * backend, in batches. The timeline decides which spans are sent, each once; the file's OTLP/JSON
 * lines give them as they were recorded, every field (trace state and flags, links, scope version,
 * attributes and schema URL, dropped counts, resource schema URL); a span no such line gives (from
 * a crash journal, a Jaeger or Zipkin document, a line the protobuf JSON parser refuses) is sent
 * as the timeline has it: ids, parent, times, name, kind, status, attributes, events, resource and
 * scope name.
 */
public final class CapturePusher {

  /**
   * What a push did.
   *
   * @param sent spans the backend accepted
   * @param failed spans in batches the backend refused or that timed out
   * @param batches batches sent
   * @param failure why the first batch that failed failed, in one line ({@code HTTP 401: ...}); null
   *     when none did
   */
  public record Result(long sent, long failed, int batches, String failure) {

    /** A result that does not say why a batch failed. Kept for callers that make one. */
    public Result(long sent, long failed, int batches) {
      this(sent, failed, batches, null);
    }
  }

  private CapturePusher() {}

  /**
   * Batches that fail one after another before a push gives up: a backend that is down or does
   * not answer would otherwise cost every batch its timeout (a million spans, hours).
   */
  public static final int FAILED_BATCHES_IN_A_ROW = 3;

  /**
   * Pushes every span of {@code timeline} as the timeline has it through {@code exporter}, {@code
   * batchSize} at a time; after {@link #FAILED_BATCHES_IN_A_ROW} failed batches in a row the rest
   * is not sent, and is counted as failed.
   */
  public static Result push(Timeline timeline, SpanExporter exporter, int batchSize, long timeoutMillisPerBatch) {
    return push(timeline, null, exporter, batchSize, timeoutMillisPerBatch);
  }

  /**
   * As {@link #push(Timeline, SpanExporter, int, long)}, each span of {@code timeline} that an
   * OTLP/JSON line of {@code capture} (the file it was read from, or null) holds as the timeline
   * kept it sent as that line has it, in the file's order; then the others, in start order.
   */
  public static Result push(Timeline timeline, Path capture, SpanExporter exporter, int batchSize,
      long timeoutMillisPerBatch) {
    Batches batches = new Batches(exporter, batchSize, timeoutMillisPerBatch);
    BitSet sent = new BitSet(timeline.size());
    if (capture != null) {
      pushAsTheFileHasThem(timeline, capture, batches, sent);
    }
    Map<Map<String, Object>, Resource> resources = new HashMap<>();
    Map<String, InstrumentationScopeInfo> scopes = new HashMap<>();
    for (int i = sent.nextClearBit(0); i < timeline.size() && !batches.gaveUp(); i = sent.nextClearBit(i + 1)) {
      TimelineSpan span = timeline.span(i);
      Resource resource = resources.computeIfAbsent(span.resource(), r -> Resource.create(ReplayedSpans.attributes(r)));
      InstrumentationScopeInfo scope = scopes.computeIfAbsent(
          span.scope().isEmpty() ? "cab-trace push" : span.scope(), InstrumentationScopeInfo::create);
      batches.add(ReplayedSpans.of(span, resource, scope));
    }
    batches.finish();
    return new Result(batches.sent(), timeline.size() - batches.sent(), batches.count(), batches.firstFailure());
  }

  /** Pushes the spans of {@code timeline} that a line of {@code capture} holds, and sets their positions in {@code sent}. */
  private static void pushAsTheFileHasThem(Timeline timeline, Path capture, Batches batches, BitSet sent) {
    KeptCopies kept = KeptCopies.of(timeline);
    try (OtlpJsonLines lines = OtlpJsonLines.open(capture)) {
      for (List<SpanData> spans = lines.next(); spans != null && !batches.gaveUp(); spans = lines.next()) {
        for (SpanData span : spans) {
          int position = kept.positionOf(span);
          if (position >= 0 && !sent.get(position) && !batches.gaveUp()) {
            sent.set(position);
            batches.add(MarkedSpanData.of(span, timeline.span(position)));
          }
        }
      }
    } catch (IOException e) {
      // The file no longer reads (the timeline has read it): the spans not sent yet go as the timeline has them.
    }
  }
}
