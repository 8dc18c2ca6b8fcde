package dev.cabtrace.replay.record;

import static dev.cabtrace.replay.record.OtlpRequests.post;
import static dev.cabtrace.replay.record.OtlpRequests.postBytes;
import static dev.cabtrace.replay.record.OtlpRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.testing.LoggedMessages;
import dev.cabtrace.replay.internal.OtlpJsonRequest;
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
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        + "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":\"1700000001000000000\",\"name\":\"" + escaped + "\","
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
        + "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":\"1700000001000000000\",\"name\":\"read\","
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
  void theWarningAboutAMalformedRequestIsOneLine() throws Exception {
    LoggedMessages log = LoggedMessages.of(OtlpReceiver.class);
    java.util.List<String> logged = log.messages();
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("bad.jsonl")).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false)) {
      URI traces = URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces");
      assertThat(post(HttpClient.newHttpClient(), traces, "application/json",
          "{\"resourceSpans\": nope}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
    } finally {
      log.close();
    }
    // Jackson's own message goes on with "\n at [Source: ...; line: 1, column: 22]".
    assertThat(logged).singleElement().asString()
        .startsWith("cab-trace record: refused 1 malformed OTLP request(s) so far: JsonParseException: Unrecognized token 'nope'")
        .doesNotContain("\n").doesNotContain("[Source");
  }

  @Test
  void aSpanWithBadIdsIsRejectedAloneWithAPartialSuccessAndTheOthersAreKept() throws Exception {
    Path capture = dir.resolve("partial.jsonl");
    HttpClient client = HttpClient.newHttpClient();
    // The log is the harness's: a rejected span's name, the agent's text, is not redacted, so not logged.
    LoggedMessages log = LoggedMessages.of(OtlpReceiver.class);
    java.util.List<String> logged = log.messages();
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
            + "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":\"1700000001000000000\",\"name\":\"json-good\"},"
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
      log.close();
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

}
