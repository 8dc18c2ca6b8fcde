package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.internal.InMemoryDocument;
import dev.cabtrace.replay.read.TraceReadException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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

  /**
   * How long a query may take in all, every path it asks at and every redirect it follows
   * together, unless the caller bounds it otherwise.
   */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Redirects followed in a row, as many as java.net.http's own policy follows. */
  private static final int MAX_REDIRECTS = 5;

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

  /**
   * As {@link #first(String, List, String, String)}, sending {@code headers}, the whole query within
   * {@code timeout}: each request gets what is left of it.
   */
  static <T> T first(String baseUrl, List<Attempt<T>> attempts, String doing, String failure,
      Map<String, String> headers, Duration timeout) throws TraceReadException {
    URI base;
    try {
      base = new URI(baseUrl);
    } catch (URISyntaxException e) {
      base = null;
    }
    if (base == null || base.getHost() == null) {
      throw new IllegalArgumentException("not a URL: \"" + HttpUrl.shown(baseUrl) + "\"");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(timeout.compareTo(CONNECT_TIMEOUT) < 0 && !timeout.isZero() ? timeout : CONNECT_TIMEOUT)
        .build();
    List<String> tried = new ArrayList<>();
    String refusal = null;
    for (Attempt<T> attempt : attempts) {
      URI uri = at(base, attempt.pathAndQuery());
      if (deadline - System.nanoTime() <= 0) {
        tried.add(HttpUrl.shown(uri.toString()) + ": not asked, the " + describe(timeout) + " for all paths were up");
        continue;
      }
      try {
        HttpResponse<byte[]> response;
        int redirects = 0;
        URI next;
        while (true) {
          response = get(client, uri, headers, deadline);
          next = redirectTo(uri, response);
          if (next == null || redirects == MAX_REDIRECTS || !sameOrigin(uri, next)) {
            break;
          }
          // Within the origin only: the headers, a tenant's or a token, go to no one else.
          uri = next;
          redirects++;
        }
        String shown = HttpUrl.shown(uri.toString());
        int status = response.statusCode();
        if (status == 401 || status == 403) {
          // Not "not found", unless another path answers (a gateway may refuse routes it does not know).
          refusal = shown + " refused the request: HTTP " + status
              + " (the backend wants credentials or a tenant: push --verify sends its --header ones, --from none)";
        }
        if (status != 200) {
          tried.add(shown + " answered HTTP " + status + notFollowed(uri, response, next));
          continue;
        }
        T answer = attempt.reader().read(uri, new ByteArrayInputStream(response.body()));
        if (answer != null) {
          return answer;
        }
        tried.add(shown + " answered something other than " + attempt.expected());
      } catch (TimeoutException e) {
        tried.add(HttpUrl.shown(uri.toString()) + ": no whole answer within " + describe(timeout) + ", the time for all paths");
      } catch (CappedBody.TooLarge e) {
        throw new TraceReadException(failure + ": " + HttpUrl.shown(uri.toString()) + ": the answer is larger than "
            + InMemoryDocument.describeMax() + ", the most read into memory (64 MiB or a sixteenth of the heap)");
      } catch (TraceReadException e) {
        throw e;
      } catch (IOException e) {
        tried.add(HttpUrl.shown(uri.toString()) + ": " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " " + e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TraceReadException("interrupted while " + doing + " " + HttpUrl.shown(uri.toString()));
      }
    }
    if (refusal != null) {
      throw new TraceReadException(refusal, new Refused());
    }
    throw new TraceReadException(failure + ": " + String.join("; ", tried));
  }

  /**
   * The answer at {@code uri}, whole, by {@code deadline} ({@link System#nanoTime}).
   *
   * @throws TimeoutException when the deadline passes first
   * @throws CappedBody.TooLarge when the answer is larger than {@link InMemoryDocument#MAX_BYTES}
   */
  private static HttpResponse<byte[]> get(HttpClient client, URI uri, Map<String, String> headers, long deadline)
      throws IOException, InterruptedException, TimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new TimeoutException();
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).header("Accept", "application/json").timeout(Duration.ofNanos(left));
    headers.forEach(request::header);
    // The whole answer by the deadline, not only its headers (what the request's timeout bounds):
    // a backend that stalls in the middle of its body would otherwise hold this for good.
    CompletableFuture<HttpResponse<byte[]>> pending =
        client.sendAsync(request.GET().build(), CappedBody.atMost(InMemoryDocument.MAX_BYTES));
    try {
      return pending.get(left, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      for (Throwable inner = cause; inner != null; inner = inner.getCause()) {
        if (inner instanceof CappedBody.TooLarge) {
          throw (CappedBody.TooLarge) inner;
        }
      }
      if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
        throw new TimeoutException();
      }
      throw cause instanceof IOException ? (IOException) cause : new IOException(String.valueOf(cause), cause);
    }
  }

  /**
   * The API's path at the end of {@code base}'s path, and its query after {@code base}'s own (a key
   * a proxy in front of the API wants): {@code http://h/tempo?k=v} and {@code /api/search?q=x} make
   * {@code http://h/tempo/api/search?k=v&q=x}.
   */
  static URI at(URI base, String pathAndQuery) {
    int question = pathAndQuery.indexOf('?');
    String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
    String query = question < 0 ? null : pathAndQuery.substring(question + 1);
    String basePath = base.getRawPath() == null ? "" : base.getRawPath();
    if (basePath.endsWith("/")) {
      basePath = basePath.substring(0, basePath.length() - 1);
    }
    String joined = base.getRawQuery() == null ? query : query == null ? base.getRawQuery() : base.getRawQuery() + "&" + query;
    try {
      return new URI(base.getScheme() + "://" + base.getRawAuthority() + basePath + path + (joined == null ? "" : "?" + joined));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: \"" + HttpUrl.shown(base.toString()) + "\"");
    }
  }

  /** Where a redirect sends, resolved against {@code from}; null when the answer is none, or names no URL. */
  private static URI redirectTo(URI from, HttpResponse<?> response) {
    if (!isRedirect(response.statusCode())) {
      return null;
    }
    try {
      URI to = from.resolve(new URI(response.headers().firstValue("Location").orElse("")));
      return to.getHost() == null || !(to.getScheme().equalsIgnoreCase("http") || to.getScheme().equalsIgnoreCase("https"))
          ? null : to;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /** For the error: where a redirect that was not followed points, and why it was not. */
  private static String notFollowed(URI from, HttpResponse<?> response, URI to) {
    if (!isRedirect(response.statusCode())) {
      return "";
    }
    String location = response.headers().firstValue("Location").orElse(null);
    if (location == null) {
      return " without a Location";
    }
    if (to == null) {
      return " to " + HttpUrl.shown(location) + " (not followed: not an http(s) URL)";
    }
    return " to " + HttpUrl.shown(to.toString()) + (sameOrigin(from, to)
        ? " (not followed: " + MAX_REDIRECTS + " redirects in a row already)"
        : " (not followed: outside " + HttpUrl.shown(from.getScheme() + "://" + from.getRawAuthority()) + ")");
  }

  /** {@code 60 s}, {@code 300 ms}. */
  private static String describe(Duration timeout) {
    return timeout.toNanos() % 1_000_000_000L == 0 ? timeout.toSeconds() + " s" : Durations.exactMillis(timeout.toNanos());
  }
}
