package dev.cabtrace.replay.record;

import com.google.rpc.RetryInfo;
import dev.cabtrace.replay.internal.ProtoSpans;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * OTLP/gRPC's {@code TraceService/Export} for an {@link OtlpReceiver}: each request's bytes go to
 * the receiver as they came, and its answer says what became of them (taken, malformed, refused
 * for now with {@code RetryInfo}, or cut off by the receiver's close).
 */
final class GrpcTraceService {

  private GrpcTraceService() {}

  /** The service whose calls {@code receiver} takes. */
  static ServerServiceDefinition of(OtlpReceiver receiver) {
    MethodDescriptor<byte[], ExportTraceServiceResponse> export =
        MethodDescriptor.<byte[], ExportTraceServiceResponse>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
            .setRequestMarshaller(new RequestBytes())
            .setResponseMarshaller(ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
            .build();
    return ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
        .addMethod(export, ServerCalls.asyncUnaryCall((request, observer) -> {
          if (receiver.cutOffOnceClosed()) {
            observer.onError(Status.UNAVAILABLE.withDescription("the receiver closed").asRuntimeException());
            return;
          }
          ProtoSpans.Received received;
          try {
            received = ProtoSpans.of(request, false);
          } catch (ProtoSpans.Malformed | RuntimeException e) {
            receiver.malformed(OtlpReceiver.describe(e));
            observer.onError(Status.INVALID_ARGUMENT.withDescription("malformed OTLP request: " + e.getMessage())
                .asRuntimeException());
            return;
          }
          OtlpReceiver.Taking taking = receiver.take(received);
          if (taking == OtlpReceiver.Taking.TAKEN) {
            observer.onNext(OtlpAnswers.response(received));
            observer.onCompleted();
          } else if (taking == OtlpReceiver.Taking.CUT_OFF) {
            observer.onError(Status.UNAVAILABLE.withDescription("the receiver closed").asRuntimeException());
          } else {
            Metadata trailers = new Metadata();
            trailers.put(ProtoUtils.keyForProto(RetryInfo.getDefaultInstance()), RetryInfo.newBuilder()
                .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(1)).build());
            observer.onError(Status.RESOURCE_EXHAUSTED.withDescription("capture queue full; retry")
                .asRuntimeException(trailers));
          }
        }))
        .build();
  }

  /**
   * A request's protobuf bytes as they came: {@link ProtoSpans} reads them, so that a malformed one
   * is answered with {@code INVALID_ARGUMENT} and counted.
   */
  private static final class RequestBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new java.io.ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("could not read the request").withCause(e).asRuntimeException();
      }
    }
  }

}
