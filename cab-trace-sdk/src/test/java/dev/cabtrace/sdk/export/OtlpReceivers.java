package dev.cabtrace.sdk.export;

import com.sun.net.httpserver.HttpServer;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * OTLP receivers on 127.0.0.1 built on the official protobuf classes: HTTP/protobuf on the JDK
 * server, gRPC on grpc-java. They decode what they get and keep it for the test to look at.
 */
final class OtlpReceivers {

  private OtlpReceivers() {}

  /** What a receiver got. */
  static final class Received {
    final List<ExportTraceServiceRequest> requests = new CopyOnWriteArrayList<>();
    final Map<String, String> headers = new ConcurrentHashMap<>();

    List<Span> spans() {
      return requests.stream()
          .flatMap(r -> r.getResourceSpansList().stream())
          .flatMap(rs -> rs.getScopeSpansList().stream())
          .flatMap(ss -> ss.getSpansList().stream())
          .toList();
    }

    List<ResourceSpans> resources() {
      return requests.stream().flatMap(r -> r.getResourceSpansList().stream()).toList();
    }

    synchronized void add(ExportTraceServiceRequest request) {
      requests.add(request);
      notifyAll();
    }

    /**
     * The spans, once at least {@code count} have arrived: the SDK's close waits only briefly for a
     * backend copy, which may arrive after it. Bounded by the test's own timeout, not by a guess.
     */
    synchronized List<Span> awaitSpans(int count) throws InterruptedException {
      while (spans().size() < count) {
        wait();
      }
      return spans();
    }
  }

  /** OTLP/HTTP at /v1/traces. */
  static final class Http implements AutoCloseable {
    final Received received = new Received();
    private final HttpServer server;
    private final CountDownLatch open = new CountDownLatch(1);

    /** A receiver that answers at once. */
    Http() throws IOException {
      this(true);
    }

    /**
     * A receiver that, unless {@code open}, holds every request unanswered until {@link #open()}:
     * a backend that hangs, for as long as the test wants.
     */
    Http(boolean open) throws IOException {
      if (open) {
        open();
      }
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      server.createContext("/v1/traces", exchange -> {
        byte[] body = exchange.getRequestBody().readAllBytes();
        exchange.getRequestHeaders().forEach((k, v) -> received.headers.put(k.toLowerCase(), v.get(0)));
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
        awaitOpen();
        byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
        received.add(request);
      });
      server.start();
    }

    /** Answers the held requests and every later one. */
    void open() {
      open.countDown();
    }

    private void awaitOpen() throws IOException {
      try {
        open.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }

    String baseUrl() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      open();
      server.stop(0);
    }
  }

  /** OTLP/gRPC: the TraceService/Export method. */
  static final class Grpc implements AutoCloseable {
    final Received received = new Received();
    private final Server server;

    Grpc() throws IOException {
      MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse> export =
          MethodDescriptor.<ExportTraceServiceRequest, ExportTraceServiceResponse>newBuilder()
              .setType(MethodDescriptor.MethodType.UNARY)
              .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
              .setRequestMarshaller(ProtoUtils.marshaller(ExportTraceServiceRequest.getDefaultInstance()))
              .setResponseMarshaller(ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
              .build();
      ServerServiceDefinition service =
          ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
              .addMethod(export, ServerCalls.asyncUnaryCall((request, observer) -> {
                observer.onNext(ExportTraceServiceResponse.getDefaultInstance());
                observer.onCompleted();
                received.add(request);
              }))
              .build();
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    }

    String endpoint() {
      return "http://127.0.0.1:" + server.getPort();
    }

    @Override
    public void close() {
      server.shutdownNow();
    }
  }

  static String attribute(Span span, String key) {
    return span.getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(kv -> kv.getValue().hasStringValue() ? kv.getValue().getStringValue() : kv.getValue().toString().trim())
        .findFirst()
        .orElse(null);
  }
}
