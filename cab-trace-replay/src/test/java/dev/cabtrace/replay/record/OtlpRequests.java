package dev.cabtrace.replay.record;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Export requests for the receiver's tests, made and posted by hand. */
final class OtlpRequests {

  private OtlpRequests() {}

  /** The receiver's OTLP/HTTP traces endpoint. */
  static URI traces(OtlpReceiver receiver) {
    return URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces");
  }

  /** {@code spans} spans with ids unique to {@code thread} and {@code batch}. */
  static ExportTraceServiceRequest request(int thread, int batch, int spans) {
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

  static HttpResponse<byte[]> postBytes(HttpClient client, URI uri, String contentType, byte[] body) {
    try {
      return client.send(HttpRequest.newBuilder(uri).header("Content-Type", contentType)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static HttpResponse<String> post(HttpClient client, URI uri, String contentType, byte[] body) {
    try {
      return client.send(HttpRequest.newBuilder(uri).header("Content-Type", contentType)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
