package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CellSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy against upstreams that fail: not there, reset mid-stream, gone quiet mid-stream. Each
 * is a socket the test writes by hand, as no well-behaved server would.
 */
@Timeout(60)
class UpstreamFailureTest {

  @TempDir Path dir;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private CabTraceSdk sdk;
  private CellSpan container;

  @BeforeEach
  void start() {
    sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("cell.jsonl")).addSpanExporter(spans).build();
    container = sdk.cellTracer().container("aider:run");
  }

  @AfterEach
  void stop() {
    container.close();
    sdk.close();
  }

  private List<SpanData> modelCalls(int expected) {
    return FinishedModelCalls.await(sdk, spans, expected);
  }

  @Test
  void anUnreachableUpstreamDropsTheClientsConnectionAndMakesAnErrorSpan() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (ModelCallRecordingProxy toNowhere =
        ModelCallRecordingProxy.builder(URI.create("http://127.0.0.1:" + closedPort), sdk.cellTracer()).start()) {
      // Without the proxy the client could not connect; with it, its connection closes unanswered.
      Throwable thrown = null;
      try {
        client.send(
            HttpRequest.newBuilder(URI.create(toNowhere.baseUrl() + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        thrown = e;
      }
      assertThat(thrown).isInstanceOf(IOException.class);
    }
    SpanData call = modelCalls(1).get(0);
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(call.getEvents()).extracting(e -> e.getName()).contains("exception");
  }

  @Test
  void aResetMidStreamReachesTheClientAsAFailureAndAnErrorSpan() throws Exception {
    try (ServerSocket resetting = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ModelCallRecordingProxy toResetting =
            ModelCallRecordingProxy.builder(URI.create("http://127.0.0.1:" + resetting.getLocalPort()), sdk.cellTracer()).start()) {
      ExecutorService server = Executors.newSingleThreadExecutor();
      server.submit((Callable<Void>) () -> {
        try (Socket socket = resetting.accept()) {
          InputStream in = socket.getInputStream();
          byte[] buffer = new byte[8192];
          int read = in.read(buffer); // the request (small enough for one read on loopback)
          assertThat(read).isPositive();
          OutputStream out = socket.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "2b\r\ndata: {\"model\":\"m\",\"choices\":[{\"delta\":{}}]}\n\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          socket.setSoLinger(true, 0); // close with RST, mid-stream
        }
        return null;
      });
      Throwable thrown = null;
      try {
        client.send(
            HttpRequest.newBuilder(URI.create(toResetting.baseUrl() + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true}")).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        thrown = e;
      }
      assertThat(thrown).as("the client sees the stream break, as without the proxy").isInstanceOf(IOException.class);
      server.shutdownNow();
    }
    SpanData call = modelCalls(1).get(0);
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(call.getStatus().getDescription()).containsAnyOf("mid-stream", "reset before answering");
  }

  @Test
  void anUpstreamThatGoesQuietMidStreamIsCutAtItsTimeoutWithAnErrorSpan() throws Exception {
    java.util.concurrent.CountDownLatch testDone = new java.util.concurrent.CountDownLatch(1);
    try (ServerSocket quiet = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ModelCallRecordingProxy toQuiet = ModelCallRecordingProxy.builder(
            URI.create("http://127.0.0.1:" + quiet.getLocalPort()), sdk.cellTracer())
            .setUpstreamTimeout(java.time.Duration.ofMillis(500)).start()) {
      ExecutorService server = Executors.newSingleThreadExecutor();
      server.submit((Callable<Void>) () -> {
        try (Socket socket = quiet.accept()) {
          assertThat(socket.getInputStream().read(new byte[8192])).isPositive();
          OutputStream out = socket.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "2e\r\ndata: {\"model\":\"m\",\"choices\":[{\"delta\":{}}]}\n\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          testDone.await(); // then nothing more, the connection open
        }
        return null;
      });
      Throwable thrown = null;
      try {
        client.send(
            HttpRequest.newBuilder(URI.create(toQuiet.baseUrl() + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true}")).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        thrown = e;
      } finally {
        testDone.countDown();
        server.shutdownNow();
      }
      assertThat(thrown).as("the client sees the stream break, not a clean end").isInstanceOf(IOException.class);
    }
    SpanData call = modelCalls(1).get(0);
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(call.getStatus().getDescription()).contains("upstream sent nothing for 500 ms mid-response");
  }
}
