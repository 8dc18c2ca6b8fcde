package dev.cabtrace.replay.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The OTLP receiver of {@code record}, fed by the official Java exporters and by hand. */
@Timeout(120)
class OtlpReceiverTest {

  @TempDir Path dir;

  private static SdkTracerProvider agent(SpanExporter exporter, String service) {
    return SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
  }

  @Test
  void theJavaSdksOwnOtlpExportersLandInTheCaptureWithTheirResourceAndScope() throws Exception {
    Path capture = dir.resolve("java.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", true)) {
      try (SdkTracerProvider http = agent(OtlpHttpSpanExporter.builder()
              .setEndpoint("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces").build(), "java-agent-http");
          SdkTracerProvider grpc = agent(OtlpGrpcSpanExporter.builder()
              .setEndpoint("http://127.0.0.1:" + receiver.grpcPort()).build(), "java-agent-grpc")) {
        Span one = http.get("agent.scope", "2.0").spanBuilder("over-http").setAttribute("n", 1L).startSpan();
        one.end();
        grpc.get("agent.scope", "2.0").spanBuilder("over-grpc").setAttribute(AttributeKey.stringArrayKey("a"), List.of("x")).startSpan().end();
        assertThat(http.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(grpc.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }
      assertThat(receiver.receivedSpans()).isEqualTo(2);
    }

    Timeline timeline = TraceReader.create().read(capture);
    TimelineSpan overHttp = timeline.spanNamed("over-http");
    TimelineSpan overGrpc = timeline.spanNamed("over-grpc");
    assertThat(overHttp.resource()).containsEntry("service.name", "java-agent-http");
    assertThat(overGrpc.resource()).containsEntry("service.name", "java-agent-grpc");
    assertThat(overHttp.scope()).isEqualTo("agent.scope");
    assertThat(overHttp.attribute("n")).isEqualTo(1L);
    assertThat(overGrpc.attribute("a")).isEqualTo(List.of("x"));
    for (String line : Files.readAllLines(capture)) {
      // Every line is OTLP that the official protobuf classes read.
      assertThat(OtlpJsonRequest.parse(line.getBytes(StandardCharsets.UTF_8)).getResourceSpansCount()).isPositive();
    }
  }

  @Test
  void otlpJsonIsReadWithHexIdsAndMalformedRequestsAreRefusedAndCounted() throws Exception {
    Path capture = dir.resolve("json.jsonl");
    HttpClient client = HttpClient.newHttpClient();
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false)) {
      URI traces = URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces");
      String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"curl-agent\"}}]},"
          + "\"scopeSpans\":[{\"scope\":{\"name\":\"by-hand\"},\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\","
          + "\"spanId\":\"eee19b7ec3c1b174\",\"parentSpanId\":\"eee19b7ec3c1b173\",\"name\":\"json-span\",\"kind\":3,"
          + "\"startTimeUnixNano\":\"1544712660000000000\",\"endTimeUnixNano\":\"1544712661000000000\","
          + "\"attributes\":[{\"key\":\"k\",\"value\":{\"intValue\":\"7\"}}],\"status\":{\"code\":2,\"message\":\"bad\"}}]}]}]}";
      HttpResponse<String> accepted = post(client, traces, "application/json", json.getBytes(StandardCharsets.UTF_8));
      assertThat(accepted.statusCode()).isEqualTo(200);

      assertThat(post(client, traces, "application/x-protobuf", new byte[] {0x0a, 0x7f, 0x01}).statusCode()).isEqualTo(400);
      assertThat(post(client, traces, "application/json", "{\"resourceSpans\":[{".getBytes(StandardCharsets.UTF_8)).statusCode())
          .isEqualTo(400);
      assertThat(receiver.malformedRequests()).isEqualTo(2);
      assertThat(receiver.receivedSpans()).isEqualTo(1);
    }
    TimelineSpan span = TraceReader.create().read(capture).spanNamed("json-span");
    assertThat(span.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(span.parentSpanId()).isEqualTo("eee19b7ec3c1b173");
    assertThat(span.attribute("k")).isEqualTo(7L);
    assertThat(span.statusMessage()).isEqualTo("bad");
    assertThat(span.spanKind()).isEqualTo("CLIENT");
  }

