package dev.cabtrace.sdk.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.api.CellTracer;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A recording proxy for agent CLIs that talk to a model endpoint themselves. Started by the adapter
 * on 127.0.0.1 in front of one upstream base URL, it passes every request and response through
 * unchanged, byte for byte and as it arrives, and records one {@code model_call} span per call it
 * understands: OpenAI Chat Completions, OpenAI Responses and Anthropic Messages, streamed (SSE) or
 * not. The spans carry the requested and answering model, the token counts the upstream reported
 * (unknown ones stay unknown), finish reasons, the request hash, the HTTP status and the time to
 * first byte; an upstream error, timeout or reset makes an ERROR span. API keys are forwarded, never
 * recorded.
 *
 * <pre>{@code
 * try (CellSpan container = tracer.container("aider:run");
 *     ModelCallRecordingProxy proxy = ModelCallRecordingProxy.builder(URI.create("https://api.openai.com"), tracer).start()) {
 *   env.put("OPENAI_BASE_URL", proxy.baseUrl() + "/v1");   // OPENAI_API_BASE, ANTHROPIC_BASE_URL likewise
 *   ...run the agent...
 * }
 * }</pre>
 */
public final class ModelCallRecordingProxy implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(ModelCallRecordingProxy.class.getName());

  static {
    // The JDK server sends response headers and body in separate writes; with Nagle's algorithm
    // on, the body then waits for the client's delayed ACK (about 40 ms a call). The setting is
    // read once, when the JVM creates its first HttpServer.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final String baseUrl;

  private ModelCallRecordingProxy(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
    InetSocketAddress address = server.getAddress();
    this.baseUrl = "http://" + address.getHostString() + ":" + address.getPort();
  }

  /** A builder for a proxy in front of {@code upstream}, recording through {@code tracer}. */
  public static Builder builder(URI upstream, CellTracer tracer) {
    return new Builder(Objects.requireNonNull(upstream, "upstream"), Objects.requireNonNull(tracer, "tracer"));
  }

  /** Where the agent should send its requests: {@code http://127.0.0.1:PORT}, no trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops listening and ends calls still in flight; call it once the agent has exited. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Settings of a {@link ModelCallRecordingProxy}. */
  public static final class Builder {
    private final URI upstream;
    private final CellTracer tracer;
    private String bindAddress = "127.0.0.1";
    private int port;
    private Context parent;
    private boolean askForUsage;
    private Duration upstreamTimeout = Duration.ofMinutes(10);
    private int maxConcurrentCalls = 64;

    private Builder(URI upstream, CellTracer tracer) {
      this.upstream = upstream;
      this.tracer = tracer;
    }

    /** The address to listen on; default 127.0.0.1. */
    public Builder setBindAddress(String bindAddress) {
      this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
      return this;
    }

    /** The port; default 0, an ephemeral one. */
    public Builder setPort(int port) {
      this.port = port;
      return this;
    }

    /** The parent of the spans; default the context current when {@link #start()} is called. */
    public Builder setParent(Context parent) {
      this.parent = Objects.requireNonNull(parent, "parent");
      return this;
    }

    /**
     * Whether a streamed OpenAI Chat Completions request that does not ask for usage gets {@code
     * "stream_options":{"include_usage":true}} added, so its tokens are known; default off (the
     * request then passes unchanged and its tokens are recorded as unknown).
     */
    public Builder setAskForUsage(boolean askForUsage) {
      this.askForUsage = askForUsage;
      return this;
    }

    /** How long a call may take upstream before it fails; default 10 minutes. */
    public Builder setUpstreamTimeout(Duration upstreamTimeout) {
      this.upstreamTimeout = Objects.requireNonNull(upstreamTimeout, "upstreamTimeout");
      return this;
    }

    /** Calls handled at once; default 64. */
    public Builder setMaxConcurrentCalls(int maxConcurrentCalls) {
      this.maxConcurrentCalls = maxConcurrentCalls;
      return this;
    }

    /** Binds and starts the proxy. */
    public ModelCallRecordingProxy start() {
      Context spanParent = parent != null ? parent : Context.current();
      AtomicInteger threads = new AtomicInteger();
      ThreadFactory factory =
          runnable -> {
            Thread thread = new Thread(runnable, "cab-trace-proxy-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          };
      ExecutorService executor = Executors.newFixedThreadPool(maxConcurrentCalls, factory);
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(30))
              .followRedirects(HttpClient.Redirect.NEVER)
              .executor(executor)
              .build();
      try {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 256);
        ProxyExchange handler =
            new ProxyExchange(upstream, client, tracer, spanParent, askForUsage, upstreamTimeout);
        server.createContext("/", (HttpExchange exchange) -> handler.handle(exchange));
        server.setExecutor(executor);
        server.start();
        ModelCallRecordingProxy proxy = new ModelCallRecordingProxy(server, executor);
        logger.fine("cab-trace: recording proxy " + proxy.baseUrl() + " -> " + upstream);
        return proxy;
      } catch (IOException e) {
        executor.shutdownNow();
        throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port, e);
      }
    }
  }
}
