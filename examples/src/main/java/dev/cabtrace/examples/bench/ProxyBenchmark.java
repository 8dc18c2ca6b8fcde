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
 * upstream directly in the same run (target ≤ 1 ms added at p50), and its latency and throughput
 * with 8, 64 and 256 concurrent streamed calls, direct and through the proxy, same client, same
 * upstream, same work.
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
    // The JDK server closes idle connections past 200 by default, which a client pooling 256 then
    // finds broken; the local upstream must not be what limits the run.
    System.setProperty("sun.net.httpserver.maxIdleConnections", "1000");
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    upstream.setExecutor(Executors.newCachedThreadPool());
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

      for (int concurrency : new int[] {8, 64, 256}) {
        StreamRun directRun = streams(client, URI.create(direct + "?stream"), concurrency);
        StreamRun proxiedRun = streams(client, URI.create(proxied + "?stream"), concurrency);
        System.out.printf("%3d concurrent streams (50 events each): direct p50 %.2f ms p99 %.2f ms %.0f calls/s;"
                + " via proxy p50 %.2f ms p99 %.2f ms %.0f calls/s; added p50 %.2f ms, throughput ratio %.2fx%n",
            concurrency, directRun.p50Millis, directRun.p99Millis, directRun.callsPerSecond,
            proxiedRun.p50Millis, proxiedRun.p99Millis, proxiedRun.callsPerSecond,
            proxiedRun.p50Millis - directRun.p50Millis, proxiedRun.callsPerSecond / directRun.callsPerSecond);
      }
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

  private record StreamRun(double p50Millis, double p99Millis, double callsPerSecond) {}

  /** {@code concurrency} threads each making streamed calls one after another; the second round counts. */
  private static StreamRun streams(HttpClient client, URI uri, int concurrency) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    String request = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    int perThread = Math.max(4, 1600 / concurrency);
    try {
      for (int round = 0; round < 2; round++) {
        long[] latencies = new long[concurrency * perThread];
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            for (int i = 0; i < perThread; i++) {
              long begin = System.nanoTime();
              call(client, uri, request);
              latencies[thread * perThread + i] = System.nanoTime() - begin;
            }
            return null;
          }));
        }
        for (Future<?> future : done) {
          future.get();
        }
        if (round == 1) {
          double seconds = (System.nanoTime() - start) / 1e9;
          return new StreamRun(percentile(latencies, 50) / 1e6, percentile(latencies, 99) / 1e6,
              latencies.length / seconds);
        }
      }
      throw new AssertionError();
    } finally {
      pool.shutdown();
    }
  }

  private static double percentile(long[] values, int percentile) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)];
  }

  private ProxyBenchmark() {}
}
