package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Fetches a trace by id from a backend's query API, trying Tempo/Jaeger's path, then Zipkin's. */
final class BackendFetch {

  private BackendFetch() {}

  static Timeline fetch(TraceReader reader, String baseUrl, String traceId) throws TraceReadException {
    if (!traceId.matches("[0-9a-fA-F]{1,32}")) {
      throw new IllegalArgumentException("not a trace id: \"" + traceId + "\" (hex, up to 32 digits)");
    }
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    List<String> paths = new ArrayList<>(List.of("/api/traces/" + traceId, "/api/v2/trace/" + traceId));
    if (base.contains("zipkin")) {
      java.util.Collections.reverse(paths);
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    List<String> tried = new ArrayList<>();
    for (String path : paths) {
      URI uri;
      try {
        uri = URI.create(base + path);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a URL: \"" + baseUrl + "\"");
      }
      try {
        HttpResponse<InputStream> response = client.send(
            HttpRequest.newBuilder(uri).header("Accept", "application/json").timeout(Duration.ofSeconds(60)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
          if (response.statusCode() == 200) {
            return reader.read(body, uri.toString());
          }
          tried.add(uri + " answered HTTP " + response.statusCode());
        }
      } catch (IOException e) {
        if (e instanceof TraceReadException) {
          throw (TraceReadException) e;
        }
        tried.add(uri + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TraceReadException("interrupted while fetching " + uri);
      }
    }
    throw new TraceReadException("cannot fetch trace " + traceId + " from " + baseUrl + ": " + String.join("; ", tried));
  }
}
