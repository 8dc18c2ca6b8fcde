package dev.cabtrace.sdk.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellIdentity;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.CellTracer;
import dev.cabtrace.api.testing.LoggedMessages;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class OtlpExportTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  private LoggedMessages log;
  private List<LogRecord> warnings;

  @BeforeEach
  void listen() {
    log = LoggedMessages.of(OtlpExport.class, CabTraceSdk.class);
    warnings = log.records();
  }

  @AfterEach
  void stopListening() {
    log.close();
  }

  /**
   * The warnings about {@code endpoint}. An exporter left behind by another test (its backend
   * gone) may still log here while this test runs; only this test's backend counts.
   */
  private List<String> warningsAbout(String endpoint) {
    return warnings.stream().map(LogRecord::getMessage).filter(m -> m.contains(endpoint)).toList();
  }

  /** Five spans shaped like a cell; returns after close, when everything has been sent. */
  private static void playCell(CabTraceSdk sdk) {
    playSpans(sdk);
    sdk.close();
  }

  /**
   * Five spans shaped like a cell, then a flush and close. close() waits only 2 s for a backend
   * copy, and warns when it gives up; a first call (a gRPC channel on Netty, OkHttp's classes) can
   * take longer on a busy machine. The flush waits the close timeout for it.
   */
  private static void playCellFlushed(CabTraceSdk sdk) {
    playSpans(sdk);
    sdk.flush();
    sdk.close();
  }

  private static void playSpans(CabTraceSdk sdk) {
    CellTracer tracer = sdk.cellTracer();
    try (CellSpan setup = tracer.taskSetup("prepare:polyglot/rust-error-handling")) {
      setup.setAttribute("plugin_stack", List.of());
    }
    try (CellSpan run = tracer.adapterRun("openhands:polyglot/rust-error-handling", "openhands")) {
      try (CellSpan tool = tracer.toolCall("applied_plugins")) {
        tool.setAttribute("count", 0L);
      }
      try (CellSpan container = tracer.container("openhands:run")) {
        container.setAttribute(CabAttributes.CONTAINER_COMMAND_ARGS, List.of("python", "-t", "fix it")).setExitCode(0);
      }
    }
    try (CellSpan cleanup = tracer.cleanup("cleanup:openhands")) {
      cleanup.setAttribute("removed", true);
    }
  }

  private List<JsonNode> capturedSpans(Path file) throws IOException {
    List<JsonNode> spans = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      for (JsonNode rs : MAPPER.readTree(line).get("resourceSpans")) {
        for (JsonNode ss : rs.get("scopeSpans")) {
          ss.get("spans").forEach(spans::add);
        }
      }
    }
    return spans;
  }

  /** The received spans must be the captured ones: ids, parents, times, names, attributes. */
  private void assertSameAsCapture(List<Span> received, Path file) throws IOException {
    List<JsonNode> captured = capturedSpans(file);
    assertThat(received).hasSize(5);
    assertThat(captured).hasSize(5);
    for (JsonNode expected : captured) {
      Span span = received.stream()
          .filter(s -> HexFormat.of().formatHex(s.getSpanId().toByteArray()).equals(expected.get("spanId").asText()))
          .findFirst().orElseThrow(() -> new AssertionError("not received: " + expected.get("name")));
      assertThat(span.getName()).isEqualTo(expected.get("name").asText());
      assertThat(HexFormat.of().formatHex(span.getTraceId().toByteArray())).isEqualTo(expected.get("traceId").asText());
      assertThat(HexFormat.of().formatHex(span.getParentSpanId().toByteArray()))
          .isEqualTo(expected.has("parentSpanId") ? expected.get("parentSpanId").asText() : "");
      assertThat(span.getStartTimeUnixNano()).isEqualTo(expected.get("startTimeUnixNano").asLong());
      assertThat(span.getEndTimeUnixNano()).isEqualTo(expected.get("endTimeUnixNano").asLong());
      assertThat(OtlpReceivers.attribute(span, "cab.span.kind")).isEqualTo(
          expected.get("attributes").get(0).at("/value/stringValue").asText());
    }
  }

  @Test
  void httpProtobufFromTheStandardEnvironmentSendsTheSameSpansAsTheCaptureFile() throws Exception {
    Path file = dir.resolve("cell.jsonl");
    try (OtlpReceivers.Http backend = new OtlpReceivers.Http()) {
      CabTraceSdk sdk = CabTraceSdk.builder()
          .setCellIdentity(CellIdentity.of("sweep-1", "openhands", "qwen", "polyglot/rust-error-handling"))
          .setCaptureFile(file)
          .setEnvironment(Map.of(
              "OTEL_EXPORTER_OTLP_ENDPOINT", backend.baseUrl(),
              "OTEL_EXPORTER_OTLP_HEADERS", "x-scope-orgid=cab%20tenant,authorization=Basic%20abc",
              "OTEL_SERVICE_NAME", "cab-ci-harness",
              "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=ci",
              "OTEL_EXPORTER_OTLP_TIMEOUT", "60000"))
          .build();
      playCellFlushed(sdk);

      assertSameAsCapture(backend.received.awaitSpans(5), file);
      assertThat(backend.received.headers).containsEntry("x-scope-orgid", "cab tenant");
      List<String> resource = backend.received.resources().get(0).getResource().getAttributesList().stream()
          .map(kv -> kv.getKey() + "=" + kv.getValue().getStringValue()).toList();
      assertThat(resource).contains("service.name=cab-ci-harness", "deployment.environment=ci", "cab.tui=openhands");
      Span container = backend.received.spans().stream().filter(s -> s.getName().equals("openhands:run")).findFirst().orElseThrow();
      KeyValue args = container.getAttributesList().stream().filter(kv -> kv.getKey().equals("container.command_args")).findFirst().orElseThrow();
      assertThat(args.getValue().getArrayValue().getValuesList()).extracting(v -> v.getStringValue()).containsExactly("python", "-t", "fix it");
      assertThat(sdk.undeliveredCopies()).isZero();
      assertThat(warningsAbout(backend.baseUrl())).isEmpty();
    }
  }

  @Test
  void grpcSendsTheSameSpansAsTheCaptureFile() throws Exception {
    Path file = dir.resolve("cell.jsonl");
    try (OtlpReceivers.Grpc backend = new OtlpReceivers.Grpc()) {
      CabTraceSdk sdk = CabTraceSdk.builder()
          .setCaptureFile(file)
          .setEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", backend.endpoint(), "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
              "OTEL_EXPORTER_OTLP_TIMEOUT", "60000"))
          .build();
      playCellFlushed(sdk);

      assertSameAsCapture(backend.received.awaitSpans(5), file);
      assertThat(sdk.undeliveredCopies()).isZero();
      assertThat(warningsAbout(backend.endpoint())).isEmpty();
    }
  }

  @Test
  void aBackendThatIsDownLosesNothingFromTheFileAndSaysSoOnce() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Path withDeadBackend = dir.resolve("dead.jsonl");
    CabTraceSdk sdk = CabTraceSdk.builder()
        .setCaptureFile(withDeadBackend)
        .setOtlpExport(OtlpExport.create("http://127.0.0.1:" + closedPort, OtlpExport.Protocol.GRPC, Map.of(), Duration.ofSeconds(2)))
        .build();
    playCell(sdk);

    assertThat(capturedSpans(withDeadBackend)).hasSize(5);
    assertThat(sdk.lostSpans()).isZero();
    assertThat(sdk.undeliveredCopies()).isEqualTo(5);
    List<String> about = warningsAbout("http://127.0.0.1:" + closedPort);
    assertThat(about).hasSize(1);
    assertThat(about.get(0))
        .contains("OTLP export to http://127.0.0.1:" + closedPort + " (grpc) failed")
        .contains("still written to the capture file");
  }

  @Test
  void aBackendThatRefusesTheCopyIsSaidWithItsHttpStatusAndReason() throws IOException {
    byte[] json = "{\"message\": \"missing token\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // An OTLP/HTTP backend answers a protobuf request's failure with a protobuf google.rpc.Status.
    byte[] status = com.google.rpc.Status.newBuilder().setCode(3).setMessage("span too old\nfor this tenant").build()
        .toByteArray();
    com.sun.net.httpserver.HttpServer backend =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 8);
    backend.createContext("/json/v1/traces", exchange -> answer(exchange, 401, "application/json", json));
    backend.createContext("/proto/v1/traces", exchange -> answer(exchange, 400, "application/x-protobuf", status));
    backend.start();
    String base = "http://127.0.0.1:" + backend.getAddress().getPort();
    try {
      for (String path : List.of("/json/v1/traces", "/proto/v1/traces")) {
        CabTraceSdk sdk = CabTraceSdk.builder()
            .setCaptureFile(dir.resolve(path.substring(1, path.indexOf('/', 1)) + ".jsonl"))
            .setOtlpExport(OtlpExport.create(base + path, OtlpExport.Protocol.HTTP_PROTOBUF, Map.of(), Duration.ofSeconds(10)))
            .build();
        playCellFlushed(sdk);
        assertThat(sdk.undeliveredCopies()).isEqualTo(5);
      }
    } finally {
      backend.stop(0);
    }

    assertThat(warningsAbout(base + "/json/v1/traces")).singleElement().asString()
        .contains("failed: HTTP 401 Unauthorized: {\"message\": \"missing token\"}. ");
    assertThat(warningsAbout(base + "/proto/v1/traces")).singleElement().asString()
        .contains("failed: HTTP 400 Bad Request: span too old for this tenant. ");
  }

  private static void answer(com.sun.net.httpserver.HttpExchange exchange, int code, String type, byte[] body)
      throws IOException {
    exchange.getRequestBody().readAllBytes();
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, body.length);
    try (java.io.OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Test
  void aBackendThatNeverAnswersNeverHoldsTheAdapterUp() throws Exception {
    try (OtlpReceivers.Http hanging = new OtlpReceivers.Http(false)) {
      Path file = dir.resolve("cell.jsonl");
      // An export may wait an hour: if a span end waited for the backend, the loop below would
      // never end (the class's timeout fails the test), as the backend answers only after it.
      CabTraceSdk sdk = CabTraceSdk.builder()
          .setCaptureFile(file)
          .setOtlpExport(OtlpExport.create(hanging.baseUrl() + "/v1/traces",
              OtlpExport.Protocol.HTTP_PROTOBUF, Map.of(), Duration.ofHours(1)))
          .build();
      for (int i = 0; i < 20_000; i++) {
        try (CellSpan span = sdk.cellTracer().toolCall("t")) {
          span.setAttribute("i", (long) i);
        }
      }
      // The copy queue (8192) is full and the export thread holds at most two batches (512 each,
      // one in flight, one drained): every other copy was dropped, and counted.
      long undelivered = sdk.undeliveredCopies();
      assertThat(undelivered).isBetween(20_000L - 8192 - 2 * 512, 20_000L);
      hanging.open();
      sdk.close();

      assertThat(sdk.capturedSpans()).isEqualTo(20_000);
      assertThat(sdk.lostSpans()).isZero();
      // Once the backend answers, every copy that was not dropped arrives.
      assertThat(hanging.received.awaitSpans((int) (20_000 - undelivered))).hasSize((int) (20_000 - undelivered));
      assertThat(sdk.undeliveredCopies()).isEqualTo(undelivered);
    }
  }

  @Test
  void aBackendThatTakesTheConnectionAndNeverAnswersIsReportedAtClose() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept()); // read nothing, answer nothing
          }
        } catch (IOException closed) {
          // the test is over
        }
      }, "silent-backend");
      acceptor.setDaemon(true);
      acceptor.start();
      String endpoint = "http://127.0.0.1:" + silent.getLocalPort() + "/v1/traces";
      Path file = dir.resolve("cell.jsonl");
      // An export may wait an hour: only close's own bound ends the wait.
      CabTraceSdk sdk = CabTraceSdk.builder()
          .setCaptureFile(file)
          .setOtlpExport(OtlpExport.create(endpoint, OtlpExport.Protocol.HTTP_PROTOBUF, Map.of(), Duration.ofHours(1)))
          .build();
      playCell(sdk);

      assertThat(capturedSpans(file)).hasSize(5);
      assertThat(sdk.lostSpans()).isZero();
      assertThat(sdk.undeliveredCopies()).isEqualTo(5);
      List<String> about = warningsAbout(endpoint);
      assertThat(about).hasSize(1);
      assertThat(about.get(0))
          .contains("OTLP " + endpoint + " (http/protobuf) did not answer within 2000 ms at close")
          .contains("5 span(s) have not reached it")
          .contains("in the capture file " + file)
          .doesNotContain("\n");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void theEnvironmentIsReadAsTheSpecificationSays() {
    assertThat(OtlpExport.fromEnvironment(Map.of())).isEmpty();
    OtlpExport http = OtlpExport.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://tempo:4318")).orElseThrow();
    assertThat(http.endpoint()).isEqualTo("http://tempo:4318/v1/traces");
    assertThat(http.protocol()).isEqualTo(OtlpExport.Protocol.HTTP_PROTOBUF);
    OtlpExport grpc = OtlpExport.fromEnvironment(Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger:4317", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
        "OTEL_EXPORTER_OTLP_TIMEOUT", "2500")).orElseThrow();
    assertThat(grpc.endpoint()).isEqualTo("http://jaeger:4317");
    assertThat(grpc.timeout()).isEqualTo(Duration.ofMillis(2500));
    OtlpExport specific = OtlpExport.fromEnvironment(Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://ignored:4318",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://tempo.example/otlp/v1/traces",
        "OTEL_EXPORTER_OTLP_HEADERS", "a=1",
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=2")).orElseThrow();
    assertThat(specific.endpoint()).isEqualTo("https://tempo.example/otlp/v1/traces");
    assertThat(specific.headers()).containsEntry("a", "1").containsEntry("b", "2");
  }

  @Test
  void badSettingsAreAOneLineWarningAndTheDefaultNeverAnException() {
    OtlpExport export = OtlpExport.fromEnvironment(Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://tempo:4318",
        "OTEL_EXPORTER_OTLP_TIMEOUT", "ten seconds",
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")).orElseThrow();

    assertThat(export.timeout()).isEqualTo(OtlpExport.DEFAULT_TIMEOUT);
    assertThat(export.protocol()).isEqualTo(OtlpExport.Protocol.HTTP_PROTOBUF);
    assertThat(warnings).extracting(LogRecord::getMessage)
        .anySatisfy(m -> assertThat(m).contains("OTEL_EXPORTER_OTLP_TIMEOUT=ten seconds"))
        .anySatisfy(m -> assertThat(m).contains("OTEL_EXPORTER_OTLP_PROTOCOL=http/json"));
  }

  @Test
  void anEndpointTheExportersCannotUseIsAWarningAndNoExport() {
    for (String endpoint : new String[] {"localhost:4318", "http://tempo host:4318", "tempo:4318/v1", "grpc://tempo:4317", "HTTP://localhost:4318"}) {
      warnings.clear();
      assertThat(OtlpExport.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint))).as(endpoint).isEmpty();
      assertThat(warnings).extracting(LogRecord::getMessage).as(endpoint)
          .anySatisfy(m -> assertThat(m).contains("is not an http:// or https:// URL").contains("OTEL_EXPORTER_OTLP_ENDPOINT"));
    }
  }

  @Test
  void composeServiceNamesIPv6AndPathsAreEndpointsAndAPasswordIsNeverShown() {
    for (String endpoint : new String[] {"http://otel_collector:4318", "http://[::1]:4318", "https://tempo.example/otlp"}) {
      OtlpExport export = OtlpExport.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)).orElseThrow();
      export.createExporter().shutdown();
    }
    assertThat(OtlpExport.create("https://u:p%40ss@tempo/v1/traces", OtlpExport.Protocol.HTTP_PROTOBUF, Map.of(),
        Duration.ofSeconds(1)).describe()).isEqualTo("https://[REDACTED]@tempo/v1/traces (http/protobuf)");
    assertThat(OtlpExport.create("https://tempo/v1/traces?api_key=k3y&tenant=a", OtlpExport.Protocol.HTTP_PROTOBUF,
        Map.of(), Duration.ofSeconds(1)).describe())
        .isEqualTo("https://tempo/v1/traces?api_key=[REDACTED]&tenant=a (http/protobuf)");
    // The exporters refuse an @ left in a password; refused here, in words that do not repeat it.
    for (OtlpExport.Protocol protocol : OtlpExport.Protocol.values()) {
      assertThatThrownBy(() -> OtlpExport.create("https://u:p@ss@tempo/v1/traces", protocol, Map.of(),
          Duration.ofSeconds(1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("OTLP endpoint https://[REDACTED]@tempo/v1/traces is refused by the OpenTelemetry exporter: a"
              + " user or password in a URL must be percent-encoded (@ as %40, : as %3A, / as %2F)");
    }
  }

  @Test
  void valuesThatAreNotUrlEncodedAreTakenAsWrittenWithAWarning() {
    OtlpExport export = OtlpExport.fromEnvironment(Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://tempo:4318",
        "OTEL_EXPORTER_OTLP_HEADERS", "x-quota=100%,a=b%20c",
        "OTEL_EXPORTER_OTLP_TIMEOUT", "10000000000000")).orElseThrow();

    assertThat(export.headers()).containsEntry("x-quota", "100%").containsEntry("a", "b c");
    assertThat(export.timeout()).isEqualTo(OtlpExport.DEFAULT_TIMEOUT);
    assertThat(OtlpExport.resourceAttributes(Map.of("OTEL_RESOURCE_ATTRIBUTES", "note=50%"))).containsEntry("note", "50%");
    assertThat(warnings).extracting(LogRecord::getMessage)
        .anySatisfy(m -> assertThat(m).contains("OTEL_EXPORTER_OTLP_HEADERS is not URL-encoded").doesNotContain("100%"))
        .anySatisfy(m -> assertThat(m).contains("OTEL_RESOURCE_ATTRIBUTES is not URL-encoded"))
        .anySatisfy(m -> assertThat(m).contains("OTEL_EXPORTER_OTLP_TIMEOUT=10000000000000"));
  }

  @Test
  void theOfficialExportersLoggersAreLeftAsTheApplicationSetThem() {
    OtlpExport.create("http://127.0.0.1:9/v1/traces", OtlpExport.Protocol.HTTP_PROTOBUF, Map.of(), Duration.ofSeconds(1))
        .createExporter().shutdown();
    for (String name : new String[] {OtlpExport.OFFICIAL_EXPORTER_LOGGERS,
        "io.opentelemetry.exporter.otlp.internal.HttpExporter", "io.opentelemetry.exporter.otlp.internal.GrpcExporter"}) {
      assertThat(Logger.getLogger(name).getLevel()).as(name).isNull();
    }
  }

  /**
   * The logger an application's main turns off is the parent of those the official exporter logs
   * its failures through: a record from any official logger reaches a handler on theirs.
   */
  @Test
  void quietedByAnApplicationTheOfficialExporterLogsNoFailureOfItsOwn() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + closedPort + "/v1/traces";
    OtlpExport export = OtlpExport.create(endpoint, OtlpExport.Protocol.HTTP_PROTOBUF, Map.of(), Duration.ofSeconds(5));
    LoggedMessages openTelemetry = LoggedMessages.named("io.opentelemetry");
    List<LogRecord> official = openTelemetry.records();
    try {
      exportOnce(export);
      assertThat(official).isNotEmpty().extracting(LogRecord::getLoggerName)
          .allSatisfy(name -> assertThat(name).startsWith(OtlpExport.OFFICIAL_EXPORTER_LOGGERS + "."));
      official.clear();

      OtlpExport.quietOfficialExporterLogs();
      exportOnce(export);

      assertThat(official).isEmpty();
      // Each exporter's own line: the one line a failure is.
      assertThat(warningsAbout(endpoint)).hasSize(2).allSatisfy(m -> assertThat(m).contains("failed"));
    } finally {
      openTelemetry.close();
      Logger.getLogger(OtlpExport.OFFICIAL_EXPORTER_LOGGERS).setLevel(null);
    }
  }

  /** One span exported by a new exporter, to its end. */
  private static void exportOnce(OtlpExport export) {
    SpanExporter exporter = export.createExporter();
    SpanData span = TestSpanData.builder()
        .setSpanContext(SpanContext.create(
            "0123456789abcdef0123456789abcdef", "0123456789abcdef", TraceFlags.getSampled(), TraceState.getDefault()))
        .setName("container")
        .setKind(SpanKind.INTERNAL)
        .setStartEpochNanos(0)
        .setEndEpochNanos(10)
        .setHasEnded(true)
        .setStatus(StatusData.unset())
        .build();
    assertThat(exporter.export(List.of(span)).join(30, TimeUnit.SECONDS).isSuccess()).isFalse();
    exporter.shutdown().join(30, TimeUnit.SECONDS);
  }

}
