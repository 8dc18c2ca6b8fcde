package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy under load on loopback: 200 concurrent streamed calls (far past the 64 that once
 * deadlocked it) all finish with their exact usage, and 1,000 connections past the limit are
 * answered 429 rather than left hanging, with the proxy's threads bounded.
 */
@Timeout(180)
class ProxyLoadIT {

  private static final int STREAMS = 200;
  private static final long GAP_MILLIS = 400;

  @TempDir Path dir;

  private static String chunk(String body) {
    return "data: " + body + "\n\n";
  }

  /** Three chunks {@link #GAP_MILLIS} apart, usage in the last one, like a slow model. */
  private static ScriptedUpstream slowStreams() throws IOException {
    return new ScriptedUpstream().on("/v1/chat/completions", exchange -> ScriptedUpstream.stream(
        exchange, "text/event-stream", null, List.of(
            ScriptedUpstream.utf8(chunk("{\"model\":\"m-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}")),
            ScriptedUpstream.utf8(chunk("{\"model\":\"m-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")),
            ScriptedUpstream.utf8(chunk("{\"model\":\"m-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
                + exchange.getRequestHeaders().getFirst("X-Call") + ",\"completion_tokens\":7}}") + "data: [DONE]\n\n")),
        GAP_MILLIS));
  }

  /** Fires {@link #STREAMS} streamed calls at once; returns the wall time until all have finished. */
  private static long fireAll(HttpClient client, URI base) {
    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      calls.add(client.sendAsync(
          HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
              .header("X-Call", String.valueOf(1000 + i))
              .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true,\"n\":" + i + "}")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> response = call.orTimeout(120, TimeUnit.SECONDS).join();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }
    return System.nanoTime() - start;
  }

  @Test
  void twoHundredConcurrentStreamsFinishWithTheirExactUsageWithinTwiceTheirDirectTime() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (ScriptedUpstream upstream = slowStreams();
        CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("cell.jsonl")).addSpanExporter(spans).build()) {
      long direct = fireAll(client, upstream.uri());
      long proxied;
      try (CellSpan container = sdk.cellTracer().container("load:run");
          ModelCallRecordingProxy proxy = ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer()).start()) {
        proxied = fireAll(client, URI.create(proxy.baseUrl()));
      }
      sdk.flush();
      List<SpanData> calls = spans.getFinishedSpanItems().stream()
          .filter(s -> "model_call".equals(s.getAttributes().get(CabAttributes.SPAN_KIND))).toList();

      System.out.printf("%d concurrent streams: direct %.2f s, through the proxy %.2f s (%.2fx)%n",
          STREAMS, direct / 1e9, proxied / 1e9, (double) proxied / direct);
      assertThat(calls).hasSize(STREAMS);
      assertThat(calls.stream().map(s -> s.getAttributes().get(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)))
          .as("every call's own prompt_tokens").containsExactlyInAnyOrderElementsOf(
              java.util.stream.LongStream.range(1000, 1000 + STREAMS).boxed().toList());
      assertThat(calls).allSatisfy(s ->
          assertThat(s.getAttributes().get(CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(7L));
      assertThat(proxied).as("through the proxy vs direct").isLessThanOrEqualTo(2 * direct);
    }
  }

  @Test
  void aThousandConnectionsPastTheLimitGet429AtOnceAndTheCallsInFlightStillFinish() throws Exception {
    int limit = 8;
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inFlight = new CountDownLatch(limit);
    try (ScriptedUpstream upstream = new ScriptedUpstream().on("/v1/chat/completions", exchange -> {
          inFlight.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = ScriptedUpstream.utf8("{\"model\":\"m\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
        });
        CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("limit.jsonl")).build();
        ModelCallRecordingProxy proxy = ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer())
            .setMaxConcurrentCalls(limit).start()) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
      for (int i = 0; i < limit; i++) {
        held.add(client.sendAsync(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(), HttpResponse.BodyHandlers.ofString()));
      }
      assertThat(inFlight.await(30, TimeUnit.SECONDS)).as("the limit's worth of calls reached the upstream").isTrue();

      List<Socket> sockets = new ArrayList<>();
      int peakThreads = 0;
      try {
        for (int i = 0; i < 1000; i++) {
          Socket socket = new Socket("127.0.0.1", proxy.port());
          socket.setSoTimeout(30_000);
          OutputStream out = socket.getOutputStream();
          out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 13\r\n\r\n{\"model\":\"m\"}").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          sockets.add(socket);
          peakThreads = Math.max(peakThreads, proxyThreads());
        }
        for (Socket socket : sockets) {
          BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
          String status = in.readLine();
          assertThat(status).isEqualTo("HTTP/1.1 429 Too Many Requests");
          String line;
          boolean retryAfter = false;
          while ((line = in.readLine()) != null && !line.isEmpty()) {
            retryAfter |= line.equalsIgnoreCase("Retry-After: 1");
          }
          assertThat(retryAfter).isTrue();
        }
      } finally {
        for (Socket socket : sockets) {
          socket.close();
        }
      }
      release.countDown();
      for (CompletableFuture<HttpResponse<String>> call : held) {
        assertThat(call.orTimeout(30, TimeUnit.SECONDS).join().statusCode()).isEqualTo(200);
      }
      assertThat(proxy.rejectedRequests()).isEqualTo(1000);
      System.out.printf("1000 connections past a limit of %d: all 429, at most %d proxy threads%n", limit, peakThreads);
      assertThat(peakThreads).as("connection threads stay bounded").isLessThanOrEqualTo(2 * limit + 16 + 2 + 1);
    }
  }

  private static int proxyThreads() {
    int count = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("cab-trace-proxy-")) {
        count++;
      }
    }
    return count;
  }
}
