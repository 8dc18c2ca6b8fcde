package dev.cabtrace.replay.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.rpc.RetryInfo;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.replay.internal.OtlpJsonRequest;
import dev.cabtrace.replay.internal.ProtoSpans;
import dev.cabtrace.sdk.CabTraceSdk;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * An OTLP trace receiver inside {@code cab-trace record}: OTLP/HTTP ({@code POST /v1/traces},
 * protobuf or JSON, gzip or not) and OTLP/gRPC ({@code TraceService/Export}), protobuf read
 * straight into span data by {@link ProtoSpans} (JSON through the official {@code
 * opentelemetry-proto} classes first), each span handed to the cell's SDK (capture file, journal,
 * redaction, exporters). Back-pressure as the OTLP specification asks: when the capture
 * queue has no room, HTTP 429 with {@code Retry-After} and gRPC {@code RESOURCE_EXHAUSTED} with
 * {@code RetryInfo}, so the sender retries instead of this process buffering without bound. A
 * malformed request gets 400 / {@code INVALID_ARGUMENT}, one of another content type 415, and both
 * are counted. A span with bad ids is rejected alone and counted: the others are taken, and the
 * answer is OTLP's partial success, saying how many were rejected and why. A request whose body
 * has not all arrived {@link #BODY_DEADLINE} after its head is cut off and counted as malformed, so
 * that clients that stall mid-request cannot hold every thread that reads requests. The bodies read
 * at once are bounded by {@link #BODY_BUDGET_BYTES} (a body without a plain Content-Length counts as
 * {@link #MAX_BODY_BYTES}): a request that would go over it waits, unread, until earlier ones are taken.
 */
public final class OtlpReceiver implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(OtlpReceiver.class.getName());
  static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
  private static final int HANDLER_THREADS = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
  /**
   * Threads reading OTLP/HTTP requests, which mostly wait on their sockets (the JDK server reads a
   * request's head on them too, for which it has no timeout), so that a few clients that stall
   * cannot take them all. Decoding and taking the spans stays at {@link #HANDLER_THREADS} at once.
   */
  static final int HTTP_THREADS = 16;
  /**
   * The bytes of OTLP/HTTP bodies read and not yet taken, at most: each of the {@link #HTTP_THREADS}
   * may read up to {@link #MAX_BODY_BYTES}, and all at once they would run the heap out.
   */
  static final int BODY_BUDGET_BYTES = 2 * MAX_BODY_BYTES;
  /** How long a request's body may take to arrive: three times an OTLP exporter's default timeout. */
  static final Duration BODY_DEADLINE = Duration.ofSeconds(30);

  private final CabTraceSdk sdk;
  private final HttpServer http;
  private final Server grpc;
  private final ExecutorService handlers;
  private final ThreadPoolExecutor httpReaders;
  private final Semaphore decoding;
  private final ScheduledThreadPoolExecutor bodyDeadlines;
  private final Duration bodyDeadline;
  private final Semaphore bodyBudget;
  private final int bodyBudgetKib;
  private final AtomicLong receivedSpans = new AtomicLong();
  private final AtomicLong refusedRequests = new AtomicLong();
  private final AtomicLong malformedRequests = new AtomicLong();
  private final AtomicLong rejectedSpans = new AtomicLong();
  private final AtomicLong cutOffRequests = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * Starts receiving into {@code sdk} on {@code listenAddress} (ephemeral ports): OTLP/HTTP always,
   * OTLP/gRPC when {@code withGrpc}.
   */
  public static OtlpReceiver start(CabTraceSdk sdk, String listenAddress, boolean withGrpc) throws IOException {
    return start(sdk, listenAddress, withGrpc, BODY_DEADLINE);
  }

  /** As {@link #start(CabTraceSdk, String, boolean)}, a request body cut off past {@code bodyDeadline}. */
  static OtlpReceiver start(CabTraceSdk sdk, String listenAddress, boolean withGrpc, Duration bodyDeadline)
      throws IOException {
    return start(sdk, listenAddress, withGrpc, bodyDeadline, new Semaphore(BODY_BUDGET_BYTES / 1024));
  }

  /**
   * As {@link #start(CabTraceSdk, String, boolean, Duration)}, the bodies read at once bounded by
   * {@code bodyBudgetKib}, whose permits, all free, are KiB.
   */
  static OtlpReceiver start(CabTraceSdk sdk, String listenAddress, boolean withGrpc, Duration bodyDeadline,
      Semaphore bodyBudgetKib) throws IOException {
    return start(sdk, listenAddress, withGrpc, bodyDeadline, bodyBudgetKib, new Semaphore(HANDLER_THREADS));
  }

  /**
   * As {@link #start(CabTraceSdk, String, boolean, Duration, Semaphore)}, the OTLP/HTTP requests
   * decoded and taken at once bounded by the permits of {@code decoding}.
   */
  static OtlpReceiver start(CabTraceSdk sdk, String listenAddress, boolean withGrpc, Duration bodyDeadline,
      Semaphore bodyBudgetKib, Semaphore decoding) throws IOException {
    return new OtlpReceiver(sdk, listenAddress, withGrpc, bodyDeadline, bodyBudgetKib, decoding);
  }

  private OtlpReceiver(CabTraceSdk sdk, String listenAddress, boolean withGrpc, Duration bodyDeadline,
      Semaphore bodyBudget, Semaphore decoding) throws IOException {
    this.sdk = sdk;
    this.decoding = decoding;
    this.bodyDeadline = bodyDeadline;
    this.bodyBudget = bodyBudget;
    this.bodyBudgetKib = bodyBudget.availablePermits();
    // A few threads for gRPC requests, which Netty has read whole: more would only take the cores
    // from the capture writer, which all spans wait for. Requests beyond them wait unread.
    this.handlers = Executors.newFixedThreadPool(HANDLER_THREADS, daemons("cab-trace-otlp-"));
    this.httpReaders = new ThreadPoolExecutor(HTTP_THREADS, HTTP_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemons("cab-trace-otlp-http-"));
    httpReaders.allowCoreThreadTimeOut(true);
    this.bodyDeadlines = new ScheduledThreadPoolExecutor(1, daemons("cab-trace-otlp-deadline-"));
    bodyDeadlines.setRemoveOnCancelPolicy(true);
    this.http = HttpServer.create(new InetSocketAddress(listenAddress, 0), 256);
    http.setExecutor(httpReaders);
    http.createContext("/v1/traces", this::handleHttp);
    http.start();
    // gRPC (Netty) takes about a second to start: only when the command is handed the gRPC receiver.
    this.grpc = withGrpc ? startGrpc(listenAddress) : null;
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger threads = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private Server startGrpc(String listenAddress) throws IOException {
    ServerServiceDefinition service = GrpcTraceService.of(this);
    return NettyServerBuilder.forAddress(new InetSocketAddress(listenAddress, 0))
        .maxInboundMessageSize((int) MAX_BODY_BYTES)
        .executor(handlers)
        .addService(ServerInterceptors.intercept(service, new GrpcCallsInFlight(inFlight, cutOffRequests, closed::get)))
        .build()
        .start();
  }

  /** The port of OTLP/HTTP. */
  public int httpPort() {
    return http.getAddress().getPort();
  }

  /** The port of OTLP/gRPC, or -1 when it was not started. */
  public int grpcPort() {
    return grpc == null ? -1 : grpc.getPort();
  }

  public long receivedSpans() {
    return receivedSpans.get();
  }

  public long refusedRequests() {
    return refusedRequests.get();
  }

  public long malformedRequests() {
    return malformedRequests.get();
  }

  /** Spans left out of requests that were otherwise taken, for their bad ids. */
  public long rejectedSpans() {
    return rejectedSpans.get();
  }

  /**
   * Requests not yet handed to the SDK when the receiver closed (still arriving, or read and not
   * yet decoded), cut off: none of their spans was taken, and the sender got no answer.
   */
  public long cutOffRequests() {
    return cutOffRequests.get();
  }

  /**
   * Waits, at most {@code grace}, until no request is in flight and no span has arrived for a
   * moment: a command's SDK may still be sending when its process has exited. Gives up as soon as
   * {@code giveUp} says so (a stopped record must close its capture).
   */
  void awaitQuiet(Duration grace, BooleanSupplier giveUp) {
    long deadline = System.nanoTime() + grace.toNanos();
    long quietSince = System.nanoTime();
    long seen = receivedSpans();
    while (System.nanoTime() - deadline < 0 && !giveUp.getAsBoolean()) {
      long now = System.nanoTime();
      long received = receivedSpans();
      if (received != seen || inFlight() > 0) {
        seen = received;
        quietSince = now;
      } else if (now - quietSince >= TimeUnit.MILLISECONDS.toNanos(200)) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /** Requests in flight: over OTLP/HTTP being read or handled, over gRPC from their headers on. */
  public int inFlight() {
    return inFlight.get();
  }

  /** What became of a request read whole. */
  enum Taking {
    TAKEN,
    /** The capture queue had no room: the sender is asked to retry. */
    REFUSED,
    /** The receiver had closed: none of its spans is taken, and the sender gets no answer. */
    CUT_OFF
  }

  /** Whether the receiver has closed, the request then counted as cut off. */
  boolean cutOffOnceClosed() {
    if (!closed.get()) {
      return false;
    }
    cutOffRequests.incrementAndGet();
    return true;
  }

  /**
   * Hands the good spans of one request to the SDK, all or none, unless the receiver has closed.
   * The rejected ones are counted once the request is taken, not on each retry.
   */
  Taking take(ProtoSpans.Received received) {
    // Checked here, past every wait, and close() waits for the handlers: a request either reaches
    // the SDK before close returns or is cut off, and is counted before close returns either way.
    if (cutOffOnceClosed()) {
      return Taking.CUT_OFF;
    }
    List<SpanData> spans = received.spans();
    if (!spans.isEmpty() && !sdk.ingest(spans)) {
      refusedRequests.incrementAndGet();
      return Taking.REFUSED;
    }
    receivedSpans.addAndGet(spans.size());
    if (received.rejectedSpans() > 0) {
      rejected(received);
    }
    return Taking.TAKEN;
  }

  private void rejected(ProtoSpans.Received received) {
    long before = rejectedSpans.getAndAdd(received.rejectedSpans());
    long count = before + received.rejectedSpans();
    // Logged the first time and then as the count passes each power of two, like malformed requests.
    if (Long.numberOfLeadingZeros(before) != Long.numberOfLeadingZeros(count)) {
      // Not which ones: their names are the agent's text, unredacted here (the sender is told).
      logger.warning("cab-trace record: rejected " + count + " OTLP span(s) with bad ids so far; the sender was"
          + " told which, in OTLP's partial success answer");
    }
  }

  void malformed(String why) {
    long count = malformedRequests.incrementAndGet();
    if (count == 1 || Long.bitCount(count) == 1) {
      logger.warning("cab-trace record: refused " + count + " malformed OTLP request(s) so far: " + why);
    }
  }

  private void handleHttp(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      String mediaType = OtlpAnswers.mediaType(contentType);
      boolean json = OtlpAnswers.JSON_TYPE.equals(mediaType);
      if (!json && !OtlpAnswers.PROTOBUF_TYPE.equals(mediaType)) {
        String why = contentType == null ? "no Content-Type" : "unsupported Content-Type " + contentType;
        malformed(why);
        OtlpAnswers.error(exchange, 415, false, why + ": OTLP/HTTP is " + OtlpAnswers.PROTOBUF_TYPE + " or "
            + OtlpAnswers.JSON_TYPE);
        return;
      }
      inFlight.incrementAndGet();
      try {
        int kib = Math.min(RequestBody.budgetKib(exchange), bodyBudgetKib);
        // Neither wait is interrupted (not even by close): each ends as the requests before it are
        // taken or cut off, which their bounded reads, decoding and hand-over ensure.
        bodyBudget.acquireUninterruptibly(kib);
        ProtoSpans.Received received;
        Taking taking;
        try {
          byte[] body = readInTime(exchange, json);
          if (body == null) {
            return;
          }
          decoding.acquireUninterruptibly();
          try {
            // Cut off without decoding once closed: close() waits for it, and would for nothing.
            received = cutOffOnceClosed() ? null : decode(exchange, json, body);
            taking = received == null ? null : take(received);
          } finally {
            decoding.release();
          }
        } finally {
          bodyBudget.release(kib);
        }
        if (taking == Taking.TAKEN || taking == Taking.REFUSED) {
          OtlpAnswers.taken(exchange, json, received, taking == Taking.TAKEN);
        }
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  /**
   * The request's body; null when it could not be read whole before its deadline or the receiver's
   * close, counted and answered if it still can be.
   */
  private byte[] readInTime(HttpExchange exchange, boolean json) throws IOException {
    BodyDeadline deadline = new BodyDeadline(bodyDeadlines, bodyDeadline, exchange);
    try {
      byte[] body = RequestBody.read(exchange);
      if (deadline.met()) {
        return body;
      }
    } catch (IOException e) {
      if (deadline.met()) {
        if (closed.get()) {
          // close() cut the connection (or the sender, just then): no one to answer.
          cutOffRequests.incrementAndGet();
        } else {
          malformed(describe(e));
          OtlpAnswers.error(exchange, 400, json, "malformed OTLP request: " + e.getMessage());
        }
        return null;
      }
    }
    // Closed by the deadline: there is no one to answer.
    malformed("the body did not arrive within " + bodyDeadline.toMillis() + " ms");
    return null;
  }

  /** The request's spans; null when it is malformed, counted and answered. */
  private ProtoSpans.Received decode(HttpExchange exchange, boolean json, byte[] body) throws IOException {
    try {
      return ProtoSpans.of(json ? OtlpJsonRequest.toProtobuf(body) : body, json);
    } catch (IOException | ProtoSpans.Malformed | RuntimeException e) { // bad JSON is an IOException
      malformed(describe(e));
      OtlpAnswers.error(exchange, 400, json, "malformed OTLP request: " + e.getMessage());
      return null;
    }
  }

  /** The failure in one line: its class and its message, which Jackson's goes on with a line of where. */
  static String describe(Exception e) {
    String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.replaceAll("\\s*\\R\\s*", " "));
  }

  /**
   * Stops receiving. Requests not yet handed to the SDK are cut off and counted ({@link
   * #cutOffRequests}); those being handed over are waited for, so that when this returns every
   * span the receiver took is in the SDK, which may then be closed, and the counts are final.
   * Calling it again does nothing.
   *
   * <p>It returns soon: their connections closed, requests still arriving fail at once, and a
   * request read whole is decoded and handed over (at most half a second) or cut off.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    http.stop(0);
    if (grpc != null) {
      grpc.shutdownNow();
    }
    // Not shutdownNow: an interrupted handler could not hand its spans over, all or none.
    httpReaders.shutdown();
    try {
      if (grpc != null) {
        // Before its executor is shut down, which must take the calls' last tasks.
        grpc.awaitTermination();
      }
      handlers.shutdown();
      awaitTermination(httpReaders);
      awaitTermination(handlers);
    } catch (InterruptedException e) {
      // The caller gave up waiting: the counts may still change.
      Thread.currentThread().interrupt();
    } finally {
      handlers.shutdown();
      bodyDeadlines.shutdownNow();
    }
  }

  private static void awaitTermination(ExecutorService executor) throws InterruptedException {
    while (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
      logger.warning("cab-trace record: still waiting for the OTLP requests in flight at close");
    }
  }
}
