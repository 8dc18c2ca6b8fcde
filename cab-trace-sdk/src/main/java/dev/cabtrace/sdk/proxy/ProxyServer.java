package dev.cabtrace.sdk.proxy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The proxy's HTTP/1.1 server: a thread per open connection from a pool that grows as connections
 * come and shrinks when they go, so no number of concurrent streams can starve another (the JDK's
 * HttpServer shares one executor between accepting and handling, and needs a JVM-wide property for
 * TCP_NODELAY). Past {@code maxExchanges} exchanges at once a request is answered 429 with {@code
 * Retry-After} at once; connections beyond what the pool takes are answered the same way by two
 * spare threads, so nothing waits without bound. Every socket has TCP_NODELAY set, per socket. A
 * write to a client that makes no progress for the client write timeout (the client has stopped
 * reading) closes its connection, so that it gives its thread and its permit back.
 */
final class ProxyServer implements AutoCloseable {

  /** Handles one exchange; the response must be started (or aborted) before it returns. */
  interface Handler {
    void handle(IncomingRequest request, ClientResponse response) throws IOException;

    /** Cuts off the exchanges still being handled, whatever they wait on; called on close if any are. */
    default void cutOff() {}

    /** Called once, when the server has closed: no exchange is handled any more. */
    default void closed() {}
  }

  private static final Logger logger = Logger.getLogger(ProxyServer.class.getName());

  /** Every method but CONNECT is forwarded. */
  private static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

  private static final int IDLE_TIMEOUT_MILLIS = 120_000;
  private static final int OVERFLOW_TIMEOUT_MILLIS = 5_000;
  private static final long EVICTION_WAIT_MILLIS = 1_000;
  private static final long ENDING_WAIT_MILLIS = 500;
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  private final ServerSocket serverSocket;
  private final Handler handler;
  private final StallWatchdog clientWrites;
  private final int maxExchanges;
  private final Semaphore exchanges;
  private final ThreadPoolExecutor connections;
  private final ThreadPoolExecutor overflow;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  // Kept-alive connections waiting for their next request, with when they began to: when every
  // thread is taken, the longest waiting is closed for a new connection, rather than the new one
  // refused while idle ones hold the threads (a client that opens a connection a call, and leaves
  // each open, would otherwise be refused after a few dozen calls).
  private final Map<Socket, Long> idleSince = new ConcurrentHashMap<>();
  private final AtomicLong rejected = new AtomicLong();
  private final Thread acceptor;
  private volatile boolean closed;