  @Test
  void loneSurrogatesInOtlpJsonReachTheCaptureUnchanged() throws Exception {
    String lone = "high \ud800 low \udfff pair \ud83d\ude00 end \udbff";
    String escaped = "high \\ud800 low \\udfff pair \\ud83d\\ude00 end \\udbff";
    String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
        + "\"" + escaped + "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"" + escaped + "\"},\"spans\":[{"
        + "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"" + escaped + "\","
        + "\"attributes\":[{\"key\":\"" + escaped + "\",\"value\":{\"stringValue\":\"" + escaped + "\"}},"
        + "{\"key\":\"list\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"" + escaped + "\"}]}}},"
        + "{\"key\":\"backslash\",\"value\":{\"stringValue\":\"\\\\ud800\"}}],"
        + "\"events\":[{\"name\":\"" + escaped + "\"}],\"status\":{\"code\":2,\"message\":\"" + escaped + "\"}}]}]}]}";
    Path capture = dir.resolve("lone.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false)) {
      URI traces = URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces");
      assertThat(post(HttpClient.newHttpClient(), traces, "application/json", json.getBytes(StandardCharsets.UTF_8))
          .statusCode()).isEqualTo(200);
      assertThat(receiver.receivedSpans()).isEqualTo(1);
    }
    for (boolean scanner : new boolean[] {true, false}) {
      Timeline timeline = TraceReader.builder().setByteScanner(scanner).build().read(capture);
      TimelineSpan span = timeline.spanNamed(lone);
      assertThat(span).as("scanner %s", scanner).isNotNull();
      assertThat(span.resource()).containsEntry("service.name", lone);
      assertThat(span.scope()).isEqualTo(lone);
      assertThat(span.attribute(lone)).isEqualTo(lone);
      assertThat(span.attribute("list")).isEqualTo(List.of(lone));
      assertThat(span.attribute("backslash")).isEqualTo("\\ud800");
      assertThat(span.events().get(0).name()).isEqualTo(lone);
      assertThat(span.statusMessage()).isEqualTo(lone);
    }
  }

  @Test
  void otlpJsonTakesAStringLongerThanJacksonsDefaultLimit() throws Exception {
    // A tool's whole output in one attribute: over Jackson's default 20 MB string limit, under the
    // 64 MiB body limit. A 400 would lose the batch, which exporters do not send again.
    String big = "x".repeat(21_000_000);
    String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"read\","
        + "\"attributes\":[{\"key\":\"tool.output\",\"value\":{\"stringValue\":\"" + big + "\"}}]}]}]}]}";
    Path capture = dir.resolve("big.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false)) {
      URI traces = URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces");
      HttpResponse<String> response =
          post(HttpClient.newHttpClient(), traces, "application/json", json.getBytes(StandardCharsets.UTF_8));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(receiver.receivedSpans()).isEqualTo(1);
      assertThat(receiver.malformedRequests()).isZero();
    }
    assertThat(TraceReader.create().read(capture).spanNamed("read")).isNotNull();
  }

