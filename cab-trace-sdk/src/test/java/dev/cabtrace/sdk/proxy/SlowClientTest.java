package dev.cabtrace.sdk.proxy;

import static dev.cabtrace.sdk.proxy.ScriptedUpstream.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy against clients that read an answer slower than the upstream sends it, pause, or stop
 * reading: a real upstream on loopback, and a client socket the test reads (or does not) by hand.
 */
@Timeout(60)
class SlowClientTest {

  private static final String REQUEST = "{\"model\":\"m\",\"stream\":true}";
  // One event of about 16 KiB: a slow client's answer is many megabytes, more than every socket
  // buffer between the proxy and it, so that the proxy's writes to it have to wait.
  private static final byte[] EVENT = utf8("data: {\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\""
      + "x".repeat(16 * 1024) + "\"}}]}\n\n");
  private static final byte[] DONE = utf8("data: [DONE]\n\n");

  @TempDir Path dir;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ScriptedUpstream upstream;
  private CabTraceSdk sdk;
  private CellSpan container;

  @BeforeEach
  void start() throws IOException {
    upstream = new ScriptedUpstream();
    sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("cell.jsonl")).addSpanExporter(spans).build();
    container = sdk.cellTracer().container("aider:run");
  }

  @AfterEach
  void stop() {
    container.close();
    sdk.close();
    upstream.close();
  }

  @Test
  void aTimeoutThatIsNotPositiveIsRefusedWhenSet() {
    ModelCallRecordingProxy.Builder builder = ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer());
    for (java.time.Duration bad : new java.time.Duration[] {java.time.Duration.ZERO, java.time.Duration.ofMillis(-1)}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.setUpstreamTimeout(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upstreamTimeout must be positive");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.setClientWriteTimeout(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientWriteTimeout must be positive");
    }
  }

  @Test
  void aClientThatStopsReadingIsCutAtTheClientWriteTimeoutAndGivesItsPlaceBack() throws Exception {
    CountDownLatch upstreamClosed = new CountDownLatch(1);
    upstream.on("/endless/v1/chat/completions", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      try {
        while (true) {
          out.write(EVENT);
          out.flush();
        }
      } catch (IOException e) {
        upstreamClosed.countDown();
        throw e;
      }
    });
    upstream.on("/short/v1/chat/completions", exchange ->
        ScriptedUpstream.stream(exchange, "text/event-stream", null, java.util.List.of(EVENT, DONE), 0));
    try (ModelCallRecordingProxy proxy = ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer())
        .setClientWriteTimeout(Duration.ofMillis(300)).setMaxConcurrentCalls(1).start();
        Socket neverReads = RawHttp.send(proxy.port(), request("/endless/v1/chat/completions", "HTTP/1.1"))) {

      assertThat(upstreamClosed.await(10, TimeUnit.SECONDS)).as("the upstream's connection was closed").isTrue();
      SpanData call = FinishedModelCalls.await(sdk, spans, 1).get(0);
      assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(call.getStatus().getDescription())
          .contains("the client stopped reading: nothing could be written to it for 300 ms");
      assertThat(post(proxy, "/short/v1/chat/completions").statusCode())
          .as("the one call allowed at a time is free again").isEqualTo(200);
      neverReads.setSoTimeout(10_000);
      assertThat(RawHttp.readHead(neverReads.getInputStream())).startsWith("HTTP/1.1 200 OK");
      assertThat(readToItsEnd(neverReads.getInputStream()).ending)
          .as("the client's connection was broken, not left open").isNotInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void aClientGoneBeforeTheAnswersHeadFailsTheCallItNeverGot() throws Exception {
    CountDownLatch asked = new CountDownLatch(1);
    CountDownLatch clientGone = new CountDownLatch(1);
    upstream.on("/v1/chat/completions", exchange -> {
      asked.countDown();
      try {
        clientGone.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ScriptedUpstream.stream(exchange, "text/event-stream", null, java.util.List.of(EVENT, DONE), 0);
    });
    try (ModelCallRecordingProxy proxy = ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer()).start()) {
      Socket gone = RawHttp.send(proxy.port(), request("/v1/chat/completions", "HTTP/1.1"));
      assertThat(asked.await(10, TimeUnit.SECONDS)).as("the request reached the upstream").isTrue();
      gone.setSoLinger(true, 0); // closed with a reset: the proxy's next write to it fails
      gone.close();
      clientGone.countDown();

      SpanData call = FinishedModelCalls.await(sdk, spans, 1).get(0);
      assertThat(call.getStatus().getStatusCode()).as("the agent never got this answer").isEqualTo(StatusCode.ERROR);
      assertThat(call.getStatus().getDescription())
          .contains("the client closed the connection before the answer's head reached it");
    }
  }

  @Test
  void aClientThatReadsSlowerThanTheUpstreamSendsButSteadilyGetsTheWholeAnswer() throws Exception {
    int events = 1536; // 24 MiB, read at 16 KiB a millisecond at most: at least 1.5 s, over the 1 s limit
    upstream.on("/v1/chat/completions", exchange -> finiteAnswer(exchange, events));
    try (ModelCallRecordingProxy proxy = ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer())
        .setClientWriteTimeout(Duration.ofSeconds(1)).start();
        Socket slow = RawHttp.send(proxy.port(), request("/v1/chat/completions", "HTTP/1.0"))) {
      InputStream in = slow.getInputStream();
      assertThat(RawHttp.readHead(in)).startsWith("HTTP/1.0 200 OK");

      Read read = readToItsEnd(in, 64 * 1024, Duration.ofMillis(4));

      assertThat(read.ending).as("the answer ended cleanly").isNull();
      assertThat(read.bytes).isEqualTo((long) events * EVENT.length + DONE.length);
      assertThat(read.tail).endsWith(new String(DONE, StandardCharsets.UTF_8));
    }
    SpanData call = FinishedModelCalls.await(sdk, spans, 1).get(0);
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void aClientThatPausesLongerThanTheUpstreamTimeoutIsNotTakenForAQuietUpstream() throws Exception {
    int events = 1024; // 16 MiB: the proxy is soon waiting to write, not to read
    upstream.on("/v1/chat/completions", exchange -> finiteAnswer(exchange, events));
    try (ModelCallRecordingProxy proxy = ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer())
        .setUpstreamTimeout(Duration.ofMillis(200)).start();
        Socket pausing = RawHttp.send(proxy.port(), request("/v1/chat/completions", "HTTP/1.0"))) {
      InputStream in = pausing.getInputStream();
      assertThat(RawHttp.readHead(in)).startsWith("HTTP/1.0 200 OK");
      // The pause is the client's behaviour under test (an agent busy elsewhere), not a wait for the
      // proxy: the answer must come whole however long it lasts.
      LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());

      Read read = readToItsEnd(in);

      assertThat(read.ending).as("the answer ended cleanly").isNull();
      assertThat(read.bytes).isEqualTo((long) events * EVENT.length + DONE.length);
      assertThat(read.tail).endsWith(new String(DONE, StandardCharsets.UTF_8));
    }
    SpanData call = FinishedModelCalls.await(sdk, spans, 1).get(0);
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  private static void finiteAnswer(HttpExchange exchange, int events) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    for (int i = 0; i < events; i++) {
      out.write(EVENT);
    }
    out.write(DONE);
  }

  private static String request(String path, String version) {
    return "POST " + path + " " + version + "\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
        + REQUEST.length() + "\r\n\r\n" + REQUEST;
  }

  private HttpResponse<String> post(ModelCallRecordingProxy proxy, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + path))
        .POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What a client read of an answer: how many bytes, the last few, and the failure it ended with (null: EOF). */
  private record Read(long bytes, String tail, IOException ending) {}

  private static Read readToItsEnd(InputStream in) {
    return readToItsEnd(in, 64 * 1024, Duration.ZERO);
  }

  /** Reads {@code in} to its end, {@code piece} bytes at a time with {@code pause} after each. */
  private static Read readToItsEnd(InputStream in, int piece, Duration pause) {
    long bytes = 0;
    byte[] tail = new byte[0];
    IOException ending = null;
    try {
      byte[] read;
      while ((read = in.readNBytes(piece)).length > 0) {
        bytes += read.length;
        byte[] joined = Arrays.copyOf(tail, tail.length + read.length);
        System.arraycopy(read, 0, joined, tail.length, read.length);
        tail = Arrays.copyOfRange(joined, Math.max(0, joined.length - 64), joined.length);
        if (!pause.isZero()) {
          LockSupport.parkNanos(pause.toNanos());
        }
      }
    } catch (IOException e) {
      ending = e;
    }
    return new Read(bytes, new String(tail, StandardCharsets.UTF_8), ending);
  }
}
