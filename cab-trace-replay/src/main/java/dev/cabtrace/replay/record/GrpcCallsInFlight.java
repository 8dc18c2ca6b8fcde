package dev.cabtrace.replay.record;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Counts each OTLP/gRPC call in flight from its headers to its end, so that an export still
 * arriving keeps {@link OtlpReceiver} from being quiet, and counts as cut off a call that the
 * receiver's close ended before it was answered: its message had not all arrived.
 */
final class GrpcCallsInFlight implements ServerInterceptor {

  private final AtomicInteger inFlight;
  private final AtomicLong cutOff;
  private final BooleanSupplier closed;

  GrpcCallsInFlight(AtomicInteger inFlight, AtomicLong cutOff, BooleanSupplier closed) {
    this.inFlight = inFlight;
    this.cutOff = cutOff;
    this.closed = closed;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    inFlight.incrementAndGet();
    AnsweredCall<ReqT, RespT> watched = new AnsweredCall<>(call);
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(watched, headers);
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      throw e;
    }
    // Exactly one of onComplete and onCancel ends every call.
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          inFlight.decrementAndGet();
        }
      }

      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          // An answered call counted itself (taken, refused, malformed or cut off).
          if (!watched.answered && closed.getAsBoolean()) {
            cutOff.incrementAndGet();
          }
          inFlight.decrementAndGet();
        }
      }
    };
  }

  /** A call that knows whether the handler answered it. */
  private static final class AnsweredCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    volatile boolean answered;

    AnsweredCall(ServerCall<ReqT, RespT> call) {
      super(call);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      answered = true;
      super.close(status, trailers);
    }
  }
}
