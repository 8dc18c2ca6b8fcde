package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import dev.cabtrace.replay.cli.CliRun.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** push to an OTLP receiver, and show --from Tempo, Jaeger and Zipkin query APIs, on loopback. */
@Timeout(60)
class PushAndPullTest {

  private static final String TRACE_ID = "bbff3415624849ccae3d4dd5f4b6b86a";

  @TempDir Path dir;

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = PushAndPullTest.class.getResourceAsStream("/dev/cabtrace/replay/read/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void pushSendsTheCaptureWithItsOriginalIdsParentsTimesAndAttributes() throws IOException {
    Path capture = Files.write(dir.resolve("seed.jsonl"), resource("seed-cell.otlp.jsonl"));
    Result result;
    List<ExportTraceServiceRequest> received;
    List<Span> spans;
    try (CollectingBackend backend = CollectingBackend.start()) {
      result = run("push", capture.toString(), "--endpoint", backend.endpoint(), "--batch-size", "2");
      received = backend.requests();
      spans = backend.spans();
    }

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains("pushed 5 of 5 spans (1 trace(s))").contains("in 3 batch(es); 0 failed");
    assertThat(received).hasSize(3);
    assertThat(spans).extracting(s -> HexFormat.of().formatHex(s.getTraceId().toByteArray())).containsOnly(TRACE_ID);
    Span container = spans.stream().filter(s -> s.getName().equals("openhands:run")).findFirst().orElseThrow();
    assertThat(HexFormat.of().formatHex(container.getSpanId().toByteArray())).isEqualTo("6d6affe2ef5c48b6");
    assertThat(HexFormat.of().formatHex(container.getParentSpanId().toByteArray())).isEqualTo("867ff73c6155414a");
    assertThat(container.getStartTimeUnixNano()).isEqualTo(1781680663108412000L);
    assertThat(container.getEndTimeUnixNano() - container.getStartTimeUnixNano()).isEqualTo(85_455_699_000L);
    AnyValue command = container.getAttributesList().stream().filter(kv -> kv.getKey().equals("command")).findFirst().orElseThrow().getValue();
    assertThat(command.getArrayValue().getValuesCount()).isEqualTo(6);
    assertThat(container.getAttributesList().stream().filter(kv -> kv.getKey().equals("exit_code")).findFirst().orElseThrow().getValue().getIntValue()).isZero();
    assertThat(received.get(0).getResourceSpans(0).getResource().getAttributesList())
        .anySatisfy(kv -> assertThat(kv.getKey() + "=" + kv.getValue().getStringValue()).isEqualTo("cab.tui=openhands"));
  }

