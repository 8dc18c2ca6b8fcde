package dev.cabtrace.examples.bench;

import dev.cabtrace.replay.record.OtlpReceiver;
import dev.cabtrace.sdk.CabTraceSdk;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Spans per second into the capture file through {@code cab-trace record}'s OTLP receiver (the
 * spans an agent's OpenTelemetry SDK made, marshalled by the official OTLP marshaler, posted over
 * OTLP/HTTP protobuf on loopback from 4 keep-alive connections by a load generator as light as wrk,
 * and the same bytes over OTLP/gRPC from 4 threads on one channel), next to the same spans created
 * in-process through the cab-trace SDK from 4 threads, in the same run, with the same capture
 * pipeline (batch processor, redaction, file) on every side (target: receiver ≥ 0.5× in-process).
 * The agent's own cost of making and marshalling its spans is not counted on either side.
 *
 * <p>Not measured here: the official Java exporter sends one batch at a time and, on loopback,
 * takes about 50 ms per 512-span request against any server (a trivial one included), so an agent
 * using it is limited by its exporter to about 10,000 spans/s, not by the receiver.
 *
 * <p>A round measures the three one after the other; after a round to warm up, the median of
 * five rounds (and the range of each ratio) is printed.
 *
 * <pre>java -cp examples/target/cab-trace-examples.jar dev.cabtrace.examples.bench.RecordBenchmark [SPANS [ROUNDS]]</pre>
 */
public final class RecordBenchmark {

  private static final int THREADS = 4;