  ProxyServer(InetSocketAddress address, int maxExchanges, Duration clientWriteTimeout, Handler handler)
      throws IOException {
    this.handler = handler;
    this.clientWrites = new StallWatchdog(clientWriteTimeout, "cab-trace-proxy-client-watchdog");
    this.maxExchanges = maxExchanges;
    this.exchanges = new Semaphore(maxExchanges);
    this.serverSocket = new ServerSocket();
    serverSocket.setReuseAddress(true);
    serverSocket.bind(address, 4096);
    this.connections = new ThreadPoolExecutor(0, 2 * maxExchanges + 16, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), daemons("cab-trace-proxy-"));
    this.overflow = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(4096), daemons("cab-trace-proxy-overflow-"));
    this.acceptor = daemons("cab-trace-proxy-accept-").newThread(this::acceptLoop);
  }

  void start() {
    acceptor.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  /** Requests answered 429 because the proxy was at its limit. */
  long rejectedRequests() {
    return rejected.get();
  }

  /** Connections kept alive and waiting for their next request. */
  int idleConnections() {
    return idleSince.size();
  }

  @Override
  public void close() {
    closed = true;
    try {
      serverSocket.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    connections.shutdown();
    overflow.shutdown();
    try {
      // An exchange that was ending (its answer all sent) ends in a moment and is kept whole. One
      // still waiting on its upstream half a second later is cut off: its thread interrupted (which
      // wakes a wait for the answer's head) and the body it relays closed (a read of which ignores
      // interrupts on some JDKs). Either way its span has ended when this returns (at most 2.5 s).
      if (!connections.awaitTermination(ENDING_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        handler.cutOff();
        connections.shutdownNow();
        connections.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      }
      overflow.shutdownNow();
      overflow.awaitTermination(ENDING_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      clientWrites.close();
      handler.closed();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      try {
        socket.setTcpNoDelay(true);
      } catch (SocketException e) {
        // only slower
      }
      open.add(socket);
      try {
        executeClosingAnIdleIfFull(() -> serve(socket));
      } catch (RejectedExecutionException full) {
        try {
          overflow.execute(() -> refuse(socket));
        } catch (RejectedExecutionException e) {
          open.remove(socket);
          closeQuietly(socket);
        }
      }
    }
  }

  /**
   * Runs {@code task} on a connection thread; when every one is taken, closes the connection idle
   * the longest and waits a moment for its thread. Rejected when none is idle or none came free.
   */
  private void executeClosingAnIdleIfFull(Runnable task) {
    try {
      connections.execute(task);
      return;
    } catch (RejectedExecutionException full) {
      Map.Entry<Socket, Long> oldest = null;
      for (Map.Entry<Socket, Long> idle : idleSince.entrySet()) {
        if (oldest == null || idle.getValue() < oldest.getValue()) {
          oldest = idle;
        }
      }
      if (oldest == null || idleSince.remove(oldest.getKey()) == null) {
        throw full;
      }
      closeQuietly(oldest.getKey()); // its thread ends at once: it was waiting for a request
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EVICTION_WAIT_MILLIS);
    while (true) {
      try {
        connections.execute(task);
        return;
      } catch (RejectedExecutionException stillFull) {
        if (System.nanoTime() - deadline >= 0) {
          throw stillFull;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
    }
  }

  private void serve(Socket socket) {
    ClientSocketOutput connection = null;
    try (socket) {
      socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
      InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      connection = new ClientSocketOutput(socket);
      clientWrites.watch(connection);
      OutputStream out = new BufferedOutputStream(connection, 16 * 1024);
      boolean served = false;
      while (!closed) {
        IncomingRequest request;
        if (served) {
          idleSince.put(socket, System.nanoTime());
        }
        try {
          request = IncomingRequest.readHead(in);
        } catch (IncomingRequest.BadRequest e) {
          answer(out, e.status, e.getMessage(), false);
          return;
        } finally {
          idleSince.remove(socket);
        }
        served = true;
        if (request == null) {
          return;
        }
        if (!exchanges.tryAcquire()) {
          rejected.incrementAndGet();
          answer(out, 429, "cab-trace recording proxy: more than " + maxExchanges
              + " requests at once; retry later", true);
          return;
        }
        // Given back just before the client can see the answer end, not once the exchange has: a
        // client at the limit asks again as soon as it has read an answer, on this connection or
        // another, while this thread may still be ending the call's span or storing it. What is left
        // by then waits on nothing upstream, only on the client taking the answer's last bytes.
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
          if (released.compareAndSet(false, true)) {
            exchanges.release();
          }
        };
        try {
          if (!exchange(connection, in, out, request, release)) {
            return;
          }
        } finally {
          release.run();
        }
      }
    } catch (SocketTimeoutException | SocketException e) {
      // idle keep-alive connection timed out, or the client went away
    } catch (IOException e) {
      // the client went away mid-request
    } catch (RuntimeException e) {
      // A bug: the exchange already answered 500 where it could; the connection closes here.
      logger.log(Level.WARNING, "cab-trace recording proxy: a connection failed", e);
    } finally {
      if (connection != null) {
        clientWrites.unwatch(connection);
      }
      idleSince.remove(socket);
      open.remove(socket);
    }
  }

  /** One exchange, which runs {@code release} before its answer ends; whether the connection may carry another. */
  private boolean exchange(ClientSocketOutput connection, InputStream in, OutputStream out, IncomingRequest request,
      Runnable release) throws IOException {
    try {
      request.readBody(in, out);
    } catch (IncomingRequest.BadRequest e) {
      release.run();
      answer(out, e.status, e.getMessage(), false);
      return false;
    }
    ClientResponse response = new ClientResponse(connection, out, request.version.equals("HTTP/1.1"),
        request.method.equals("HEAD"), release);
    if (!request.keepAlive()) {
      response.closeAfter();
    }
    try {
      handler.handle(request, response);
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "cab-trace recording proxy: failed on " + request.method + " " + request.path(), e);
      if (response.started()) {
        response.abort(); // part of an answer is out: the client must not take it for a whole one
      } else {
        release.run();
        answer(out, 500, "cab-trace recording proxy failed on this request: " + e, false);
      }
      return false;
    }
    if (response.aborted()) {
      return false;
    }
    if (!response.started()) {
      release.run();
      answer(out, 502, "no response", false);
      return false;
    }
    response.finish();
    return !response.mustClose();
  }

  /** Answers 429 on a connection the pool had no thread for. */
  private void refuse(Socket socket) {
    try (socket) {
      socket.setSoTimeout(OVERFLOW_TIMEOUT_MILLIS);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      if (IncomingRequest.readHead(in) != null) {
        rejected.incrementAndGet();
        answer(out, 429, "cab-trace recording proxy: too many connections at once; retry later", true);
      }
    } catch (IOException e) {
      // the client went away or was too slow to say what it wanted
    } finally {
      idleSince.remove(socket);
      open.remove(socket);
    }
  }

  /**
   * A response of the proxy's own, in the shape both OpenAI and Anthropic clients read as an error;
   * the connection is closed after it.
   */
  private static void answer(OutputStream out, int status, String message, boolean retry) throws IOException {
    byte[] bytes = errorBody(status, message);
    StringBuilder head = new StringBuilder()
        .append("HTTP/1.1 ").append(status).append(' ').append(ClientResponse.reason(status)).append("\r\n")
        .append("Content-Type: application/json\r\n")
        .append("Content-Length: ").append(bytes.length).append("\r\n")
        .append("Connection: close\r\n");
    if (retry) {
      head.append("Retry-After: 1\r\n");
    }
    if (status == 405) {
      head.append("Allow: ").append(ALLOWED_METHODS).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.flush();
  }

  /** The body of a response of the proxy's own. */
  static byte[] errorBody(int status, String message) {
    StringBuilder escaped = new StringBuilder(message.length());
    for (char c : message.toCharArray()) {
      if (c == '"' || c == '\\') {
        escaped.append('\\').append(c);
      } else if (c < 0x20) {
        escaped.append(String.format("\\u%04x", (int) c));
      } else {
        escaped.append(c);
      }
    }
    return ("{\"type\":\"error\",\"error\":{\"type\":\"" + (status == 429 ? "rate_limit_error" : "proxy_error")
        + "\",\"code\":\"cab_trace_proxy\",\"message\":\"" + escaped + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  private static java.util.concurrent.ThreadFactory daemons(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