  @Test
  // A second open of the pipe would wait for a writer that never comes: failed, not hung.
  @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void pushFromAPipeSendsTheSpansAsTheReaderHasThemWithoutReadingThePipeAgain() throws Exception {
    Path pipe = dir.resolve("seed.pipe");
    assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
    Thread writer = new Thread(() -> {
      try {
        Files.write(pipe, resource("seed-cell.otlp.jsonl"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    writer.setDaemon(true);
    writer.start();
    Result result;
    List<Span> spans;
    try (CollectingBackend backend = CollectingBackend.start()) {
      result = run("push", pipe.toString(), "--endpoint", backend.endpoint(), "--max-age", "100000d");
      spans = backend.spans();
    }
    writer.join();

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains("pushed 5 of 5 spans");
    assertThat(spans).extracting(Span::getName).contains("openhands:run");
  }

  @Test
  void pushPrintsTheLoadWarningsOnStderrAndSendsTheIntactSpans() throws IOException {
    List<String> lines = new String(resource("seed-cell.otlp.jsonl"), StandardCharsets.UTF_8).lines().toList();
    String last = lines.get(4);
    // The last line cut short, as a capture whose writer was killed leaves it.
    Path capture = Files.writeString(dir.resolve("torn.jsonl"),
        String.join("\n", lines.subList(0, 4)) + "\n" + last.substring(0, last.length() / 2));
    Result result;
    List<Span> spans;
    try (CollectingBackend backend = CollectingBackend.start()) {
      result = run("push", capture.toString(), "--endpoint", backend.endpoint(), "--max-age", "100000d");
      spans = backend.spans();
    }

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.err().lines().toList()).singleElement().asString()
        .startsWith("cab-trace: warning: " + capture + ":5: ").contains("torn last line");
    assertThat(result.out()).contains("pushed 4 of 4 spans");
    assertThat(spans).hasSize(4);
  }

  /**
   * A backend that stores what it receives over OTLP/HTTP and serves it back Tempo-style, keeping
   * only spans that started within its retention (as SkyWalking, Tempo and Jaeger do).
   */
  private static HttpServer retainingBackend(Duration retention) throws IOException {
    return retainingBackend(retention, null);
  }

  /** A backend keeping spans for {@code retention}, whose APIs answer only {@code tenant}'s requests when it is not null. */
  private static HttpServer retainingBackend(Duration retention, String tenant) throws IOException {
    List<io.opentelemetry.proto.trace.v1.ResourceSpans> stored = new CopyOnWriteArrayList<>();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    backend.createContext("/v1/traces", exchange -> {
      long cutoff = System.currentTimeMillis() * 1_000_000L - retention.toNanos();
      for (var resourceSpans : ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes()).getResourceSpansList()) {
        var kept = resourceSpans.toBuilder().clearScopeSpans();
        for (var scopeSpans : resourceSpans.getScopeSpansList()) {
          kept.addScopeSpans(scopeSpans.toBuilder().clearSpans()
              .addAllSpans(scopeSpans.getSpansList().stream().filter(span -> span.getStartTimeUnixNano() >= cutoff).toList()));
        }
        stored.add(kept.build());
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    backend.createContext("/api/traces/", exchange -> {
      if (tenant != null && !tenant.equals(exchange.getRequestHeaders().getFirst("X-Scope-OrgID"))) {
        exchange.sendResponseHeaders(401, -1);
        exchange.close();
        return;
      }
      String json = com.google.protobuf.util.JsonFormat.printer().print(
          io.opentelemetry.proto.trace.v1.TracesData.newBuilder().addAllResourceSpans(stored).build());
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    backend.start();
    return backend;
  }

  @Test
  void pushVerifyReadsTheTraceBackAndSaysHowManySpansTheBackendHolds() throws IOException {
    Path capture = Files.write(dir.resolve("seed.jsonl"), resource("seed-cell.otlp.jsonl"));
    HttpServer keepsAll = retainingBackend(Duration.ofDays(100_000));
    HttpServer keepsThreeDays = retainingBackend(Duration.ofDays(3));
    try {
      String all = "http://127.0.0.1:" + keepsAll.getAddress().getPort();
      Result held = run("push", capture.toString(), "--endpoint", all, "--verify", "--query", all);
      assertThat(held.exit()).as(held.err()).isZero();
      assertThat(held.out()).contains("pushed 5 of 5 spans").contains("backend holds 5 of 5 spans");
      // The seed cell ran in June 2026: more than 3 days ago, so the warning comes first.
      assertThat(held.err()).contains("warning: 5 of 5 spans started more than 3d ago");

      String short_ = "http://127.0.0.1:" + keepsThreeDays.getAddress().getPort();
      Result dropped = run("push", capture.toString(), "--endpoint", short_, "--verify", "--query", short_,
          "--verify-timeout", "1s");
      assertThat(dropped.out()).contains("pushed 5 of 5 spans").contains("0 failed")
          .contains("backend holds 0 of 5 spans");
      assertThat(dropped.exit()).isEqualTo(1);

      Result noWarning = run("push", capture.toString(), "--endpoint", all, "--max-age", "100000d");
      assertThat(noWarning.err()).doesNotContain("warning");
      assertThat(run("push", capture.toString(), "--endpoint", all, "--verify").exit()).isEqualTo(2);
    } finally {
      keepsAll.stop(0);
      keepsThreeDays.stop(0);
    }
  }

  @Test
  void pushSendsItsHeadersAndPrintsNoSecretOfTheCommandLine() throws IOException {
    Path capture = Files.write(dir.resolve("seed.jsonl"), resource("seed-cell.otlp.jsonl"));
    List<String> tenants = new CopyOnWriteArrayList<>();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    backend.createContext("/v1/traces", exchange -> {
      exchange.getRequestBody().readAllBytes();
      tenants.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Scope-OrgID")));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    backend.start();
    Result sent;
    Result malformed;
    try {
      String endpoint = "http://user:s3cretpass@127.0.0.1:" + backend.getAddress().getPort();
      sent = run("push", capture.toString(), "--endpoint", endpoint, "--header", "X-Scope-OrgID=tenant1");
      malformed = run("push", capture.toString(), "--endpoint", endpoint, "--header", "Authorization: Bearer sk-live-SECRET99");
    } finally {
      backend.stop(0);
    }

    assertThat(sent.exit()).as(sent.err()).isZero();
    assertThat(tenants).containsOnly("tenant1");
    assertThat(sent.out() + sent.err()).contains("pushed 5 of 5 spans").doesNotContain("s3cretpass");
    assertThat(malformed.exit()).isEqualTo(2);
    assertThat(malformed.err()).contains("--header must be KEY=VALUE");
    assertThat(malformed.out() + malformed.err()).doesNotContain("SECRET99").doesNotContain("s3cretpass");
  }

  @Test
  void anEndpointsQueryStaysAfterTheSignalPathAndItsTokenIsNotPrinted() throws IOException {
    Path capture = Files.write(dir.resolve("seed.jsonl"), resource("seed-cell.otlp.jsonl"));
    List<String> requests = new CopyOnWriteArrayList<>();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    backend.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      requests.add(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery());
      exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/v1/traces") ? 200 : 404, -1);
      exchange.close();
    });
    backend.start();
    Result sent;
    Result fragment;
    Result atInPassword;
    try {
      String base = "http://127.0.0.1:" + backend.getAddress().getPort();
      sent = run("push", capture.toString(), "--endpoint", base + "?token=s3cret-token", "--max-age", "36500d");
      fragment = run("push", capture.toString(), "--endpoint", base + "/#part", "--max-age", "36500d");
      atInPassword = run("push", capture.toString(), "--endpoint",
          "http://user:p@ss-s3cret@127.0.0.1:" + backend.getAddress().getPort(), "--max-age", "36500d");
    } finally {
      backend.stop(0);
    }

    assertThat(sent.exit()).as(sent.err()).isZero();
    assertThat(requests).containsOnly("/v1/traces?token=s3cret-token");
    assertThat(sent.out()).contains("pushed 5 of 5 spans").contains("?token=[REDACTED]");
    assertThat(sent.out() + sent.err()).doesNotContain("s3cret-token");
    assertThat(fragment.exit()).isEqualTo(2);
    assertThat(fragment.err()).isEqualTo("cab-trace: --endpoint: a fragment (#part) is never sent to a server; leave it out\n");
    assertThat(atInPassword.exit()).isEqualTo(2);
    assertThat(atInPassword.err()).contains("is refused by the OpenTelemetry exporter: a user or password in a URL must"
        + " be percent-encoded (@ as %40").doesNotContain("s3cret").doesNotContain("must start with http");
  }

  @Test
  void pushVerifyAsksTheQueryApiWithThePushsHeaders() throws IOException {
    Path capture = Files.write(dir.resolve("seed.jsonl"), resource("seed-cell.otlp.jsonl"));
    HttpServer multiTenant = retainingBackend(Duration.ofDays(100_000), "tenant1");
    try {
      String url = "http://127.0.0.1:" + multiTenant.getAddress().getPort();
      Result held = run("push", capture.toString(), "--endpoint", url, "--header", "X-Scope-OrgID=tenant1",
          "--verify", "--query", url, "--verify-timeout", "2s");
      assertThat(held.out()).contains("backend holds 5 of 5 spans");
      assertThat(held.exit()).as(held.err()).isZero();
    } finally {
      multiTenant.stop(0);
    }
  }

  @Test
  void pushVerifyRefusedByTheQueryApiSaysSoRatherThanThatTheBackendHoldsNothing() throws IOException {
    Path capture = Files.write(dir.resolve("seed.jsonl"), resource("seed-cell.otlp.jsonl"));
    HttpServer multiTenant = retainingBackend(Duration.ofDays(100_000), "tenant1");
    try {
      String url = "http://127.0.0.1:" + multiTenant.getAddress().getPort();
      // No tenant header: the push is taken (the ingest path here does not check it), the query refused.
      Result refused = run("push", capture.toString(), "--endpoint", url, "--verify", "--query", url,
          "--verify-timeout", "3s");
      assertThat(refused.out()).contains("pushed 5 of 5 spans").doesNotContain("backend holds");
      assertThat(refused.err()).contains("refused the request: HTTP 401").contains("--header");
      assertThat(refused.exit()).isEqualTo(1);
    } finally {
      multiTenant.stop(0);
    }
  }

  @Test
  void spansWhoseEndTheReaderMadeArePushedMarked() throws IOException {
    String trace = "8293433263b72503f683e7696220d242";
    String line = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":["
        + "{\"traceId\":\"" + trace + "\",\"spanId\":\"0000000000000001\",\"name\":\"whole\","
        + "\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"5000\"},"
        + "{\"traceId\":\"" + trace + "\",\"spanId\":\"0000000000000002\",\"parentSpanId\":\"0000000000000001\","
        + "\"name\":\"backwards\",\"startTimeUnixNano\":\"3000\",\"endTimeUnixNano\":\"2000\"}]}]}]}\n";
    Path capture = Files.writeString(dir.resolve("odd.jsonl"), line);
    Files.writeString(dir.resolve("odd.jsonl.journal"), "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"6000\",\"pid\":1}}\n"
        + "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":["
        + "{\"traceId\":\"" + trace + "\",\"spanId\":\"0000000000000003\",\"parentSpanId\":\"0000000000000001\","
        + "\"name\":\"open\",\"startTimeUnixNano\":\"4000\",\"endTimeUnixNano\":\"0\"}]}]}]}\n");
    Result result;
    List<Span> spans;
    try (CollectingBackend backend = CollectingBackend.start()) {
      result = run("push", capture.toString(), "--endpoint", backend.endpoint());
      spans = backend.spans();
    }

    assertThat(result.exit()).as(result.err()).isZero();
    java.util.Map<String, List<String>> marks = new java.util.HashMap<>();
    spans.forEach(span -> marks.put(span.getName(), span.getAttributesList().stream()
            .filter(a -> a.getKey().startsWith("cab.push.") && a.getValue().getBoolValue()).map(a -> a.getKey()).toList()));
    assertThat(marks).containsOnlyKeys("whole", "backwards", "open");
    assertThat(marks.get("whole")).isEmpty();
    assertThat(marks.get("backwards")).containsExactly("cab.push.ended_before_start");
    assertThat(marks.get("open")).containsExactly("cab.push.unfinished");
  }

  @Test
  void pushToABackendThatIsDownSaysWhatFailed() throws IOException {
    Path capture = Files.write(dir.resolve("seed.jsonl"), resource("seed-cell.otlp.jsonl"));
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    List<java.util.logging.LogRecord> logged = new CopyOnWriteArrayList<>();
    java.util.logging.Logger exporterLogs = java.util.logging.Logger.getLogger("io.opentelemetry.exporter");
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        logged.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    exporterLogs.addHandler(handler);
    Result result;
    try {
      result = run("push", capture.toString(), "--endpoint", "http://127.0.0.1:" + closed, "--protocol", "grpc",
          "--timeout", "2s", "--batch-size", "1");
    } finally {
      exporterLogs.removeHandler(handler);
    }

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).contains("pushed 0 of 5 spans").contains("in 3 batch(es); 5 failed (stopped after 3"
        + " batches failed in a row; the rest was not sent)");
    assertThat(logged).as("no stack trace per batch from the exporter").isEmpty();
  }

  @Test
  void aBatchTheBackendRefusesIsSaidWithItsHttpStatusAndReason() throws IOException {
    Path capture = CliRun.fixtureIn(dir, "seed-cell.otlp.jsonl");
    byte[] json = "{\"message\": \"missing token\"}".getBytes(StandardCharsets.UTF_8);
    // An OTLP/HTTP backend answers a protobuf request's failure with a protobuf google.rpc.Status.
    byte[] status = com.google.rpc.Status.newBuilder().setCode(3).setMessage("span too old\nfor this tenant").build()
        .toByteArray();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    backend.createContext("/json/v1/traces", exchange -> answer(exchange, 401, "application/json", json));
    backend.createContext("/proto/v1/traces", exchange -> answer(exchange, 400, "application/x-protobuf", status));
    backend.start();
    String base = "http://127.0.0.1:" + backend.getAddress().getPort();
    try {
      // --max-age: the fixture's spans are old, and that warning is not this test's.
      Result unauthorized = run("push", capture.toString(), "--endpoint", base + "/json/v1/traces", "--max-age", "36500d");
      assertThat(unauthorized.exit()).isEqualTo(1);
      assertThat(unauthorized.out()).contains("pushed 0 of 5 spans").contains("5 failed");
      assertThat(unauthorized.err()).isEqualTo("cab-trace: OTLP export to " + base + "/json/v1/traces (http/protobuf)"
          + " failed: HTTP 401 Unauthorized: {\"message\": \"missing token\"}. The file is unchanged; push it again"
          + " later.\n");

      Result refused = run("push", capture.toString(), "--endpoint", base + "/proto/v1/traces", "--max-age", "36500d");
      assertThat(refused.err()).isEqualTo("cab-trace: OTLP export to " + base + "/proto/v1/traces (http/protobuf)"
          + " failed: HTTP 400 Bad Request: span too old for this tenant. The file is unchanged; push it again later.\n");
    } finally {
      backend.stop(0);
    }
  }

  private static void answer(com.sun.net.httpserver.HttpExchange exchange, int code, String type, byte[] body)
      throws IOException {
    exchange.getRequestBody().readAllBytes();
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Test
  void showFromTempoJaegerAndZipkinQueryApis() throws IOException {
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    serve(backend, "/tempo/api/traces/" + TRACE_ID, resource("seed-cell.tempo-v2.json"));
    serve(backend, "/jaeger/api/traces/" + TRACE_ID, resource("seed-cell.jaeger.json"));
    serve(backend, "/zipkin/api/v2/trace/" + TRACE_ID, resource("seed-cell.zipkin.json"));
    backend.start();
    String base = "http://127.0.0.1:" + backend.getAddress().getPort();
    try {
      for (String api : List.of("/tempo", "/jaeger", "/zipkin")) {
        Result result = run("show", "--from", base + api, TRACE_ID, "--json");
        assertThat(result.exit()).as(api + ": " + result.err()).isZero();
        JsonNode document = new ObjectMapper().readTree(result.out());
        assertThat(document.get("spans").size()).as(api).isEqualTo(5);
        assertThat(document.get("durationMs").asDouble()).as(api).isEqualTo(85457.9);
      }
      Result frame = run("frame", "--from", base + "/tempo", TRACE_ID, "--at", "2s");
      assertThat(frame.out()).contains("Active (2)");

      Result missing = run("show", "--from", base + "/tempo", "0123456789abcdef0123456789abcdef");
      assertThat(missing.exit()).isEqualTo(1);
      assertThat(missing.err()).startsWith("cab-trace: cannot fetch trace 0123456789abcdef0123456789abcdef from")
          .contains("HTTP 404").doesNotContain("\tat ");
      assertThat(run("show", "--from", base, "not-an-id").exit()).isEqualTo(2);
    } finally {
      backend.stop(0);
    }
  }

  private static void serve(HttpServer server, String path, byte[] body) {
    server.createContext(path, exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
  }
}
