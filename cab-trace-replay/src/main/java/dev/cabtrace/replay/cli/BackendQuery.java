package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.read.TraceReadException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a backend's query API at several paths in turn, for the first answer that reads: Tempo,
 * Jaeger and Zipkin serve the same thing at different paths, and a URL does not say which it is.
 */
final class BackendQuery {

  /**
   * One path to ask at, and how to read its HTTP 200 answer.
   *
   * @param expected what the answer should be, for the error when it is something else: {@code
   *     tempo search results}
   */
  record Attempt<T>(String pathAndQuery, String expected, AnswerReader<T> reader) {}

  /** Reads an answer. */
  @FunctionalInterface
  interface AnswerReader<T> {
    /**
     * What the answer holds, or null when it is not the answer looked for; a {@link
     * TraceReadException} ends the query, any other {@link IOException} moves on to the next path.
     */
    T read(URI uri, InputStream body) throws IOException;
  }

  /**
   * The cause of the error of a query the backend refused (401, 403) where no other path answered:
   * no answer will come by asking again.
   */
  static final class Refused extends Exception {
    Refused() {
      super(null, null, false, false);
    }
  }

  /** How long one request to a query API may take, unless the caller bounds it otherwise. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private BackendQuery() {}

  /**
   * The first answer read, asking {@code baseUrl} at each attempt's path in order.
   *
   * @param doing what the query does, for the error when interrupted: {@code fetching}
   * @param failure what could not be done, for the error when no attempt answered: {@code cannot
   *     fetch trace 0af7 from http://tempo:3200}
   */
  static <T> T first(String baseUrl, List<Attempt<T>> attempts, String doing, String failure)
      throws TraceReadException {
    return first(baseUrl, attempts, doing, failure, Map.of(), DEFAULT_TIMEOUT);
  }

  /** As {@link #first(String, List, String, String)}, sending {@code headers}, each request bounded by {@code timeout}. */
  static <T> T first(String baseUrl, List<Attempt<T>> attempts, String doing, String failure,
      Map<String, String> headers, Duration timeout) throws TraceReadException {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    List<String> tried = new ArrayList<>();
    String refusal = null;
    for (Attempt<T> attempt : attempts) {
      URI uri;
      try {
        uri = URI.create(base + attempt.pathAndQuery());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a URL: \"" + baseUrl + "\"");
      }
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "application/json").timeout(timeout);
        headers.forEach(request::header);
        // The whole answer within the timeout, not only its headers (what the request's timeout
        // bounds): a backend that stalls in the middle of its body would otherwise hold this for good.
        CompletableFuture<HttpResponse<byte[]>> pending =
            client.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
          response = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          pending.cancel(true);
          tried.add(uri + ": no whole answer within " + timeout.toMillis() + " ms");
          continue;
        } catch (ExecutionException e) {
          throw e.getCause() instanceof IOException ? (IOException) e.getCause()
              : new IOException(String.valueOf(e.getCause()), e.getCause());
        }
        try (InputStream body = new ByteArrayInputStream(response.body())) {
          if (response.statusCode() == 401 || response.statusCode() == 403) {
            // Not "not found", unless another path answers (a gateway may refuse routes it does not know).
            refusal = uri + " refused the request: HTTP " + response.statusCode()
                + " (the backend wants credentials or a tenant: pass them with --header)";
          }
          if (response.statusCode() != 200) {
            tried.add(uri + " answered HTTP " + response.statusCode());
            continue;
          }
          T answer = attempt.reader().read(uri, body);
          if (answer != null) {
            return answer;
          }
          tried.add(uri + " answered something other than " + attempt.expected());
        }
      } catch (TraceReadException e) {
        throw e;
      } catch (IOException e) {
        tried.add(uri + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TraceReadException("interrupted while " + doing + " " + uri);
      }
    }
    if (refusal != null) {
      throw new TraceReadException(refusal, new Refused());
    }
    throw new TraceReadException(failure + ": " + String.join("; ", tried));
  }
}
