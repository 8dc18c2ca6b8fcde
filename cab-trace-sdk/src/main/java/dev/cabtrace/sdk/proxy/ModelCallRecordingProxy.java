package dev.cabtrace.sdk.proxy;

import dev.cabtrace.api.CellTracer;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>With a cassette it also records every exchange to a file, and answers from it later without
 * the model, byte for byte and (by default) at the recorded pace, for deterministic re-runs:
 *
 * <pre>{@code
 * Path cassette = Path.of("cell.cassette.jsonl");
 * // once, against the real endpoint:
 * try (ModelCallRecordingProxy proxy = ModelCallRecordingProxy.builder(URI.create("https://api.openai.com"), tracer)
 *     .setCassette(cassette, CassetteMode.RECORD).addCassetteIgnore("$.metadata.request_id").start()) {
 *   ...run the agent against proxy.baseUrl()...
 * }
 * // then, as often as needed, with no upstream at all:
 * try (ModelCallRecordingProxy proxy =
 *     ModelCallRecordingProxy.replaying(cassette, tracer).addCassetteIgnore("$.metadata.request_id").start()) {
 *   ...run the agent against proxy.baseUrl()...
 * }
 * }</pre>
 */
public final class ModelCallRecordingProxy implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(ModelCallRecordingProxy.class.getName());

  private final ProxyServer server;
  private final String baseUrl;
  private final Cassette cassette; // or null
  private final AtomicBoolean closed = new AtomicBoolean();

  private ModelCallRecordingProxy(ProxyServer server, Cassette cassette) {
    this.server = server;
    this.cassette = cassette;
    InetSocketAddress address = server.address();
    this.baseUrl = "http://" + address.getHostString() + ":" + address.getPort();
  }

  /**
   * A builder for a proxy in front of {@code upstream}, recording through {@code tracer}.
   *
   * @throws IllegalArgumentException unless {@code upstream} is an http(s) base URL each request's
   *     path and query can follow: with a host, and no query, fragment or user:password
   */
  public static Builder builder(URI upstream, CellTracer tracer) {
    checkUpstream(Objects.requireNonNull(upstream, "upstream"));
    return new Builder(upstream, Objects.requireNonNull(tracer, "tracer"));
  }

  /**
   * Refuses a base URL a request's path cannot be put after. A query (Azure's {@code
   * ?api-version=}) would have the path glued into it, and user:password would be dropped on the
   * way: said at once, not found out in the upstream's answers.
   */
  private static void checkUpstream(URI upstream) {
    String scheme = upstream.getScheme() == null ? "" : upstream.getScheme().toLowerCase(java.util.Locale.ROOT);
    String shown = upstream.getRawUserInfo() == null ? upstream.toString()
        : upstream.toString().replace(upstream.getRawUserInfo() + "@", "***@"); // a password is not repeated
    if (!(scheme.equals("http") || scheme.equals("https")) || upstream.getHost() == null) {
      throw new IllegalArgumentException(shown + ": not an http(s) URL with a host (e.g. https://api.openai.com)");
    }
    if (upstream.getRawQuery() != null || upstream.getRawFragment() != null) {
      throw new IllegalArgumentException(shown + ": a base URL takes no query or fragment (each request's own path"
          + " and query are put after it; a parameter every request needs goes in the agent's own settings)");
    }
    if (upstream.getRawUserInfo() != null) {
      throw new IllegalArgumentException(shown + ": a base URL takes no user:password (the agent's own credentials"
          + " are forwarded as it sends them)");
    }
  }

  /**
   * A builder for a proxy that answers only from {@code cassette} ({@link CassetteMode#REPLAY}),
   * with no upstream: the model is never reached. Each answer is served as recorded, its {@code
   * model_call} span carrying the recorded usage and {@code cab.model_call.replayed = true}; a
   * request the cassette does not hold is answered 404 at once, with an ERROR span.
   *
   * <pre>{@code
   * try (ModelCallRecordingProxy proxy =
   *     ModelCallRecordingProxy.replaying(Path.of("cell.cassette.jsonl"), tracer).start()) {
   *   env.put("OPENAI_BASE_URL", proxy.baseUrl() + "/v1");
   *   ...run the agent...
   * }
   * }</pre>
   */
  public static Builder replaying(Path cassette, CellTracer tracer) {
    return new Builder(null, Objects.requireNonNull(tracer, "tracer"))
        .setCassette(cassette, CassetteMode.REPLAY);
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

  /**
   * Requests the cassette held no answer for, in {@link CassetteMode#REPLAY}: each was answered 404
   * and made an ERROR span. Always 0 without a cassette.
   */
  public long cassetteMisses() {
    return cassette == null ? 0 : cassette.misses();
  }

  /**
   * Stops listening and cuts off calls still in flight; call it once the agent has exited.
   * Idempotent. A call whose answer was all sent ends as it would have (and is stored in a cassette
   * that records); one still waiting on its upstream half a second later is cut off, an ERROR span.
   * It returns once their spans have ended (at most 2.5 s) and, with a cassette, their lines are
   * written (at most 2 s more).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.close();
    if (server.rejectedRequests() > 0) {
      logger.warning("cab-trace: the recording proxy answered " + server.rejectedRequests()
          + " request(s) with 429: more than the concurrent-call limit at once");
    }
    if (cassette != null) {
      cassette.close();
      if (cassette.misses() > 0) {
        logger.warning("cab-trace: " + cassette.misses() + " request(s) were not in the cassette " + cassette.file
            + " and were answered 404");
      }
      logger.fine("cab-trace: cassette " + cassette.file + ": " + cassette.replayed() + " answer(s) replayed, "
          + cassette.stored() + " exchange(s) stored");
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
    private Duration clientWriteTimeout = Duration.ofMinutes(10);
    private int maxConcurrentCalls = 256;
    private Path cassetteFile;
    private CassetteMode cassetteMode;
    private CassetteTiming cassetteTiming = CassetteTiming.ORIGINAL;
    private final List<CassetteJsonPath> cassetteIgnores = new ArrayList<>();

    private Builder(URI upstream, CellTracer tracer) {
      this.upstream = upstream;
      this.tracer = tracer;
    }

    /**
     * Records exchanges into, or answers from, the cassette {@code file} (JSON Lines, one exchange
     * a line, created readable by its owner only; the format is in the README, "Cassettes"):
     *
     * <ul>
     *   <li>{@link CassetteMode#RECORD}: forwards every request and stores every exchange that
     *       completes; the file is started anew when the first exchange is stored (a run that
     *       stores none leaves it as it was);
     *   <li>{@link CassetteMode#REPLAY}: answers only from the file; no upstream is reached (see
     *       {@link #replaying});
     *   <li>{@link CassetteMode#RECORD_MISSING}: answers what the file holds, forwards the rest
     *       and appends it.
     * </ul>
     *
     * A request matches a stored one by method, path and query, and body: a JSON body compared in
     * canonical form (keys sorted, whitespace ignored, numbers as written, {@linkplain
     * #addCassetteIgnore ignored paths} removed), any other body byte for byte. The n-th identical
     * request gets the n-th stored answer; past the stored ones it is missing. Credentials never
     * reach the file.
     */
    public Builder setCassette(Path file, CassetteMode mode) {
      this.cassetteFile = Objects.requireNonNull(file, "file");
      this.cassetteMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * How replayed answers are paced; default {@link CassetteTiming#ORIGINAL}, the recorded time to
     * first byte and gaps between chunks, so that a replayed cell's spans and terminal keep the
     * recorded shape. {@link CassetteTiming#FAST} serves at once.
     */
    public Builder setCassetteTiming(CassetteTiming timing) {
      this.cassetteTiming = Objects.requireNonNull(timing, "timing");
      return this;
    }

    /**
     * Leaves a request body field out of matching (and out of the stored request): a JSONPath such
     * as {@code $.metadata.request_id}, {@code $.messages[*].id} or {@code $.messages[0].id}
     * ({@code .name}, {@code ['name']}, {@code [n]}, {@code .*} and {@code [*]} are understood).
     * Repeatable. Use the same paths to record and to replay.
     *
     * @throws IllegalArgumentException if the path is not of that form
     */
    public Builder addCassetteIgnore(String jsonPath) {
      cassetteIgnores.add(CassetteJsonPath.parse(Objects.requireNonNull(jsonPath, "jsonPath")));
      return this;
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

    /**
     * How long a call may take upstream before it fails; default 10 minutes.
     *
     * @throws IllegalArgumentException if it is not positive (every call would fail, with a
     *     misleading message)
     */
    public Builder setUpstreamTimeout(Duration upstreamTimeout) {
      Objects.requireNonNull(upstreamTimeout, "upstreamTimeout");
      if (upstreamTimeout.isNegative() || upstreamTimeout.isZero()) {
        throw new IllegalArgumentException("upstreamTimeout must be positive");
      }
      this.upstreamTimeout = upstreamTimeout;
      return this;
    }

    /**
     * How long a write to the client may make no progress before the client is taken to have
     * stopped reading; default 10 minutes. Its connection is then dropped and the call's span ends
     * as an ERROR, so that a client that never reads again does not hold a call's place for ever.
     * A client that keeps reading is not cut, however long the answer takes: a write waits only
     * until the client has read part of the socket's buffer (up to a megabyte or so on loopback).
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder setClientWriteTimeout(Duration clientWriteTimeout) {
      Objects.requireNonNull(clientWriteTimeout, "clientWriteTimeout");
      if (clientWriteTimeout.isNegative() || clientWriteTimeout.isZero()) {
        throw new IllegalArgumentException("clientWriteTimeout must be positive");
      }
      this.clientWriteTimeout = clientWriteTimeout;
      return this;
    }

    /**
     * Requests handled at once; default 256. One more is answered at once with HTTP 429 and {@code
     * Retry-After}, never queued. A request stops counting just before the last byte of its answer
     * is sent, so a client that sends its next request as soon as it has read an answer is not
     * refused for the one it has read.
     */
    public Builder setMaxConcurrentCalls(int maxConcurrentCalls) {
      if (maxConcurrentCalls < 1) {
        throw new IllegalArgumentException("maxConcurrentCalls must be at least 1");
      }
      this.maxConcurrentCalls = maxConcurrentCalls;
      return this;
    }

    /**
     * Binds and starts the proxy.
     *
     * @throws IllegalStateException if a cassette is to be recorded with no upstream
     * @throws UncheckedIOException if it cannot listen, or the cassette cannot be read or written
     *     (a cassette to replay that does not exist)
     */
    public ModelCallRecordingProxy start() {
      if (upstream == null && cassetteMode != CassetteMode.REPLAY) {
        throw new IllegalStateException("a cassette in " + cassetteMode + " mode forwards requests: it needs an "
            + "upstream, use ModelCallRecordingProxy.builder(upstream, tracer)");
      }
      Context spanParent = parent != null ? parent : Context.current();
      Cassette cassette = null;
      if (cassetteFile != null) {
        try {
          cassette = Cassette.open(cassetteFile, cassetteMode, cassetteTiming, cassetteIgnores);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot open the cassette " + cassetteFile + ": " + e.getMessage(), e);
        }
      }
      // The client keeps its own default executor: nothing it waits for can be starved by the
      // server's connection threads.
      HttpClient client = cassetteMode == CassetteMode.REPLAY ? null
          : HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(30))
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      ProxyExchange handler = new ProxyExchange(cassetteMode == CassetteMode.REPLAY ? null : upstream, client, tracer,
          spanParent, askForUsage, upstreamTimeout, clientWriteTimeout, cassette);
      try {
        ProxyServer server = new ProxyServer(new InetSocketAddress(bindAddress, port), maxConcurrentCalls,
            clientWriteTimeout, handler);
        server.start();
        ModelCallRecordingProxy proxy = new ModelCallRecordingProxy(server, cassette);
        logger.fine("cab-trace: recording proxy " + proxy.baseUrl() + " -> "
            + (cassette == null ? upstream : cassetteMode + " " + cassetteFile));
        return proxy;
      } catch (IOException e) {
        if (cassette != null) {
          cassette.close();
        }
        throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port, e);
      }
    }
  }
}
