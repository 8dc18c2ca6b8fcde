package dev.cabtrace.sdk.proxy;

import dev.cabtrace.api.CellTracer;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
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

  private final ProxyServer server;
  private final String baseUrl;

  private ModelCallRecordingProxy(ProxyServer server) {
    this.server = server;
    InetSocketAddress address = server.address();
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
    return server.address().getPort();
  }

  /** Requests answered 429 because more than the configured number were in flight at once. */
  public long rejectedRequests() {
    return server.rejectedRequests();
  }

  /** Stops listening and ends calls still in flight; call it once the agent has exited. */
  @Override
  public void close() {
    server.close();
    if (server.rejectedRequests() > 0) {
      logger.warning("cab-trace: the recording proxy answered " + server.rejectedRequests()
          + " request(s) with 429: more than the concurrent-call limit at once");
    }
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
    private int maxConcurrentCalls = 256;

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

    /**
     * Requests handled at once; default 256. One more is answered at once with HTTP 429 and {@code
     * Retry-After}, never queued.
     */
    public Builder setMaxConcurrentCalls(int maxConcurrentCalls) {
      if (maxConcurrentCalls < 1) {
        throw new IllegalArgumentException("maxConcurrentCalls must be at least 1");
      }
      this.maxConcurrentCalls = maxConcurrentCalls;
      return this;
    }

    /** Binds and starts the proxy. */
    public ModelCallRecordingProxy start() {
      Context spanParent = parent != null ? parent : Context.current();
      // The client keeps its own default executor: nothing it waits for can be starved by the
      // server's connection threads.
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(30))
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      ProxyExchange handler =
          new ProxyExchange(upstream, client, tracer, spanParent, askForUsage, upstreamTimeout);
      try {
        ProxyServer server = new ProxyServer(new InetSocketAddress(bindAddress, port), maxConcurrentCalls, handler);
        server.start();
        ModelCallRecordingProxy proxy = new ModelCallRecordingProxy(server);
        logger.fine("cab-trace: recording proxy " + proxy.baseUrl() + " -> " + upstream);
        return proxy;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port, e);
      }
    }
  }
}