  @Test
  void malformedGrpcRequestsGetInvalidArgumentAndAreCounted() throws Exception {
    io.grpc.MethodDescriptor<byte[], byte[]> export = io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
        .setRequestMarshaller(new RawBytes())
        .setResponseMarshaller(new RawBytes())
        .build();
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("grpc.jsonl")).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", true)) {
      io.grpc.ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
          .forAddress("127.0.0.1", receiver.grpcPort()).usePlaintext().build();
      try {
        byte[] shortSpanId = request(0, 0, 1).toBuilder()
            .setResourceSpans(0, request(0, 0, 1).getResourceSpans(0).toBuilder().setScopeSpans(0,
                request(0, 0, 1).getResourceSpans(0).getScopeSpans(0).toBuilder().setSpans(0,
                    request(0, 0, 1).getResourceSpans(0).getScopeSpans(0).getSpans(0).toBuilder()
                        .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2})))))
            .build().toByteArray();
        byte[] malformed = {0x0a, 0x7f, 0x01};
        io.grpc.StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(
            io.grpc.StatusRuntimeException.class,
            () -> io.grpc.stub.ClientCalls.blockingUnaryCall(channel, export, io.grpc.CallOptions.DEFAULT, malformed));
        assertThat(refused.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
        // A span with a bad id is rejected alone, with a partial success.
        ExportTraceServiceResponse partial = ExportTraceServiceResponse.parseFrom(
            io.grpc.stub.ClientCalls.blockingUnaryCall(channel, export, io.grpc.CallOptions.DEFAULT, shortSpanId));
        assertThat(partial.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(partial.getPartialSuccess().getErrorMessage()).contains("spanId has 2 bytes, not 8");
        ExportTraceServiceResponse whole = ExportTraceServiceResponse.parseFrom(io.grpc.stub.ClientCalls.blockingUnaryCall(
            channel, export, io.grpc.CallOptions.DEFAULT, withBadSpans(request(0, 0, 3)).toByteArray()));
        assertThat(whole.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
      } finally {
        channel.shutdownNow();
      }
      assertThat(receiver.malformedRequests()).isEqualTo(1);
      assertThat(receiver.rejectedSpans()).isEqualTo(3);
      assertThat(receiver.receivedSpans()).isEqualTo(3);
    }
  }

  @Test
  void aSpanWithBadIdsIsRejectedAloneWithAPartialSuccessAndTheOthersAreKept() throws Exception {
    Path capture = dir.resolve("partial.jsonl");
    HttpClient client = HttpClient.newHttpClient();
    // The log is the harness's: a rejected span's name, the agent's text, is not redacted, so not logged.
    java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(OtlpReceiver.class.getName());
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        logged.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(handler);
    try {
      try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setEnvironment(Map.of()).build();
          OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false)) {
        URI traces = URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces");

        HttpResponse<byte[]> protobuf = postBytes(client, traces, "application/x-protobuf",
            withBadSpans(request(1, 0, 3)).toByteArray());
        assertThat(protobuf.statusCode()).isEqualTo(200);
        assertThat(protobuf.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
        ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(protobuf.body());
        assertThat(answer.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
        assertThat(answer.getPartialSuccess().getErrorMessage()).isEqualTo("2 of 5 spans rejected: span 2 \"bad-span-id\":"
            + " spanId has 3 bytes, not 8; span 4 \"zero-trace-id\": traceId is all zeros, which means no id");

        String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"scope\":{\"name\":\"by-hand\"},\"spans\":["
            + "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"json-good\"},"
            + "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"not-hex-at-all!!\",\"name\":\"json-not-hex\"},"
            + "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee1\",\"name\":\"json-short\"}]}]}]}";
        HttpResponse<byte[]> fromJson = postBytes(client, traces, "application/json; charset=utf-8",
            json.getBytes(StandardCharsets.UTF_8));
        assertThat(fromJson.statusCode()).isEqualTo(200);
        assertThat(fromJson.headers().firstValue("Content-Type")).hasValue("application/json");
        ExportTraceServiceResponse.Builder jsonAnswer = ExportTraceServiceResponse.newBuilder();
        JsonFormat.parser().merge(new String(fromJson.body(), StandardCharsets.UTF_8), jsonAnswer);
        assertThat(jsonAnswer.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
        assertThat(jsonAnswer.getPartialSuccess().getErrorMessage()).isEqualTo("2 of 3 spans rejected:"
            + " span 2 \"json-not-hex\": spanId is not 16 hex digits; span 3 \"json-short\": spanId is not 16 hex digits");

        // Every span rejected: still taken as a request, so that the sender does not retry it.
        HttpResponse<byte[]> none = postBytes(client, traces, "application/x-protobuf", withBadSpans(request(2, 0, 0)).toByteArray());
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(ExportTraceServiceResponse.parseFrom(none.body()).getPartialSuccess().getRejectedSpans()).isEqualTo(2);
        // All good: the empty answer, as before.
        HttpResponse<byte[]> good = postBytes(client, traces, "application/x-protobuf", request(3, 0, 2).toByteArray());
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.body()).isEmpty();

        assertThat(receiver.rejectedSpans()).isEqualTo(6);
        assertThat(receiver.receivedSpans()).isEqualTo(3 + 1 + 2);
        assertThat(receiver.malformedRequests()).isZero();
      }
    } finally {
      log.removeHandler(handler);
    }
    assertThat(logged).anyMatch(message -> message.contains("rejected 2 OTLP span(s) with bad ids"))
        .noneMatch(message -> message.contains("bad-span-id") || message.contains("json-not-hex"));
    Timeline timeline = TraceReader.create().read(capture);
    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactlyInAnyOrder(
        "flood-0", "flood-1", "flood-2", "json-good", "flood-0", "flood-1");
  }

  @Test
  void aRequestOfAnotherContentTypeGets415AndIsCounted() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("415.jsonl")).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false)) {
      URI traces = URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces");
      byte[] body = request(0, 0, 1).toByteArray();
      for (String contentType : List.of("text/plain", "application/grpc", "application/jsonl", "multipart/form-data")) {
        HttpResponse<byte[]> refused = postBytes(client, traces, contentType, body);
        assertThat(refused.statusCode()).as(contentType).isEqualTo(415);
        assertThat(com.google.rpc.Status.parseFrom(refused.body()).getMessage()).contains(contentType);
      }
      HttpResponse<byte[]> untyped = client.send(HttpRequest.newBuilder(traces)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(untyped.statusCode()).isEqualTo(415);
      assertThat(com.google.rpc.Status.parseFrom(untyped.body()).getMessage()).startsWith("no Content-Type");
      assertThat(postBytes(client, traces, "Application/X-Protobuf", body).statusCode()).isEqualTo(200);
      assertThat(receiver.malformedRequests()).isEqualTo(5);
      assertThat(receiver.receivedSpans()).isEqualTo(1);
    }
  }

  /** {@code request} with two spans more: one whose span id is 3 bytes, one whose trace id is zeros. */
  private static ExportTraceServiceRequest withBadSpans(ExportTraceServiceRequest request) {
    var scope = request.getResourceSpans(0).getScopeSpans(0).toBuilder();
    var template = request(9, 9, 1).getResourceSpans(0).getScopeSpans(0).getSpans(0);
    int at = Math.min(1, scope.getSpansCount());
    scope.addSpans(at, template.toBuilder().setName("bad-span-id")
        .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2, 3})));
    scope.addSpans(Math.min(3, scope.getSpansCount()), template.toBuilder().setName("zero-trace-id")
        .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[16])));
    return request.toBuilder().setResourceSpans(0, request.getResourceSpans(0).toBuilder().setScopeSpans(0, scope)).build();
  }

  private static final class RawBytes implements io.grpc.MethodDescriptor.Marshaller<byte[]> {
    @Override
    public java.io.InputStream stream(byte[] value) {
      return new java.io.ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(java.io.InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * A client sending faster than the disk writes: the receiver answers 429 instead of buffering,
   * every span it acknowledged is exported, and memory stays bounded.
   */
  @Test
  void aFloodFasterThanTheDiskIsPushedBackAndLosesNothingAcknowledged() throws Exception {
    AtomicLong exported = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    SpanExporter slowDisk = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        // A disk that stalls until the receiver has pushed a client back (bounded, so that a
        // receiver that never pushes back fails the test below instead of hanging it), then keeps
        // up slowly.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (refused.get() == 0 && System.nanoTime() < deadline) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        exported.addAndGet(spans.size());
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    AtomicLong acknowledged = new AtomicLong();
    long peakHeap = 0;
    try (CabTraceSdk sdk = CabTraceSdk.builder().addSpanExporter(slowDisk).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false)) {
      URI traces = URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces");
      HttpClient client = HttpClient.newHttpClient();
      ExecutorService senders = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(senders.submit(() -> {
          for (int batch = 0; batch < 20; batch++) {
            byte[] body = request(thread, batch, 1000).toByteArray();
            while (true) {
              HttpResponse<String> response = post(client, traces, "application/x-protobuf", body);
              if (response.statusCode() == 200) {
                acknowledged.addAndGet(1000);
                break;
              }
              assertThat(response.statusCode()).isEqualTo(429);
              assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
              refused.incrementAndGet();
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
          }
          return null;
        }));
      }
      while (!done.stream().allMatch(Future::isDone)) {
        Runtime runtime = Runtime.getRuntime();
        peakHeap = Math.max(peakHeap, runtime.totalMemory() - runtime.freeMemory());
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      for (Future<?> future : done) {
        future.get();
      }
      senders.shutdown();
      assertThat(sdk.flush()).isTrue();
      assertThat(receiver.refusedRequests()).as("refusals counted, as record reports them").isEqualTo(refused.get());
    }
    assertThat(acknowledged.get()).isEqualTo(80_000);
    assertThat(exported.get()).as("every acknowledged span is exported").isEqualTo(acknowledged.get());
    assertThat(refused.get()).as("the receiver pushed back").isPositive();
    assertThat(peakHeap).as("heap while flooded").isLessThan(1L << 30);
  }

  /**
   * Clients that send an export's head and a little of its body, then stall, as many as leave one
   * thread that reads requests (a receiver with one thread per core had none left on a small
   * machine): an export after them is taken at once.
   */
  @Test
  @Timeout(30)
  void clientsStalledMidBodyLeaveAThreadForTheNextExport() throws Exception {
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("stalled.jsonl")).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false);
        StalledClients stalled = new StalledClients(receiver.httpPort(), OtlpReceiver.HTTP_THREADS - 1)) {
      awaitCount(receiver::inFlight, OtlpReceiver.HTTP_THREADS - 1);

      HttpResponse<byte[]> response = postBytes(HttpClient.newHttpClient(), traces(receiver),
          "application/x-protobuf", request(0, 0, 1).toByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(receiver.receivedSpans()).isEqualTo(1);
    }
  }

  /**
   * Clients that stall mid-body on every thread that reads requests: the body's deadline cuts them
   * off (counted as malformed), and an export waiting behind them is taken.
   */
  @Test
  @Timeout(30)
  void aBodyThatStallsIsCutOffAtItsDeadline() throws Exception {
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("stalled.jsonl")).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false, java.time.Duration.ofMillis(200));
        StalledClients stalled = new StalledClients(receiver.httpPort(), OtlpReceiver.HTTP_THREADS)) {
      // Every stalled request has reached a reading thread (and waits there, or was cut off already).
      awaitCount(() -> receiver.inFlight() + receiver.malformedRequests(), OtlpReceiver.HTTP_THREADS);

      HttpResponse<byte[]> response = postBytes(HttpClient.newHttpClient(), traces(receiver),
          "application/x-protobuf", request(0, 0, 1).toByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(receiver.receivedSpans()).isEqualTo(1);
      awaitCount(receiver::malformedRequests, OtlpReceiver.HTTP_THREADS);
    }
  }

  /**
   * An export still arriving when the receiver closes is cut off and counted as such, not as
   * malformed; close returns once its handler is done, so the count is final.
   */
  @Test
  @Timeout(30)
  void anExportStillArrivingAtCloseIsCountedAsCutOff() throws Exception {
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("cut.jsonl")).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false);
        StalledClients arriving = new StalledClients(receiver.httpPort(), 1)) {
      awaitCount(receiver::inFlight, 1);

      receiver.close();

      assertThat(receiver.inFlight()).isZero();
      assertThat(receiver.cutOffRequests()).isEqualTo(1);
      assertThat(receiver.malformedRequests()).isZero();
    }
  }

  /**
   * Bodies are read within a byte budget: an export that would go over what is left waits, unread,
   * until the one read before it is taken; a small one fits and is taken meanwhile.
   */
  @Test
  @Timeout(30)
  void anExportOverTheBodyBudgetWaitsUntilAnEarlierOneIsTaken() throws Exception {
    byte[] first = request(1, 0, 1500).toByteArray();
    byte[] second = request(2, 0, 1500).toByteArray();
    byte[] small = request(3, 0, 1).toByteArray();
    Semaphore budgetKib = new Semaphore(100);
    assertThat(first.length + second.length).isGreaterThan(100 * 1024);
    assertThat(first.length + small.length).isLessThan(99 * 1024);
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("budget.jsonl")).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false, OtlpReceiver.BODY_DEADLINE, budgetKib);
        java.net.Socket held = new java.net.Socket("127.0.0.1", receiver.httpPort())) {
      java.io.OutputStream out = held.getOutputStream();
      out.write(("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
          + "Content-Length: " + first.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(first, 0, 1024);
      out.flush();
      awaitCount(() -> 100 - budgetKib.availablePermits(), 1);

      HttpClient client = HttpClient.newHttpClient();
      CompletableFuture<HttpResponse<byte[]>> waiting = client.sendAsync(HttpRequest.newBuilder(traces(receiver))
          .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(second)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      awaitCount(budgetKib::getQueueLength, 1);
      assertThat(postBytes(client, traces(receiver), "application/x-protobuf", small).statusCode()).isEqualTo(200);
      assertThat(waiting).isNotDone();
      assertThat(receiver.receivedSpans()).isEqualTo(1);

      out.write(first, 1024, first.length - 1024);
      out.flush();
      String answer = new String(held.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 200");
      assertThat(waiting.get().statusCode()).isEqualTo(200);
      assertThat(receiver.receivedSpans()).isEqualTo(3001);
      assertThat(budgetKib.availablePermits()).isEqualTo(100);
    }
  }

  /** Connections that have each sent an export's head and 2 bytes of its 100-byte body, and send no more. */
  private static final class StalledClients implements AutoCloseable {
    private final List<java.net.Socket> sockets = new ArrayList<>();

    StalledClients(int port, int count) throws java.io.IOException {
      byte[] start = ("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
          + "Content-Length: 100\r\n\r\nab").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < count; i++) {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
        sockets.add(socket);
        socket.getOutputStream().write(start);
        socket.getOutputStream().flush();
      }
    }

    @Override
    public void close() throws java.io.IOException {
      for (java.net.Socket socket : sockets) {
        socket.close();
      }
    }
  }

  /** Waits until {@code count} reaches {@code atLeast}, or the test's timeout interrupts it. */
  private static void awaitCount(java.util.function.LongSupplier count, long atLeast) throws InterruptedException {
    while (count.getAsLong() < atLeast) {
      if (Thread.interrupted()) {
        throw new InterruptedException("count still " + count.getAsLong() + ", not " + atLeast);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  private static URI traces(OtlpReceiver receiver) {
    return URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces");
  }

  private static ExportTraceServiceRequest request(int thread, int batch, int spans) {
    var scope = io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder()
        .setScope(io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder().setName("flood"));
    for (int i = 0; i < spans; i++) {
      long id = ((long) thread << 48) | ((long) batch << 24) | i | (1L << 62);
      scope.addSpans(io.opentelemetry.proto.trace.v1.Span.newBuilder()
          .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
          .setSpanId(com.google.protobuf.ByteString.copyFrom(java.nio.ByteBuffer.allocate(8).putLong(id).array()))
          .setName("flood-" + i)
          .setStartTimeUnixNano(1_700_000_000_000_000_000L + i)
          .setEndTimeUnixNano(1_700_000_000_000_001_000L + i));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(io.opentelemetry.proto.trace.v1.ResourceSpans.newBuilder().addScopeSpans(scope))
        .build();
  }

  private static HttpResponse<byte[]> postBytes(HttpClient client, URI uri, String contentType, byte[] body) {
    try {
      return client.send(HttpRequest.newBuilder(uri).header("Content-Type", contentType)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> post(HttpClient client, URI uri, String contentType, byte[] body) {
    try {
      return client.send(HttpRequest.newBuilder(uri).header("Content-Type", contentType)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
