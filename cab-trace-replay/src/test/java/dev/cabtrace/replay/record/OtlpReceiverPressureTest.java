package dev.cabtrace.replay.record;

import static dev.cabtrace.replay.record.OtlpRequests.post;
import static dev.cabtrace.replay.record.OtlpRequests.postBytes;
import static dev.cabtrace.replay.record.OtlpRequests.request;
import static dev.cabtrace.replay.record.OtlpRequests.traces;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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

/**
 * The OTLP receiver of {@code record} under pressure: a sender faster than the disk, clients that
 * stall mid-request, exports still arriving at close, bodies over its memory budget.
 */
@Timeout(120)
class OtlpReceiverPressureTest {

  @TempDir Path dir;

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
        long used = usedHeap();
        if (used >= 1L << 30) {
          // Garbage counts in the heap used until a collection: with the default maximum heap (a
          // quarter of the machine's memory), G1 may let it pass 1 GB. What is held is what is left
          // after one.
          System.gc();
          used = usedHeap();
        }
        peakHeap = Math.max(peakHeap, used);
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
   * An export larger than the room left in the capture queue is refused whole (429, counted), not
   * taken in part with the rest dropped, and taken whole when retried once there is room.
   */
  @Test
  void anExportLargerThanTheRoomLeftIsRefusedWholeAndTakenWhenRetried() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch diskBack = new CountDownLatch(1);
    AtomicLong exported = new AtomicLong();
    SpanExporter stalledDisk = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        writing.countDown();
        try {
          diskBack.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return CompletableResultCode.ofFailure();
        }
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
    try (CabTraceSdk sdk = CabTraceSdk.builder().addSpanExporter(stalledDisk)
            .setMaxBlockTime(java.time.Duration.ofMillis(1)).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false)) {
      HttpClient client = HttpClient.newHttpClient();
      String protobuf = "application/x-protobuf";
      assertThat(post(client, traces(receiver), protobuf, request(1, 0, 5000).toByteArray()).statusCode()).isEqualTo(200);
      writing.await(); // the queue of 8192 holds the 5000 spans but the first export's, in the room of 4096
      assertThat(post(client, traces(receiver), protobuf, request(3, 0, 5000).toByteArray()).statusCode())
          .isEqualTo(200);
      byte[] second = request(2, 0, 5000).toByteArray();

      HttpResponse<String> refused = post(client, traces(receiver), protobuf, second);

      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(receiver.refusedRequests()).isEqualTo(1);
      assertThat(sdk.undeliveredCopies()).as("spans dropped").isZero();
      diskBack.countDown();
      while (post(client, traces(receiver), protobuf, second).statusCode() != 200) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // as a sender's back-off, not to wait for anything
      }
      // Closed, not flushed: a flush asks for room in the queue within the block time of 1 ms,
      // which the retried export's 5,000 spans may still hold; close exports all that is queued.
      sdk.close();
      assertThat(sdk.undeliveredCopies()).as("spans dropped").isZero();
      assertThat(receiver.receivedSpans()).isEqualTo(15_000);
      assertThat(exported.get()).isEqualTo(15_000);
    }
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
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
   * A gRPC export whose message has not all arrived is in flight from its headers on, so that the
   * receiver is not quiet, and is counted as cut off when the receiver closes.
   */
  @Test
  @Timeout(30)
  void aGrpcExportStillArrivingIsInFlightAndCountedAsCutOffAtClose() throws Exception {
    // Client streaming on this side only (the wire does not say), as a unary call's headers wait for its message.
    io.grpc.MethodDescriptor<byte[], byte[]> export = io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING)
        .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
        .setRequestMarshaller(new RawBytes())
        .setResponseMarshaller(new RawBytes())
        .build();
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("grpc-cut.jsonl")).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", true)) {
      io.grpc.ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
          .forAddress("127.0.0.1", receiver.grpcPort()).usePlaintext().build();
      try {
        CompletableFuture<io.grpc.Status> ended = new CompletableFuture<>();
        io.grpc.ClientCall<byte[], byte[]> call = channel.newCall(export, io.grpc.CallOptions.DEFAULT);
        call.start(new io.grpc.ClientCall.Listener<>() {
          @Override
          public void onClose(io.grpc.Status status, io.grpc.Metadata trailers) {
            ended.complete(status);
          }
        }, new io.grpc.Metadata());
        call.request(1); // headers sent; the message never is
        awaitCount(receiver::inFlight, 1);

        receiver.close();

        assertThat(receiver.inFlight()).isZero();
        assertThat(receiver.cutOffRequests()).isEqualTo(1);
        assertThat(receiver.malformedRequests()).isZero();
        assertThat(ended.get().isOk()).isFalse();
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /** A gRPC message's bytes as they are. */
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
   * A request read whole but not yet taken when the receiver closes (it waits to be decoded) is cut
   * off, not taken after close began: close waits for its handler, so the counts it leaves are final.
   */
  @Test
  @Timeout(30)
  void aRequestReadWholeButNotYetTakenAtCloseIsCutOffBeforeCloseReturns() throws Exception {
    Semaphore decoding = new Semaphore(0);
    byte[] body = request(0, 0, 3).toByteArray();
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("closing.jsonl")).setEnvironment(Map.of()).build();
        OtlpReceiver receiver = OtlpReceiver.start(sdk, "127.0.0.1", false, OtlpReceiver.BODY_DEADLINE,
            new Semaphore(OtlpReceiver.BODY_BUDGET_BYTES / 1024), decoding);
        java.net.Socket client = new java.net.Socket("127.0.0.1", receiver.httpPort())) {
      java.io.OutputStream out = client.getOutputStream();
      out.write(("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      awaitCount(decoding::getQueueLength, 1);

      Thread closing = new Thread(receiver::close);
      closing.start();
      awaitClosedByPeer(client); // close has begun
      decoding.release();
      closing.join();

      assertThat(receiver.cutOffRequests()).isEqualTo(1);
      assertThat(receiver.receivedSpans()).isZero();
      assertThat(receiver.inFlight()).isZero();
      assertThat(sdk.flush()).isTrue();
      assertThat(sdk.capturedSpans()).as("spans of a request cut off").isZero();
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

  /** Waits until the other end closes {@code socket}'s connection. */
  private static void awaitClosedByPeer(java.net.Socket socket) throws java.io.IOException {
    try {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    } catch (java.net.SocketException reset) {
      // Closed too.
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
}
