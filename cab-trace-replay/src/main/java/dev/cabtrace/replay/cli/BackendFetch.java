package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.ledger.TraceFacts;
import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Fetches a trace by id from a backend's query API, trying Tempo/Jaeger's path, then Zipkin's. */
final class BackendFetch {

  private BackendFetch() {}

  static Timeline fetch(TraceReader reader, String baseUrl, String traceId) throws TraceReadException {
    return fetch(baseUrl, traceId, (uri, body) -> reader.read(body, uri.toString()));
  }

  /** What a ledger needs of the trace, streamed from the backend's answer as from a file. */
  static TraceFacts fetchFacts(TraceReader reader, String baseUrl, String traceId) throws TraceReadException {
    return fetch(baseUrl, traceId, (uri, body) -> TraceFacts.read(body, uri.toString(), reader));
  }

  private static <T> T fetch(String baseUrl, String traceId, BackendQuery.AnswerReader<T> read)
      throws TraceReadException {
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
        baseUrl, attempts, "fetching", "cannot fetch trace " + traceId + " from " + baseUrl);
  }
}
