package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.ledger.TraceFacts;
import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Fetches a trace by id from a backend's query API, trying Tempo/Jaeger's path, then Zipkin's. */
final class BackendFetch {

  private BackendFetch() {}

  static Timeline fetch(TraceReader reader, String baseUrl, String traceId) throws TraceReadException {
    return fetch(reader, baseUrl, traceId, Map.of(), BackendQuery.DEFAULT_TIMEOUT);
  }

  /**
   * As {@link #fetch(TraceReader, String, String)}, sending {@code headers}, the whole fetch (every
   * path tried) within {@code timeout}.
   */
  static Timeline fetch(TraceReader reader, String baseUrl, String traceId, Map<String, String> headers,
      Duration timeout) throws TraceReadException {
    return fetch(baseUrl, traceId, (uri, body) -> reader.read(body, HttpUrl.shown(uri.toString())), headers, timeout);
  }

  /** What a ledger needs of the trace, streamed from the backend's answer as from a file. */
  static TraceFacts fetchFacts(TraceReader reader, String baseUrl, String traceId) throws TraceReadException {
    return fetch(baseUrl, traceId, (uri, body) -> TraceFacts.read(body, HttpUrl.shown(uri.toString()), reader), Map.of(),
        BackendQuery.DEFAULT_TIMEOUT);
  }

  private static <T> T fetch(String baseUrl, String traceId, BackendQuery.AnswerReader<T> read,
      Map<String, String> headers, Duration timeout) throws TraceReadException {
    if (!traceId.matches("[0-9a-fA-F]{1,32}")) {
      throw new IllegalArgumentException("not a trace id: \"" + traceId + "\" (hex, up to 32 digits)");
    }
    List<BackendQuery.Attempt<T>> attempts = new ArrayList<>();
    for (String path : List.of("/api/traces/" + traceId, "/api/v2/trace/" + traceId)) {
      attempts.add(new BackendQuery.Attempt<>(path, "a trace", read));
    }
    if (baseUrl.contains("zipkin")) {
      Collections.reverse(attempts);
    }
    return BackendQuery.first(
        baseUrl, attempts, "fetching", "cannot fetch trace " + traceId + " from " + HttpUrl.shown(baseUrl), headers, timeout);
  }
}