  public static void main(String[] args) throws Exception {
    int spans = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<byte[]> requests = marshalledRequests(spans);
    // One round to warm up, then rounds of the three side by side: on a shared machine a single
    // measurement of each says more about the neighbours than about the receiver.
    double[] inProcess = new double[rounds];
    double[] http = new double[rounds];
    double[] grpc = new double[rounds];
    double[] httpRatio = new double[rounds];
    double[] grpcRatio = new double[rounds];
    for (int round = -1; round < rounds; round++) {
      double local = inProcess(spans);
      double overHttp = throughReceiver(requests, spans);
      double overGrpc = throughGrpcReceiver(requests, spans);
      if (round >= 0) {
        inProcess[round] = local;
        http[round] = overHttp;
        grpc[round] = overGrpc;
        httpRatio[round] = overHttp / local;
        grpcRatio[round] = overGrpc / local;
      }
    }
    System.out.printf("%,d spans from %d threads, median of %d rounds: in-process %,.0f spans/s; through the OTLP/HTTP"
        + " receiver %,.0f spans/s, ratio %.2fx (rounds %.2f-%.2f); through the OTLP/gRPC receiver %,.0f spans/s,"
        + " ratio %.2fx (rounds %.2f-%.2f) (target >= 0.5x)%n",
        spans, THREADS, rounds, median(inProcess), median(http), median(httpRatio), min(httpRatio), max(httpRatio),
        median(grpc), median(grpcRatio), min(grpcRatio), max(grpcRatio));
    System.exit(0);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static double min(double[] values) {
    return java.util.Arrays.stream(values).min().orElse(0);
  }

  private static double max(double[] values) {
    return java.util.Arrays.stream(values).max().orElse(0);
  }

  private static double inProcess(int spans) throws Exception {
    Path capture = Files.createTempFile("cab-trace-record-bench-", ".jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setCrashJournal(false)
        .setEnvironment(Map.of()).build()) {
      settle();
      long start = System.nanoTime();
      run(sdk.openTelemetry().getTracer("agent"), spans);
      sdk.flush();
      check(sdk.capturedSpans(), spans, "in-process");
      return spans / ((System.nanoTime() - start) / 1e9);
    } finally {
      Files.deleteIfExists(capture);
    }
  }

  /**
   * The same spans, made by the official SDK in the agent's place and marshalled by the official
   * OTLP marshaler into requests of 512 (the exporter's default batch), posted from as many
   * threads over OTLP/HTTP protobuf into the receiver, until the capture file holds them all.
   */
  private static double throughReceiver(List<byte[]> requests, int spans) throws Exception {
    Path capture = Files.createTempFile("cab-trace-record-bench-", ".jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setCrashJournal(false)
            .setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false)) {
      int port = receiver.httpPort();
      settle();
      return sendFromThreads(sdk, spans, "through the receiver", first -> {
        // A load generator as light as wrk: pre-built requests on one keep-alive connection, so
        // that the 2 cores go to the receiver, not to an HTTP client library.
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
          for (int i = first; i < requests.size(); i += THREADS) {
            connection.post("/v1/traces", "application/x-protobuf", requests.get(i));
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    } finally {
      Files.deleteIfExists(capture);
    }
  }

  /** The same requests over OTLP/gRPC, one channel, from as many threads. */
  private static double throughGrpcReceiver(List<byte[]> requests, int spans) throws Exception {
    // The same pre-marshalled bytes as over HTTP, so that the load generator does not marshal
    // protobuf messages again on each call: the receiver gets the same bytes either way.
    MethodDescriptor<byte[], ExportTraceServiceResponse> export =
        MethodDescriptor.<byte[], ExportTraceServiceResponse>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
            .setRequestMarshaller(new RawBytes())
            .setResponseMarshaller(ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
            .build();
    Path capture = Files.createTempFile("cab-trace-record-bench-", ".jsonl");
    ManagedChannel channel = null;
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setCrashJournal(false)
            .setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", true)) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", receiver.grpcPort()).usePlaintext().build();
      ManagedChannel open = channel;
      settle();
      return sendFromThreads(sdk, spans, "through the gRPC receiver", first -> {
        for (int i = first; i < requests.size(); i += THREADS) {
          while (true) {
            try {
              ClientCalls.blockingUnaryCall(open, export, CallOptions.DEFAULT, requests.get(i));
              break;
            } catch (io.grpc.StatusRuntimeException e) {
              if (e.getStatus().getCode() != io.grpc.Status.Code.RESOURCE_EXHAUSTED) {
                throw e;
              }
              java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
          }
        }
      });
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
      Files.deleteIfExists(capture);
    }
  }

  /** A request body sent as it is. */
  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public java.io.InputStream stream(byte[] value) {
      return new KnownBytes(value);
    }

    @Override
    public byte[] parse(java.io.InputStream stream) {
      throw new UnsupportedOperationException("the load generator only sends");
    }
  }

  /** Bytes gRPC writes to the wire in one go, their length known up front. */
  private static final class KnownBytes extends java.io.ByteArrayInputStream
      implements io.grpc.KnownLength, io.grpc.Drainable {
    KnownBytes(byte[] bytes) {
      super(bytes);
    }

    @Override
    public int drainTo(java.io.OutputStream target) throws java.io.IOException {
      int length = count - pos;
      target.write(buf, pos, length);
      pos = count;
      return length;
    }
  }

  /**
   * Collects the garbage of preparing requests before the clock starts, so that neither side pays
   * for the load generator's preparation.
   */
  private static void settle() {
    System.gc();
  }

  /** One keep-alive HTTP/1.1 connection that posts bodies and reads status and body back. */
  private static final class RawHttpConnection implements AutoCloseable {
    private final java.net.Socket socket;
    private final java.io.BufferedInputStream in;
    private final java.io.OutputStream out;

    RawHttpConnection(int port) throws java.io.IOException {
      socket = new java.net.Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      in = new java.io.BufferedInputStream(socket.getInputStream());
      out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    void post(String path, String contentType, byte[] body) throws java.io.IOException {
      byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
          + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      while (true) {
        out.write(head);
        out.write(body);
        out.flush();
        String status = line();
        long length = 0;
        for (String header = line(); !header.isEmpty(); header = line()) {
          if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
            length = Long.parseLong(header.substring(15).trim());
          }
        }
        in.skipNBytes(length);
        if (status.startsWith("HTTP/1.1 200")) {
          return;
        }
        if (!status.startsWith("HTTP/1.1 429")) {
          throw new IllegalStateException("receiver answered " + status);
        }
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    }

    private String line() throws java.io.IOException {
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new java.io.EOFException("receiver closed the connection");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
    }
  }

  /**
   * Runs {@code send} on {@link #THREADS} threads (thread t sends requests t, t + THREADS, ...),
   * then waits until the capture holds every span: spans per second.
   */
  private static double sendFromThreads(CabTraceSdk sdk, int spans, String path, java.util.function.IntConsumer send)
      throws InterruptedException {
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int first = t;
      Thread thread = new Thread(() -> send.accept(first));
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    sdk.flush();
    double rate = spans / ((System.nanoTime() - start) / 1e9);
    check(sdk.capturedSpans(), spans, path);
    return rate;
  }

  /** What an agent's OTLP exporter would send: its spans, 512 to a request, as protobuf. */
  private static List<byte[]> marshalledRequests(int spans) throws Exception {
    // Not a CopyOnWriteArrayList: copying it on each of 400,000 ends took a minute.
    InMemorySpanExporter collected = InMemorySpanExporter.create();
    SdkTracerProvider agent = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(collected))
        .build();
    run(agent.get("agent"), spans);
    // Taken before the provider closes: InMemorySpanExporter forgets its spans when shut down.
    List<SpanData> ended = collected.getFinishedSpanItems();
    agent.close();
    List<byte[]> requests = new ArrayList<>();
    for (int i = 0; i < ended.size(); i += 512) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TraceRequestMarshaler.create(ended.subList(i, Math.min(ended.size(), i + 512))).writeBinaryTo(out);
      requests.add(out.toByteArray());
    }
    return requests;
  }

  private static void run(Tracer tracer, int spans) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < spans / THREADS; i++) {
          tracer.spanBuilder("tool_call").setAttribute("cab.span.kind", "tool_call")
              .setAttribute("gen_ai.tool.name", "bash").setAttribute("i", (long) i).startSpan().end();
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }

  private static void check(long captured, int spans, String what) {
    if (captured != spans) {
      throw new IllegalStateException(what + ": captured " + captured + " of " + spans + " spans");
    }
  }

  private RecordBenchmark() {}
}
