package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.fixture;
import static dev.cabtrace.replay.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.replay.cli.CliRun.Result;
import dev.cabtrace.replay.internal.InMemoryDocument;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend's query API as {@code --from} and {@code push --verify --query} ask it, on loopback:
 * the URL's own query, redirects, an answer without end, one that never comes.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackendUrlCliTest {

  private static final String TRACE_ID = "bbff3415624849ccae3d4dd5f4b6b86a";

  @TempDir Path dir;

  @Test
  void theApiPathGoesAtTheEndOfTheUrlsPathAndItsQueryIsKeptAndMaskedInMessages() throws IOException {
    byte[] trace = fixture("seed-cell.tempo-v2.json");
    List<String> asked = new CopyOnWriteArrayList<>();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    backend.createContext("/base/", exchange -> {
      asked.add(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery());
      boolean keyed = String.valueOf(exchange.getRequestURI().getRawQuery()).startsWith("api_key=SECRET");
      if (keyed && exchange.getRequestURI().getPath().equals("/base/api/traces/" + TRACE_ID)) {
        send(exchange, 200, trace);
      } else if (keyed && exchange.getRequestURI().getPath().equals("/base/api/search")) {
        send(exchange, 200, ("{\"traces\":[{\"traceID\":\"" + TRACE_ID + "\"}]}").getBytes(StandardCharsets.UTF_8));
      } else {
        send(exchange, 404, "not found".getBytes(StandardCharsets.UTF_8));
      }
    });
    backend.start();
    String base = "http://127.0.0.1:" + backend.getAddress().getPort() + "/base";
    try {
      Result shown = run("show", "--from", base + "?api_key=SECRET", TRACE_ID, "--json");
      assertThat(shown.exit()).as(shown.err()).isZero();
      JsonNode document = new ObjectMapper().readTree(shown.out());
      assertThat(document.get("spans").size()).isEqualTo(5);
      assertThat(document.get("source").asText()).isEqualTo(base + "/api/traces/" + TRACE_ID + "?api_key=***");
      assertThat(asked).containsExactly("/base/api/traces/" + TRACE_ID + "?api_key=SECRET");

      asked.clear();
      Result swept = run("sweep", "--from", base + "?api_key=SECRET", "--sweep", "s1", "--json");
      assertThat(swept.exit()).as(swept.err()).isZero();
      assertThat(new ObjectMapper().readTree(swept.out()).get("cells").asLong()).isEqualTo(1);
      // The URL's query first, the search API's after it.
      assertThat(asked.get(0)).startsWith("/base/api/search?api_key=SECRET&q=");

      Result missing = run("show", "--from", base + "?api_key=SECRET&tenant=t1", "0123456789abcdef0123456789abcdef");
      assertThat(missing.exit()).isEqualTo(1);
      assertThat(missing.err().lines()).singleElement().asString()
          .startsWith("cab-trace: cannot fetch trace 0123456789abcdef0123456789abcdef from " + base
              + "?api_key=***&tenant=t1: " + base + "/api/traces/0123456789abcdef0123456789abcdef?api_key=***&tenant=t1"
              + " answered HTTP 404")
          .doesNotContain("SECRET");
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void aRedirectWithinTheOriginIsFollowedAndOneElsewhereIsNamedInTheError() throws IOException {
    byte[] trace = fixture("seed-cell.tempo-v2.json");
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    int port = backend.getAddress().getPort();
    String elsewhere = "http://localhost:" + port + "/new/api/traces/" + TRACE_ID + "?token=abc123";
    backend.createContext("/old/", exchange -> redirect(exchange, exchange.getRequestURI().getPath().replace("/old/", "/new/")));
    backend.createContext("/away/api/traces/", exchange -> redirect(exchange, elsewhere));
    backend.createContext("/new/api/traces/" + TRACE_ID, exchange -> send(exchange, 200, trace));
    backend.start();
    String base = "http://127.0.0.1:" + port;
    try {
      Result followed = run("show", "--from", base + "/old", TRACE_ID, "--json");
      assertThat(followed.exit()).as(followed.err()).isZero();
      assertThat(new ObjectMapper().readTree(followed.out()).get("source").asText())
          .isEqualTo(base + "/new/api/traces/" + TRACE_ID);

      Result away = run("show", "--from", base + "/away", TRACE_ID);
      assertThat(away.exit()).isEqualTo(1);
      assertThat(away.err().lines()).singleElement().asString()
          .contains(base + "/away/api/traces/" + TRACE_ID + " answered HTTP 302 to http://localhost:" + port
              + "/new/api/traces/" + TRACE_ID + "?token=*** (not followed: outside " + base + ")")
          .doesNotContain("abc123");
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void anAnswerLargerThanADocumentHeldInMemoryIsAnErrorNotAnOutOfMemoryError() throws IOException {
    CountDownLatch done = new CountDownLatch(1);
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    backend.createContext("/api/traces/", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0); // chunked: no length said
      byte[] span = "{\"traceID\":\"bbff3415624849ccae3d4dd5f4b6b86a\",\"spans\":[],\"processes\":{}},"
          .getBytes(StandardCharsets.UTF_8);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write("{\"data\":[".getBytes(StandardCharsets.UTF_8));
        // Past the cap, then ended: without one, the whole answer is read instead of hanging the test.
        for (long sent = 0; sent <= InMemoryDocument.MAX_BYTES + (1 << 20) && done.getCount() > 0; sent += span.length) {
          out.write(span);
        }
        out.write("{}]}".getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // The reader hung up: what a cap does.
      }
    });
    backend.setExecutor(Executors.newCachedThreadPool());
    backend.start();
    try {
      Result result = run("show", "--from", "http://127.0.0.1:" + backend.getAddress().getPort(), TRACE_ID);

      assertThat(result.exit()).isEqualTo(1);
      assertThat(result.err().lines()).singleElement().asString()
          .startsWith("cab-trace: cannot fetch trace " + TRACE_ID + " from http://127.0.0.1:")
          .endsWith("/api/traces/" + TRACE_ID + ": the answer is larger than " + InMemoryDocument.describeMax()
              + ", the most read into memory (64 MiB or a sixteenth of the heap)");
    } finally {
      done.countDown();
      backend.stop(0);
    }
  }

  @Test
  void pushVerifyOnAQueryApiThatNeverAnswersAsksNoMoreOnceTheVerifyTimeoutIsSpent() throws IOException {
    String line = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":["
        + "{\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\",\"name\":\"one\","
        + "\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"5000\"},"
        + "{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"0000000000000002\",\"name\":\"two\","
        + "\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"5000\"}]}]}]}\n";
    Path capture = Files.writeString(dir.resolve("two-traces.jsonl"), line);
    CountDownLatch done = new CountDownLatch(1);
    List<String> asked = new CopyOnWriteArrayList<>();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    backend.createContext("/v1/traces", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    backend.createContext("/api/", exchange -> {
      asked.add(exchange.getRequestURI().getPath());
      try {
        done.await(); // never answers while the push waits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    backend.setExecutor(Executors.newCachedThreadPool());
    backend.start();
    try {
      String url = "http://127.0.0.1:" + backend.getAddress().getPort();
      Result result = run("push", capture.toString(), "--endpoint", url, "--max-age", "100000d", "--verify", "--query",
          url, "--verify-timeout", "2s");

      assertThat(result.out()).contains("pushed 2 of 2 spans").contains("backend holds 0 of 2 spans");
      assertThat(result.exit()).isEqualTo(1);
      // The first request had all of the wait: neither the other path nor the other trace was asked after it.
      assertThat(asked).singleElement().asString().startsWith("/api/traces/");
    } finally {
      done.countDown();
      backend.stop(0);
    }
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
