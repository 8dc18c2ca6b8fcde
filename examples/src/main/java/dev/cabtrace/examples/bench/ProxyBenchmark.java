package dev.cabtrace.examples.bench;

import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.sdk.CabTraceSdk;
import dev.cabtrace.sdk.proxy.ModelCallRecordingProxy;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The latency the recording proxy adds per call on loopback, against calling the same local
 * upstream directly in the same run (target ≤ 1 ms added at p50), and its throughput with 8
 * concurrent streamed calls.
 *
 * <pre>java -cp examples/target/cab-trace-examples.jar dev.cabtrace.examples.bench.ProxyBenchmark</pre>
 */
public final class ProxyBenchmark {

  private static final int CALLS = 2_000;
  private static final String BODY =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-5-mini\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":5210,\"completion_tokens\":388,\"total_tokens\":5598}}";

  public static void main(String[] args) throws Exception {
    // The same TCP settings for the upstream as the proxy uses, so the comparison is fair.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    upstream.setExecutor(Executors.newFixedThreadPool(16));
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    upstream.createContext("/v1/chat/completions", exchange -> {
      exchange.getRequestBody().readAllBytes();
      boolean stream = exchange.getRequestURI().getQuery() != null;
      if (stream) {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          for (int i = 0; i < 50; i++) {
            out.write(("data: {\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"token " + i + "\"}}]}\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
          out.write("data: {\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":50}}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    upstream.start();
    URI upstreamUri = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort());
    Path capture = Files.createTempFile("cab-trace-proxy-bench-", ".jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setCrashJournal(false).build();
        ModelCallRecordingProxy proxy = ModelCallRecordingProxy.builder(upstreamUri, sdk.cellTracer()).start()) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String request = "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      URI direct = URI.create(upstreamUri + "/v1/chat/completions");
      URI proxied = URI.create(proxy.baseUrl() + "/v1/chat/completions");
      for (int i = 0; i < 500; i++) {
        call(client, direct, request);
        call(client, proxied, request);
      }
      long[] directNanos = new long[CALLS];
      long[] proxiedNanos = new long[CALLS];
      for (int i = 0; i < CALLS; i++) {
        long start = System.nanoTime();
        call(client, direct, request);
        directNanos[i] = System.nanoTime() - start;
        start = System.nanoTime();
        call(client, proxied, request);
        proxiedNanos[i] = System.nanoTime() - start;
      }
      double directP50 = percentile(directNanos, 50) / 1e6;
      double proxiedP50 = percentile(proxiedNanos, 50) / 1e6;
      System.out.printf("proxy latency (%d calls, loopback): direct p50 %.3f ms p99 %.3f ms; via proxy p50 %.3f ms p99 %.3f ms;"
              + " added p50 %.3f ms (target <= 1 ms), ratio %.2fx%n",
          CALLS, directP50, percentile(directNanos, 99) / 1e6, proxiedP50, percentile(proxiedNanos, 99) / 1e6,
          proxiedP50 - directP50, proxiedP50 / directP50);

      double directRate = streams(client, URI.create(direct + "?stream"));
      double proxiedRate = streams(client, URI.create(proxied + "?stream"));
      System.out.printf("8 concurrent streams (50 events each): direct %.0f calls/s, via proxy %.0f calls/s, ratio %.2fx%n",
          directRate, proxiedRate, proxiedRate / directRate);
      sdk.flush();
      System.out.printf("model_call spans captured: %d, lost: %d%n", sdk.capturedSpans(), sdk.lostSpans());
    } finally {
      upstream.stop(0);
      Files.deleteIfExists(capture);
    }
    System.exit(0);
  }

  private static void call(HttpClient client, URI uri, String body) throws Exception {
    HttpResponse<byte[]> response = client.send(
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode());
    }
  }

  private static double streams(HttpClient client, URI uri) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    String request = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    int perThread = 200;
    for (int warm = 0; warm < 2; warm++) {
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            call(client, uri, request);
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
      if (warm == 1) {
        pool.shutdown();
        return 8.0 * perThread / ((System.nanoTime() - start) / 1e9);
      }
    }
    throw new AssertionError();
  }

  private static double percentile(long[] values, int percentile) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)];
  }

  private ProxyBenchmark() {}
}
