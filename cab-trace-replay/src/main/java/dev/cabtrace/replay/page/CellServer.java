package dev.cabtrace.replay.page;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.replay.internal.IoFailures;
import dev.cabtrace.replay.read.TraceChangedException;
import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A read-only local web server for the captures under a directory: {@code /} lists the cells (one
 * row per {@code *.jsonl}, recursively: agent, model, task, pass, tokens, duration, or the file's
 * one-line error) and {@code /cell/PATH} is the page of one capture, generated on request.
 *
 * <pre>{@code
 * try (CellServer server = CellServer.builder(Path.of("runs")).setPort(0).build().start()) {
 *   System.out.println(server.uri());
 * }
 * }</pre>
 *
 * <p>Only GET and HEAD are answered (405 otherwise). Nothing outside the directory can be
 * reached: a path with {@code ..}, an absolute path, an encoded separator or dot segment, or a
 * symbolic link resolving outside is refused (403), anything that is not a capture under the
 * directory is not found (404). It listens on 127.0.0.1 unless told otherwise.
 */
public final class CellServer implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(CellServer.class.getName());
  private static final String CELL_PREFIX = "/cell/";
  /**
   * Threads that read requests and send answers, which mostly wait on their sockets: the JDK
   * server reads a request's head on them, so a client that sends half a head holds one until its
   * deadline drops it, and a request waiting for a thread meanwhile has its own deadline running
   * (the JDK server counts from its first byte). Making the index and pages, which costs memory
   * and processors, stays at {@link #MAKERS} at once.
   */
  static final int READER_THREADS = 64;
  /** Requests that read captures (the index, a page) at once: a million-span trace is held while read. */
  static final int MAKERS = 4;

  private final Path root;
  private final Path realRoot;
  private final CapturePaths paths;
  private final InetAddress bindAddress;
  private final int requestedPort;
  private final CaptureReader reader;
  private final CellIndex index;
  private final Semaphore making = new Semaphore(MAKERS);
  private HttpServer server;
  private ThreadPoolExecutor executor;
  /** Where pages are made before they are sent: this server's own, removed when it closes. */
  private volatile Path pages;
  private boolean closed;

  private CellServer(Builder builder) throws IOException {
    this.root = builder.directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("not a directory: " + builder.directory);
    }
    this.realRoot = root.toRealPath();
    this.paths = new CapturePaths(realRoot);
    this.bindAddress = InetAddress.getByName(builder.bindAddress);
    this.requestedPort = builder.port;
    this.reader = builder.reader;
    this.index = new CellIndex(realRoot, reader);
  }

  /**
   * How a capture is read for its row and its page: a seam for tests, which act between a
   * capture's reading and what is made of it.
   */
  interface CaptureReader {
    Timeline read(Path file) throws TraceReadException;
  }

  /** A builder for a server of the captures under {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(Objects.requireNonNull(directory, "directory"));
  }

  private static final String MAX_REQUEST_SECONDS = "sun.net.httpserver.maxReqTime";
  private static final String MAX_RESPONSE_SECONDS = "sun.net.httpserver.maxRspTime";

  /** Starts listening; returns this. */
  public synchronized CellServer start() throws IOException {
    if (closed) {
      throw new IllegalStateException("the server was closed");
    }
    if (server != null) {
      return this;
    }
    // A request whose head is not read within this many seconds is dropped: without it,
    // connections that send half a request would hold the reader threads for good.
    // The JDK server reads the property once, when its first server is made.
    if (System.getProperty(MAX_REQUEST_SECONDS) == null) {
      System.setProperty(MAX_REQUEST_SECONDS, "5");
    }
    // And an exchange not done this many seconds after its request (the page made and sent) is
    // cut: clients that ask for a page and never read it would otherwise hold reader threads for
    // good. A page of a million spans is made in about 10 s and sent in seconds on a loopback.
    if (System.getProperty(MAX_RESPONSE_SECONDS) == null) {
      System.setProperty(MAX_RESPONSE_SECONDS, "120");
    }
    HttpServer created = HttpServer.create(new InetSocketAddress(bindAddress, requestedPort), 0);
    try {
      pages = Files.createTempDirectory("cab-trace-serve-");
    } catch (IOException e) {
      created.stop(0);
      throw e;
    }
    AtomicInteger threads = new AtomicInteger();
    executor = new ThreadPoolExecutor(READER_THREADS, READER_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        runnable -> {
          Thread thread = new Thread(runnable, "cab-trace-serve-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    executor.allowCoreThreadTimeOut(true);
    created.setExecutor(executor);
    created.createContext("/", this::handle);
    created.start();
    server = created;
    return this;
  }

  /** Where it makes pages while it runs; null once closed. */
  Path pagesDirectory() {
    return pages;
  }

  /** The port it listens on (the one chosen when asked for port 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.getAddress().getPort();
  }

  /** The address of the index, e.g. {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    String host = bindAddress.isAnyLocalAddress() ? "127.0.0.1" : bindAddress.getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** The directory it serves. */
  public Path directory() {
    return root;
  }

  /** Stops listening and drops open connections; calling it again does nothing. */
  @Override
  public synchronized void close() {
    closed = true;
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      try {
        // Pages being sent end with their connections; a page being made ends at its next write.
        executor.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }
    Path made = pages;
    if (made != null) {
      try (java.util.stream.Stream<Path> left = Files.list(made)) {
        left.forEach(page -> page.toFile().delete());
      } catch (IOException e) {
        // Nothing was made, or it is already gone.
      }
      made.toFile().delete();
      pages = null;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = "HEAD".equals(method);
      if (!isOwnHost(exchange.getRequestHeaders().getFirst("Host"))) {
        HtmlAnswers.send(exchange, 421, "Misdirected request", "This server answers for " + uri().getAuthority()
            + " and localhost only: a page from another site cannot read the traces through its own name.", head);
        return;
      }
      if (!head && !"GET".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        HtmlAnswers.send(exchange, 405, "Method not allowed", "Only GET and HEAD are answered here.", head);
        return;
      }
      try {
        route(exchange, exchange.getRequestURI().getRawPath(), head);
      } catch (RuntimeException e) {
        // A bug, not a bad capture (those are answered as such): say so in one line. Its message
        // goes to the log only: it may name files where the directory lies.
        logger.log(Level.WARNING, "cab-trace serve: " + exchange.getRequestURI().getRawPath() + " failed: " + e, e);
        HtmlAnswers.send(exchange, 500, "Internal error", "A bug (" + e.getClass().getSimpleName() + "); the server's log says more.",
            head);
      }
    }
  }

  /**
   * Whether a request's {@code Host} names this server: a loopback name or the address it is bound
   * to. A page on another site whose name an attacker points at 127.0.0.1 (DNS
   * rebinding) sends its own name, and is refused. Bound to every address ({@code --bind 0.0.0.0}),
   * any name is answered: the server was opened to the network on purpose. No Host (HTTP/1.0) is
   * no browser's request.
   */
  private boolean isOwnHost(String host) {
    if (host == null || bindAddress.isAnyLocalAddress()) {
      return true;
    }
    String name = host.trim().toLowerCase(java.util.Locale.ROOT);
    if (name.startsWith("[")) {
      int close = name.indexOf(']');
      name = close < 0 ? "" : name.substring(1, close);
    } else if (name.indexOf(':') >= 0) {
      name = name.substring(0, name.indexOf(':'));
    }
    // The name is what a rebinding page cannot fake; the port is the socket's business.
    return name.equals("localhost") || name.equals(bindAddress.getHostAddress()) || isLiteralLoopback(name);
  }

  private static boolean isLiteralLoopback(String name) {
    boolean literal = name.contains(":") || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    if (!literal || name.isEmpty()) {
      return false;
    }
    try {
      return InetAddress.getByName(name).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  private void route(HttpExchange exchange, String path, boolean head) throws IOException {
    if (path == null || path.isEmpty()) {
      HtmlAnswers.send(exchange, 400, "Bad request", "No path.", head);
    } else if (path.equals("/") || path.equals("/index.html")) {
      if (!takeTurn()) {
        return;
      }
      Path name = realRoot.getFileName();
      String html;
      try {
        html = CellIndex.html(name == null ? realRoot.toString() : name.toString(), index.rows());
      } finally {
        making.release();
      }
      HtmlAnswers.respond(exchange, 200, html, CellIndex.CONTENT_SECURITY_POLICY, head);
    } else if (path.startsWith(CELL_PREFIX)) {
      cell(exchange, path.substring(CELL_PREFIX.length()), head);
    } else {
      HtmlAnswers.send(exchange, 404, "Not found", "Nothing here: the index is at /.", head);
    }
  }

  private void cell(HttpExchange exchange, String rawRelative, boolean head) throws IOException {
    CapturePaths.Resolved resolved = paths.resolve(rawRelative);
    if (resolved.status() != 200) {
      HtmlAnswers.send(exchange, resolved.status(), resolved.status() == 403 ? "Forbidden" : "Not found", resolved.reason(), head);
      return;
    }
    String name = CapturePaths.decode(rawRelative);
    if (!takeTurn()) {
      return;
    }
    Path made;
    try {
      made = page(exchange, resolved.file(), name, head);
    } finally {
      making.release();
    }
    if (made == null) {
      return;
    }
    // Sent with no turn held: a client that reads slowly delays no other page.
    try {
      HtmlAnswers.respond(exchange, 200, made, CellPage.contentSecurityPolicy(), head);
    } finally {
      Files.deleteIfExists(made);
    }
  }

  /** The requests waiting for a turn to make a page or the index. */
  int waitingForTurn() {
    return making.getQueueLength();
  }

  /** Waits for one of the {@link #MAKERS} turns; false when the server is closing meanwhile. */
  private boolean takeTurn() {
    try {
      making.acquire();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The page of {@code file} made into a file of its own, or null when it could not be and the
   * answer saying why was sent.
   */
  private Path page(HttpExchange exchange, Path file, String name, boolean head) throws IOException {
    Timeline timeline;
    try {
      timeline = reader.read(file);
    } catch (TraceReadException e) {
      HtmlAnswers.send(exchange, 422, "Unreadable capture", String.valueOf(e.getMessage()).replace(file.toString(), name), head);
      return null;
    }
    // Made into a file first, not a string: the page of a million spans is 200 MB, and four of
    // them at once would hold a gigabyte. A failure while it is made (the capture changed: its
    // attributes are read back from it, from its summary on) is then still an answer of its own,
    // not a cut page.
    Path made;
    try {
      made = Files.createTempFile(pages, "page-", ".html");
    } catch (IOException e) {
      logger.warning("cab-trace serve: no room to make the page of " + name + ": " + IoFailures.reason(e));
      HtmlAnswers.send(exchange, 503, "Cannot make the page", "The server has no room to make this page now.", head);
      return null;
    }
    boolean whole = false;
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(made))) {
        // Named as the index names it: the page does not tell a visitor where the directory lies.
        CellPage.builder(timeline).setSourceName(name).build().writeTo(out);
      } catch (IOException e) {
        logger.warning("cab-trace serve: no room to make the page of " + name + ": " + IoFailures.reason(e));
        HtmlAnswers.send(exchange, 503, "Cannot make the page", "The server has no room to make this page now.", head);
        return null;
      } catch (TraceChangedException e) {
        logger.warning("cab-trace serve: the page of " + name + " could not be made: the capture changed meanwhile");
        HtmlAnswers.send(exchange, 409, "Capture changed", "The capture changed while its page was made; reload the page.", head);
        return null;
      } catch (UncheckedIOException e) {
        // Its attributes could not be read back: as unreadable as a capture that cannot be loaded.
        HtmlAnswers.send(exchange, 422, "Unreadable capture", String.valueOf(e.getMessage()).replace(file.toString(), name), head);
        return null;
      }
      whole = true;
      return made;
    } finally {
      if (!whole) {
        Files.deleteIfExists(made);
      }
    }
  }

  /** Settings of a {@link CellServer}. */
  public static final class Builder {
    private final Path directory;
    private int port = 8080;
    private String bindAddress = "127.0.0.1";
    private CaptureReader reader = file -> TraceReader.create().read(file);

    private Builder(Path directory) {
      this.directory = directory;
    }

    /** The port; 0 picks a free one. Default 8080. */
    public Builder setPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** The address to listen on; default 127.0.0.1 (this machine only). */
    public Builder setBindAddress(String bindAddress) {
      this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
      return this;
    }

    /** How captures are read; default {@code TraceReader.create()}. For tests. */
    Builder setCaptureReader(CaptureReader reader) {
      this.reader = Objects.requireNonNull(reader, "reader");
      return this;
    }

    /**
     * The server, not yet listening.
     *
     * @throws IllegalArgumentException when the directory does not exist
     * @throws IOException when the directory or the address cannot be resolved
     */
    public CellServer build() throws IOException {
      return new CellServer(this);
    }
  }
}
