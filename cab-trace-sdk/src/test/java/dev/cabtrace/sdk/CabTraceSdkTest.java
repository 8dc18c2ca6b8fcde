package dev.cabtrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellIdentity;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.CellTracer;
import dev.cabtrace.sdk.capture.BlockingBatchSpanProcessor;
import dev.cabtrace.sdk.persist.CrashJournal;
import dev.cabtrace.sdk.persist.OtlpJsonLinesFileExporter;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CabTraceSdkTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final CellIdentity IDENTITY =
      CellIdentity.of("sweep-1", "openhands", "qwen/qwen3-next-80b-a3b-instruct", "polyglot/rust-error-handling");

  private static final String I_ATTRIBUTE = "{\"key\":\"i\",\"value\":{\"intValue\":\"";

  @TempDir Path dir;

  @Test
  void writesTheCellWithItsIdentityAndOneTraceIdToTheCaptureFile() throws IOException {
    Path file = dir.resolve("cell.jsonl");
    String traceId;
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCellIdentity(IDENTITY).setCaptureFile(file).build()) {
      CellTracer tracer = sdk.cellTracer();
      try (CellSpan setup = tracer.taskSetup("prepare:polyglot/rust-error-handling")) {
        setup.setAttribute("workdir", "/tmp/w");
      }
      try (CellSpan run = tracer.adapterRun("openhands:polyglot/rust-error-handling", "openhands")) {
        try (CellSpan container = tracer.container("openhands:run")) {
          container.setExitCode(0);
        }
      }
      try (CellSpan cleanup = tracer.cleanup("cleanup:openhands")) {
        cleanup.setAttribute("removed", true);
      }
      traceId = sdk.traceId().orElseThrow();
    }

    List<JsonNode> spans = new ArrayList<>();
    JsonNode resource = null;
    for (String line : Files.readAllLines(file)) {
      for (JsonNode resourceSpans : MAPPER.readTree(line).get("resourceSpans")) {
        resource = resourceSpans.get("resource");
        for (JsonNode scopeSpans : resourceSpans.get("scopeSpans")) {
          assertThat(scopeSpans.at("/scope/name").asText()).isEqualTo(CellTracer.SCOPE_NAME);
          scopeSpans.get("spans").forEach(spans::add);
        }
      }
    }
    assertThat(spans).extracting(s -> s.get("name").asText())
        .containsExactlyInAnyOrder(
            "prepare:polyglot/rust-error-handling",
            "openhands:run",
            "openhands:polyglot/rust-error-handling",
            "cleanup:openhands");
    assertThat(spans).extracting(s -> s.get("traceId").asText()).containsOnly(traceId);
    assertThat(resource.toString())
        .contains(IDENTITY.cellId())
        .contains("\"cab.tui\"")
        .contains("\"service.name\",\"value\":{\"stringValue\":\"cab-harness\"}");
  }

  @Test
  void aMillionSpansEndedFromEightThreadsAreAllInTheFile() throws Exception {
    Path file = dir.resolve("load.jsonl");
    int threads = 8;
    int perThread = 125_000;
    CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(file).setOneTracePerCell(false).build();
    Tracer tracer = sdk.openTelemetry().getTracer("load");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  tracer.spanBuilder("s").setAttribute(CabAttributes.SPAN_KIND, "tool_call")
                      .setAttribute("i", (long) thread * perThread + i).startSpan().end();
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> future : done) {
      future.get();
    }
    pool.shutdown();
    sdk.close();

    long[] seen = new long[threads * perThread];
    int count = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        int at = 0;
        // Each span carries exactly one "i" attribute; read its value without a full parse.
        while ((at = line.indexOf(I_ATTRIBUTE, at)) >= 0) {
          at += I_ATTRIBUTE.length();
          int end = line.indexOf('"', at);
          seen[count++] = Long.parseLong(line, at, end, 10);
        }
      }
    }
    assertThat(count).isEqualTo(threads * perThread);
    Arrays.sort(seen);
    for (int i = 0; i < seen.length; i++) {
      if (seen[i] != i) {
        throw new AssertionError("span " + i + " missing or duplicated; found " + seen[i]);
      }
    }
    assertThat(sdk.lostSpans()).isZero();
    assertThat(sdk.capturedSpans()).isEqualTo(threads * perThread);
  }

  @Test
  void anUnwritableCaptureNeverThrowsIntoTheAdapterAndCountsTheLoss() throws IOException {
    // A directory no file system makes (a name past 255 bytes): every write fails. (A path under a
    // file would too, but the builder refuses that one.)
    Path notADirectory = dir.resolve("x".repeat(300));
    java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(CabTraceSdk.class.getName());
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        warnings.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(handler);
    try (CabTraceSdk sdk =
        CabTraceSdk.builder().setCaptureFile(notADirectory.resolve("cell.jsonl")).build()) {
      CellTracer tracer = sdk.cellTracer();
      for (int i = 0; i < 10; i++) {
        try (CellSpan span = tracer.toolCall("t" + i)) {
          span.setAttribute("i", (long) i);
        }
      }
      assertThat(sdk.flush()).as("a flush that lost spans says so").isFalse();
      assertThat(sdk.lostSpans()).isEqualTo(10);
      assertThat(sdk.capturedSpans()).isZero();
    } finally {
      logger.removeHandler(handler);
    }
    // The close failed at once: it did not time out.
    assertThat(warnings).contains("cab-trace: the capture file could not be completed; see earlier warnings")
        .noneMatch(warning -> warning.contains("did not complete within"));
  }

  @Test
  void aReceivedSpanThatCannotBeWrittenIsCountedLostAndTheRestOfItsBatchCaptured() throws IOException {
    Path file = dir.resolve("cell.jsonl");
    List<SpanData> received = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      SpanData span = receivedSpan(i);
      received.add(i != 5 ? span : new DelegatingSpanData(span) {
        @Override
        public SpanKind getKind() {
          throw new IllegalStateException("no kind");
        }
      });
    }
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(file).setEnvironment(java.util.Map.of()).build()) {
      assertThat(sdk.ingest(received)).isTrue();
      sdk.flush();

      assertThat(sdk.capturedSpans()).isEqualTo(10);
      assertThat(sdk.lostSpans()).isEqualTo(1);
    }
    String capture = Files.readString(file);
    for (int i = 0; i < 11; i++) {
      if (i == 5) {
        assertThat(capture).doesNotContain("\"received 5\"");
      } else {
        assertThat(capture).contains("\"received " + i + "\"");
      }
    }
  }

  /**
   * {@code then}, each export held until {@code release} once it has counted {@code entered} down;
   * {@code shutDown} is counted down once {@code then} is shut down.
   */
  private static SpanExporter held(CountDownLatch entered, CountDownLatch release, SpanExporter then,
      CountDownLatch shutDown) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return CompletableResultCode.ofFailure();
        }
        return then.export(spans);
      }

      @Override
      public CompletableResultCode flush() {
        return then.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        CompletableResultCode result = then.shutdown();
        shutDown.countDown();
        return result;
      }
    };
  }

  private static SpanData receivedSpan(int index) {
    return TestSpanData.builder()
        .setSpanContext(SpanContext.create(
            "8293433263b72503f683e7696220d242", String.format("%016x", index + 1), TraceFlags.getSampled(),
            TraceState.getDefault()))
        .setName("received " + index)
        .setKind(SpanKind.INTERNAL)
        .setStartEpochNanos(1_000 + index)
        .setEndEpochNanos(2_000 + index)
        .setStatus(StatusData.unset())
        .setHasEnded(true)
        .build();
  }

  /**
   * A copy whose export failed before close, and which then does not answer, is not reported again
   * at close: its exporter said the first failure, and that further ones are counted. They are.
   */
  @Test
  void aCopyThatFailedBeforeAndHangsAtCloseIsCountedNotReportedAgain() throws IOException {
    java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(CabTraceSdk.class.getName());
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        warnings.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    SpanExporter failsThenHangs = new SpanExporter() {
      private final java.util.concurrent.atomic.AtomicInteger exports = new java.util.concurrent.atomic.AtomicInteger();

      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return exports.getAndIncrement() == 0 ? CompletableResultCode.ofFailure() : new CompletableResultCode();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public String toString() {
        return "the failing backend";
      }
    };
    logger.addHandler(handler);
    CabTraceSdk sdk = CabTraceSdk.builder()
        .setCaptureFile(dir.resolve("cell.jsonl"))
        .addSpanExporter(failsThenHangs)
        .setEnvironment(java.util.Map.of())
        .build();
    try {
      sdk.cellTracer().toolCall("first").close();
      assertThat(sdk.flush()).as("the copy's first export failed").isFalse();
      sdk.cellTracer().toolCall("second").close();
      sdk.close();
    } finally {
      logger.removeHandler(handler);
    }

    assertThat(sdk.capturedSpans()).isEqualTo(2);
    assertThat(sdk.lostSpans()).isZero();
    assertThat(sdk.undeliveredCopies()).isEqualTo(2);
    assertThat(warnings).noneMatch(warning -> warning.contains("the failing backend"));
  }

  @Test
  void receivedSpansAreInTheCaptureFileWhenIngestReturns() throws IOException {
    Path capture = dir.resolve("received.jsonl");
    // The capture queue exports every 200 ms by itself: only ingest's own wait has the line written first.
    try (CabTraceSdk sdk = CabTraceSdk.builder().setEnvironment(java.util.Map.of()).setCaptureFile(capture).build()) {
      for (int request = 0; request < 5; request++) {
        List<SpanData> received = List.of(receivedSpan(2 * request), receivedSpan(2 * request + 1));
        assertThat(sdk.ingest(received)).isTrue();
        // What a sender told "taken" may rely on, should record be killed the moment after.
        String written = Files.readString(capture);
        assertThat(written).as("request %d", request)
            .contains(String.format("\"spanId\":\"%016x\"", 2 * request + 1), String.format("\"spanId\":\"%016x\"", 2 * request + 2));
      }
    }
  }

  @Test
  void receivedSpansACopysFullQueueRefusesAreCountedUndeliveredWhileTheCaptureFileTakesThem() throws Exception {
    OtlpJsonLinesFileExporter file = OtlpJsonLinesFileExporter.create(dir.resolve("cell.jsonl"));
    BlockingBatchSpanProcessor capture = BlockingBatchSpanProcessor.builder(file).build();
    CountDownLatch exporting = new CountDownLatch(1);
    CountDownLatch backendBack = new CountDownLatch(1);
    SpanExporter stalledBackend = held(exporting, backendBack, InMemorySpanExporter.create(), new CountDownLatch(1));
    BlockingBatchSpanProcessor copy = BlockingBatchSpanProcessor.builder(stalledBackend)
        .setMaxQueueSize(4).setMaxExportBatchSize(2).setMaxBlockTime(Duration.ofMillis(1)).build();
    OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(capture).addSpanProcessor(copy).build())
        .build();
    CabTraceSdk sdk = new CabTraceSdk(openTelemetry, null, file, null, List.of(capture, copy), Duration.ofSeconds(10));
    assertThat(sdk.ingest(List.of(receivedSpan(0), receivedSpan(1)))).isTrue();
    exporting.await(); // the backend holds those two; the copy's queue has room for 4, a batch takes at most 2
    assertThat(sdk.ingest(List.of(receivedSpan(2), receivedSpan(3), receivedSpan(4), receivedSpan(5)))).isTrue();
    assertThat(sdk.ingest(List.of(receivedSpan(6), receivedSpan(7)))).isTrue();

    assertThat(sdk.ingest(List.of(receivedSpan(8), receivedSpan(9), receivedSpan(10)))).isTrue();

    assertThat(sdk.undeliveredCopies()).isEqualTo(3);
    backendBack.countDown();
    sdk.close();
    assertThat(sdk.capturedSpans()).isEqualTo(11);
    assertThat(sdk.lostSpans()).isZero();
  }

  /**
   * A close that times out while the capture file is still being written counts every span not yet
   * written as lost, those in the export under way and those queued behind it: the process may
   * exit before they are.
   */
  @Test
  void aCloseThatTimesOutCountsEverySpanNotYetWrittenAsLost() throws Exception {
    OtlpJsonLinesFileExporter file = OtlpJsonLinesFileExporter.create(dir.resolve("cell.jsonl"));
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch diskBack = new CountDownLatch(1);
    CountDownLatch fileClosed = new CountDownLatch(1);
    SpanExporter stalledDisk = held(writing, diskBack, file, fileClosed);
    BlockingBatchSpanProcessor capture =
        BlockingBatchSpanProcessor.builder(stalledDisk).setMaxExportBatchSize(2).build();
    OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(capture).build())
        .build();
    CabTraceSdk sdk = new CabTraceSdk(openTelemetry, null, file, null, List.of(capture), Duration.ofMillis(100));
    List<SpanData> received = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      received.add(receivedSpan(i));
    }
    assertThat(sdk.ingest(received)).isTrue();
    writing.await();

    sdk.close();

    assertThat(sdk.capturedSpans()).isZero();
    assertThat(sdk.lostSpans()).isEqualTo(5);
    diskBack.countDown();
    fileClosed.await(); // the shutdown, going on past close, writes the file until then: not while the test's directory goes
  }

  @Test
  void badOtelSettingsOrEndlessDurationsStillWriteTheCaptureFile() throws IOException {
    java.util.List<java.util.Map<String, String>> environments = java.util.List.of(
        java.util.Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318"),
        java.util.Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://tempo host:4318"),
        java.util.Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9", "OTEL_EXPORTER_OTLP_HEADERS", "x=100%",
            "OTEL_EXPORTER_OTLP_TIMEOUT", "10000000000000"),
        java.util.Map.of("OTEL_RESOURCE_ATTRIBUTES", "note=50%"));
    for (int i = 0; i < environments.size(); i++) {
      Path file = dir.resolve("cell-" + i + ".jsonl");
      try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(file).setEnvironment(environments.get(i))
          .setCloseTimeout(java.time.temporal.ChronoUnit.FOREVER.getDuration())
          .setMaxBlockTime(java.time.temporal.ChronoUnit.FOREVER.getDuration())
          .setHeartbeat(java.time.temporal.ChronoUnit.FOREVER.getDuration())
          .build()) {
        try (CellSpan span = sdk.cellTracer().toolCall("written")) {
          span.setAttribute("k", "v");
        }
      }
      assertThat(Files.readString(file)).as(environments.get(i).toString()).contains("\"written\"");
    }
  }

  @Test
  void durationsThatCannotBeWaitedAreRefused() {
    assertThatThrownBy(() -> CabTraceSdk.builder().setCloseTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("closeTimeout must be positive");
    assertThatThrownBy(() -> CabTraceSdk.builder().setCloseTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("closeTimeout must be positive");
    assertThatThrownBy(() -> CabTraceSdk.builder().setMaxBlockTime(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBlockTime must not be negative");
    assertThatThrownBy(() -> CabTraceSdk.builder().setHeartbeat(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("heartbeat must be positive");
    // A span end that never waits is a setting: what a full queue has no room for is counted.
    CabTraceSdk.builder().setMaxBlockTime(Duration.ZERO);
  }

  @Test
  void closeIsIdempotentAndSpansAfterCloseAreNotWritten() throws IOException {
    Path file = dir.resolve("cell.jsonl");
    CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(file).build();
    try (CellSpan span = sdk.cellTracer().toolCall("before")) {
      span.setAttribute("k", "v");
    }
    sdk.close();
    sdk.close();
    try (CellSpan span = sdk.cellTracer().toolCall("after")) {
      span.setAttribute("k", "v");
    }
    assertThat(Files.readString(file)).contains("before").doesNotContain("after");
  }

  @Test
  void secretsNeverReachTheCaptureFileNorAnyOtherExporter() throws IOException {
    Path file = dir.resolve("cell.jsonl");
    io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter backend =
        io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();
    String exported;
    try (CabTraceSdk sdk =
        CabTraceSdk.builder().setCaptureFile(file).addSpanExporter(backend).build()) {
      try (CellSpan container = sdk.cellTracer().container("aider:run")) {
        container
            .setAttribute(CabAttributes.CONTAINER_COMMAND_ARGS,
                List.of("curl", "-H", "Authorization: Bearer tok-123456", "-e", "OPENAI_API_KEY=sk-live-0123456789abcdef"))
            .setAttribute("env.ANTHROPIC_API_KEY", "whatever")
            .addEvent("output", io.opentelemetry.api.common.Attributes.of(
                io.opentelemetry.api.common.AttributeKey.stringKey("data"), "using sk-ant-api03-secretsecret"))
            .setError("auth failed for ghp_0123456789abcdefghijABCDEFGHIJ");
      }
      assertThat(sdk.flush()).isTrue();
      // The in-memory exporter forgets its spans at shutdown: read them before close.
      exported = backend.getFinishedSpanItems().toString();
      assertThat(backend.getFinishedSpanItems()).hasSize(1);
    }
    String captured = Files.readString(file);
    for (String text : List.of(captured, exported)) {
      assertThat(text)
          .doesNotContain("tok-123456")
          .doesNotContain("sk-live-0123456789abcdef")
          .doesNotContain("whatever")
          .doesNotContain("secretsecret")
          .doesNotContain("ghp_0123456789")
          .contains("OPENAI_API_KEY=[REDACTED]")
          .contains("Bearer [REDACTED]");
    }
  }

  @Test
  void captureFileIsReadableByItsOwnerOnly() throws IOException {
    Path file = dir.resolve("cell.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(file).build()) {
      try (CellSpan span = sdk.cellTracer().toolCall("t")) {
        span.setAttribute("k", "v");
      }
    }
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void registeredGloballyTheGlobalCellTracerRecordsIntoTheCaptureFile() throws IOException {
    Path file = dir.resolve("global.jsonl");
    io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(file).buildAndRegisterGlobal()) {
      try (CellSpan span = CellTracer.global().toolCall("through-the-global-tracer")) {
        span.setAttribute("k", "v");
      }
    } finally {
      io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
    }
    assertThat(Files.readString(file)).contains("through-the-global-tracer");
  }

  @Test
  void theGlobalCellTracerTakenBeforeRegistrationTracesOnceTheSdkIsRegistered() throws IOException {
    Path file = dir.resolve("global-first.jsonl");
    io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
    try {
      CellTracer early = CellTracer.global();
      try (CellSpan beforeAnySdk = early.toolCall("before-any-sdk")) {
        beforeAnySdk.setAttribute("k", "v");
      }
      try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(file).buildAndRegisterGlobal()) {
        try (CellSpan span = early.toolCall("taken-before-registration")) {
          span.setAttribute("k", "v");
        }
        try (CellSpan span = CellTracer.global().toolCall("taken-after-registration")) {
          span.setAttribute("k", "v");
        }
      }
    } finally {
      io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
    }
    assertThat(Files.readString(file))
        .contains("taken-before-registration")
        .contains("taken-after-registration")
        .doesNotContain("before-any-sdk");
  }

  @Test
  void aRegistrationThatFailsClosesItsSdkAndLeavesNoFileBehind() throws IOException {
    Path first = dir.resolve("first.jsonl");
    Path second = dir.resolve("second.jsonl");
    io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(first).buildAndRegisterGlobal()) {
      Set<Thread> journals = journalThreads();
      assertThatThrownBy(() -> CabTraceSdk.builder().setCaptureFile(second).buildAndRegisterGlobal())
          .isInstanceOf(IllegalStateException.class);
      assertThat(second).doesNotExist();
      assertThat(CrashJournal.pathFor(second)).doesNotExist();
      assertThat(journals).containsAll(journalThreads());
      // The first stays registered and records.
      try (CellSpan span = CellTracer.global().toolCall("still-the-first")) {
        span.setAttribute("k", "v");
      }
    } finally {
      io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
    }
    assertThat(Files.readString(first)).contains("still-the-first");
  }

  private static Set<Thread> journalThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals("cab-trace-journal"))
        .collect(Collectors.toSet());
  }
}
