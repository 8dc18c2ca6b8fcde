package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.replay.read.TraceReadException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Asking a backend's query API at its paths in turn: a refusal is final only when no path answers. */
class BackendQueryTest {

  @Test
  void aPathThatRefusesIsPassedOverWhenAnotherAnswersAndIsTheErrorWhenNoneDoes() throws IOException {
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    backend.createContext("/refused", exchange -> {
      exchange.sendResponseHeaders(403, -1);
      exchange.close();
    });
    backend.createContext("/answers", exchange -> {
      byte[] body = "held".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    backend.start();
    try {
      String base = "http://127.0.0.1:" + backend.getAddress().getPort();
      BackendQuery.AnswerReader<String> text = (uri, body) -> new String(body.readAllBytes(), StandardCharsets.UTF_8);
      // A gateway that refuses the routes it does not know, in front of an API at another path.
      assertThat(BackendQuery.first(base, List.of(new BackendQuery.Attempt<>("/refused", "text", text),
          new BackendQuery.Attempt<>("/answers", "text", text)), "asking", "cannot ask")).isEqualTo("held");
      assertThatThrownBy(() -> BackendQuery.first(base, List.of(new BackendQuery.Attempt<>("/refused", "text", text),
          new BackendQuery.Attempt<>("/missing", "text", text)), "asking", "cannot ask"))
          .isInstanceOf(TraceReadException.class).hasMessageContaining("refused the request: HTTP 403")
          .hasCauseInstanceOf(BackendQuery.Refused.class);
    } finally {
      backend.stop(0);
    }
  }

  @Test
  // On its own thread: a query that hangs fails the test instead of holding the build.
  @org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aBackendThatStallsInTheMiddleOfItsAnswerIsGivenUpOnAtTheTimeout() throws Exception {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    backend.createContext("/stalls", exchange -> {
      exchange.sendResponseHeaders(200, 100_000);
      exchange.getResponseBody().write("{\"data\":[{\"spans\":[".getBytes(StandardCharsets.UTF_8));
      exchange.getResponseBody().flush();
      try {
        done.await(); // the rest never comes while the query waits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    backend.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    backend.start();
    try {
      String base = "http://127.0.0.1:" + backend.getAddress().getPort();
      BackendQuery.AnswerReader<String> text = (uri, body) -> new String(body.readAllBytes(), StandardCharsets.UTF_8);
      assertThatThrownBy(() -> BackendQuery.first(base, List.of(new BackendQuery.Attempt<>("/stalls", "text", text)),
          "asking", "cannot ask", java.util.Map.of(), java.time.Duration.ofMillis(300)))
          .isInstanceOf(TraceReadException.class).hasMessageContaining("/stalls: no whole answer within 300 ms");
    } finally {
      done.countDown();
      backend.stop(0);
    }
  }
  @Test
  @org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aFetchHasOneDeadlineForEveryPathItTriesAndSaysSo() throws Exception {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    backend.createContext("/api/", exchange -> {
      asked.add(exchange.getRequestURI().getPath());
      try {
        done.await(); // never answers while the fetch waits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    backend.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    backend.start();
    String id = "0af7651916cd43dd8448eb211c80319c";
    try {
      String base = "http://127.0.0.1:" + backend.getAddress().getPort();
      assertThatThrownBy(() -> BackendFetch.fetch(dev.cabtrace.replay.read.TraceReader.builder().build(), base, id,
          java.util.Map.of(), java.time.Duration.ofMillis(500)))
          .isInstanceOf(TraceReadException.class)
          .hasMessage("cannot fetch trace " + id + " from " + base + ": " + base + "/api/traces/" + id
              + ": no whole answer within 500 ms, the time for all paths; " + base + "/api/v2/trace/" + id
              + ": not asked, the 500 ms for all paths were up");
      assertThat(asked).containsExactly("/api/traces/" + id);
    } finally {
      done.countDown();
      backend.stop(0);
    }
  }

  @Test
  void noErrorRepeatsTheCredentialsOfAUrl() throws IOException {
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    backend.start();
    String id = "0af7651916cd43dd8448eb211c80319c";
    try {
      String base = "http://user:s3cret@127.0.0.1:" + backend.getAddress().getPort();
      assertThatThrownBy(() -> BackendFetch.fetch(dev.cabtrace.replay.read.TraceReader.builder().build(), base, id))
          .isInstanceOf(TraceReadException.class)
          .hasMessageStartingWith("cannot fetch trace " + id + " from http://***@127.0.0.1:")
          .hasMessageContaining("http://***@127.0.0.1:" + backend.getAddress().getPort() + "/api/traces/" + id
              + " answered HTTP 404")
          .hasMessageNotContaining("s3cret");
    } finally {
      backend.stop(0);
    }
  }
}
