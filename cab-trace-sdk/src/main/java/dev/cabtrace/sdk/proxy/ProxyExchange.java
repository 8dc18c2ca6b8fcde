package dev.cabtrace.sdk.proxy;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellTracer;
import dev.cabtrace.api.ModelCallSpan;
import dev.cabtrace.api.TokenUsage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Forwards one exchange to the upstream, or answers it from the cassette, and records it when it is
 * a model call; with a cassette that records, the forwarded exchange is stored once it has ended.
 */
final class ProxyExchange implements ProxyServer.Handler {

  private static final Logger logger = Logger.getLogger(ProxyExchange.class.getName());

  private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<Double> TIME_TO_FIRST_BYTE_MS = AttributeKey.doubleKey("cab.time_to_first_byte_ms");
  private static final AttributeKey<Boolean> STREAMED = AttributeKey.booleanKey("cab.stream");
  static final int MAX_PARSED_BYTES = 32 * 1024 * 1024;

  private final String upstream; // null when there is none: only a cassette answers
  private final HttpClient client; // null with the upstream
  private final CellTracer tracer;
  private final Context parent;
  private final boolean askForUsage;
  private final Duration timeout;
  private final Duration clientWriteTimeout;
  private final Cassette cassette; // or null
  // The upstream answers being relayed: closing the proxy closes them, as a read of one ignores interrupts.
  private final Set<InputStream> relaying = ConcurrentHashMap.newKeySet();
  private volatile boolean cutOff;
  private final StallWatchdog watchdog;

  ProxyExchange(URI upstream, HttpClient client, CellTracer tracer, Context parent, boolean askForUsage, Duration timeout,
      Duration clientWriteTimeout, Cassette cassette) {
    if (upstream != null) {
      String base = upstream.toString();
      this.upstream = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    } else {
      this.upstream = null;
    }
    this.client = client;
    this.tracer = tracer;
    this.parent = parent;
    this.askForUsage = askForUsage;
    this.timeout = timeout;
    this.clientWriteTimeout = clientWriteTimeout;
    this.cassette = cassette;
    this.watchdog = new StallWatchdog(timeout, "cab-trace-proxy-upstream-watchdog");
  }

  @Override
  public void closed() {
    watchdog.close();
  }

  @Override
  public void cutOff() {
    cutOff = true;
    for (InputStream body : relaying) {
      closeQuietly(body);
    }
  }

  private static void closeQuietly(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      // cut off either way
    }
  }

  @Override
  public void handle(IncomingRequest request, ClientResponse response) throws IOException {
    if (cassette == null) {
      handle(request, response, null);
      return;
    }
    Cassette.Lookup lookup = cassette.lookup(request);
    try {
      handle(request, response, lookup);
    } finally {
      cassette.finished();
    }
  }

  private void handle(IncomingRequest request, ClientResponse response, Cassette.Lookup lookup) throws IOException {
    ModelApi api = ModelApi.of(request.method, request.path());
    if (api == null) {
      answer(request, request.body, response, null, null, lookup);
      return;
    }
    byte[] body = request.body;
    RequestFields fields = RequestFields.read(body, askForUsage && api == ModelApi.OPENAI_CHAT);
    byte[] sent = body;
    if (askForUsage && api == ModelApi.OPENAI_CHAT && fields.stream && !fields.hasStreamOptions) {
      sent = withIncludeUsage(body);
    }
    try (Scope scope = parent.makeCurrent();
        ModelCallSpan span = tracer.modelCall(api.provider, fields.model)) {
      span.setRequestBody(body).setAttribute(STREAMED, fields.stream);
      try {
        answer(request, sent, response, api, span, lookup);
      } catch (RuntimeException e) {
        span.recordFailure(e); // the server answers 500 or drops the connection
        throw e;
      } catch (IOException e) {
        if (response.clientStoppedReading()) { // before the body: its head, or an answer of the proxy's own
          span.recordFailure(clientStoppedReading(e));
        }
        throw e;
      }
    }
  }

  /** Answers from the cassette what it holds, forwards the rest unless the cassette only replays. */
  private void answer(IncomingRequest request, byte[] sent, ClientResponse response, ModelApi api, ModelCallSpan span,
      Cassette.Lookup lookup) throws IOException {
    if (lookup != null && lookup.answer() != null) {
      replay(request, lookup.answer(), response, api, span);
    } else if (lookup != null && !cassette.forwardsMisses()) {
      miss(lookup, response, api, span);
    } else {
      forward(request, sent, response, api, span, lookup);
    }
  }

  /**
   * Serves a recorded answer, timed as the cassette says, and records its span as a live one. An
   * answer in a content coding the request does not accept (recorded for a client that did) is
   * served decoded.
   */
  private void replay(IncomingRequest request, CassetteRecord answer, ClientResponse response, ModelApi api,
      ModelCallSpan span) throws IOException {
    long start = System.nanoTime();
    String coding = answer.header("content-encoding");
    if (ContentDecoding.isEncoded(coding) && !AcceptEncoding.accepts(request.headers.entrySet(), coding)) {
      CassetteRecord decoded = answer.withoutContentCoding();
      if (decoded != null) {
        answer = decoded;
      } else {
        logger.warning("cab-trace: the recorded answer to " + request.method + " " + request.path() + " is in the"
            + " content coding " + coding + ", which the client does not accept, and cannot be decoded; it is"
            + " replayed as recorded");
      }
    }
    if (cassette.timing == CassetteTiming.ORIGINAL) {
      try {
        CassetteReplayBody.waitUntil(start + answer.timeToFirstByteNanos);
      } catch (InterruptedIOException e) {
        upstreamFailed(span, response, "the proxy closed before the recorded answer was due", e);
        return;
      }
    }
    if (span != null) {
      span.setAttribute(CabAttributes.MODEL_CALL_REPLAYED, true)
          .setAttribute(HTTP_STATUS, (long) answer.status)
          .setAttribute(TIME_TO_FIRST_BYTE_MS, (System.nanoTime() - start) / 1e6);
      if (answer.status >= 400) {
        span.setError("HTTP " + answer.status + " from upstream (replayed)");
      }
    }
    String contentType = answer.header("content-type");
    startAnswer(response, span, answer.status, answer.headers.entrySet(),
        answer.contentLength >= 0 ? answer.bodyLength() : -1);
    relay(new CassetteReplayBody(answer.chunks, start, cassette.timing), contentType == null ? "" : contentType,
        answer.header("content-encoding"), response, api, span, null);
  }

  /**
   * A request the cassette does not hold, in replay mode: answered at once with 404, which clients
   * do not retry, in the shape of the API asked (OpenAI's or Anthropic's error object).
   */
  private void miss(Cassette.Lookup lookup, ClientResponse response, ModelApi api, ModelCallSpan span)
      throws IOException {
    CassetteRequest request = lookup.request();
    String message = "cab-trace: the request " + request.method + " " + request.target + " (request hash "
        + request.hash + ") is not in the cassette " + cassette.file
        + (lookup.recordedCount() > 0
            ? ": it holds " + lookup.recordedCount() + " answer(s) to it, this is request number "
                + (lookup.occurrence() + 1)
            : "");
    logger.warning(message);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = CassetteJson.FACTORY.createGenerator(out)) {
      json.writeStartObject();
      if (api == ModelApi.ANTHROPIC_MESSAGES) {
        json.writeStringField("type", "error");
        json.writeObjectFieldStart("error");
        json.writeStringField("type", "not_found_error");
        json.writeStringField("message", message);
      } else {
        json.writeObjectFieldStart("error");
        json.writeStringField("message", message);
        json.writeStringField("type", "invalid_request_error");
        json.writeNullField("param");
        json.writeStringField("code", "cab_trace_cassette_miss");
      }
      json.writeEndObject();
      json.writeEndObject();
    }
    byte[] body = out.toByteArray();
    if (span != null) {
      span.setAttribute(HTTP_STATUS, 404L).setError(message);
    }
    response.start(404, List.of(Map.entry("Content-Type", List.of("application/json"))), body.length);
    response.body().write(body);
    response.body().flush();
  }

  private void forward(IncomingRequest incoming, byte[] body, ClientResponse response, ModelApi api, ModelCallSpan span,
      Cassette.Lookup lookup) throws IOException {
    HttpRequest.Builder request;
    String method = incoming.method;
    try {
      request = HttpRequest.newBuilder(URI.create(upstream + incoming.pathAndQuery())).timeout(timeout);
      request.method(method, body.length == 0 && (method.equals("GET") || method.equals("HEAD") || method.equals("DELETE"))
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(body));
    } catch (IllegalArgumentException e) {
      // A character a URI may not hold (a raw '|' in the query), or a method the JDK client refuses.
      // Not e's message: it holds the upstream's URL, which is not the client's to see or ours to record.
      refuse(span, response, "cab-trace recording proxy cannot forward this request: its target is not a valid URI"
          + " or its method cannot be forwarded");
      return;
    }
    HopByHop requestHops = HopByHop.of(incoming.headers.entrySet());
    for (Map.Entry<String, List<String>> header : incoming.headers.entrySet()) {
      if (!requestHops.isHopByHop(header.getKey())) {
        for (String value : header.getValue()) {
          try {
            request.header(header.getKey(), value);
          } catch (IllegalArgumentException restricted) {
            // a header the JDK client sets itself
          }
        }
      }
    }
    long start = System.nanoTime();
    HttpResponse<InputStream> upstreamResponse;
    try {
      upstreamResponse = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      upstreamFailed(span, response, "upstream timed out after " + timeout.toSeconds() + " s", e);
      return;
    } catch (IOException e) {
      upstreamFailed(span, response, "upstream unreachable or reset before answering: " + e, e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // Only the proxy's close interrupts its threads.
      upstreamFailed(span, response, "cut off before the upstream answered: the proxy closed (the agent had exited)", e);
      return;
    }
    int status = upstreamResponse.statusCode();
    if (span != null) {
      span.setAttribute(HTTP_STATUS, (long) status)
          .setAttribute(TIME_TO_FIRST_BYTE_MS, (System.nanoTime() - start) / 1e6);
      if (status >= 400) {
        span.setError("HTTP " + status + " from upstream");
      }
    }
    Map<String, List<String>> headers = upstreamResponse.headers().map();
    HopByHop responseHops = HopByHop.of(headers.entrySet());
    Map<String, List<String>> forwarded = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (!responseHops.isHopByHop(header.getKey())) {
        forwarded.put(header.getKey(), new ArrayList<>(header.getValue()));
      }
    }
    long length = upstreamResponse.headers().firstValueAsLong("content-length").orElse(-1);
    String contentType = upstreamResponse.headers().firstValue("content-type").orElse("");
    String contentEncoding = upstreamResponse.headers().firstValue("content-encoding").orElse(null);
    CassetteRecording recording = lookup == null ? null
        : new CassetteRecording(start, status, forwarded, length, System.nanoTime() - start);
    InputStream received = upstreamResponse.body();
    try {
      startAnswer(response, span, status, forwarded.entrySet(), length);
    } catch (IOException e) {
      closeQuietly(received); // gives the upstream's connection back
      throw e;
    }
    relaying.add(received);
    if (cutOff) {
      closeQuietly(received); // the proxy closed while this answer's head came
    }
    try {
      InputStream upstreamBody = recording == null ? received : recording.tap(received);
      if (relay(upstreamBody, contentType, contentEncoding, response, api, span, "upstream") && recording != null) {
        cassette.store(lookup.request(), recording);
      }
    } finally {
      relaying.remove(received);
    }
  }

  /**
   * Sends {@code body} on to the client as it is read, reading it for usage on the way; whether it
   * went through whole. {@code source} names who failed when reading it fails ("upstream"), null
   * for a replayed body, whose reading fails only when the proxy closes.
   */
  private boolean relay(InputStream body, String contentType, String contentEncoding, ClientResponse response,
      ModelApi api, ModelCallSpan span, String source) throws IOException {
    try (ForwardingInputStream in = new ForwardingInputStream(body, response.body())) {
      if (source != null) {
        watchdog.watch(in); // a replayed body comes from the cassette, which cannot stall
      }
      try {
        ResponseUsageReader reader = api == null || span == null ? null
            : new ResponseUsageReader(api, contentType.toLowerCase(Locale.ROOT).contains("text/event-stream"));
        try {
          if (reader == null) {
            in.drain();
          } else {
            read(in, contentEncoding, reader);
          }
        } catch (IOException e) {
          if (in.upstreamFailure() != null) {
            finish(span, reader);
            if (span != null) {
              span.recordFailure(new IOException(in.stalled()
                  ? source + " sent nothing for " + timeout.toMillis() + " ms mid-response (the upstream timeout); cut off"
                  : cutOff
                  ? "cut off mid-response: the proxy closed (the agent had exited)"
                  : source != null
                  ? source + " reset the response mid-stream: " + e.getMessage()
                  : "the replay of a recorded answer was cut short: " + e.getMessage(), e));
            }
            // Cut the client's connection too, as the upstream cut ours: it must not see a clean end.
            response.abort();
            return false;
          }
          if (in.clientFailure() != null) {
            finish(span, reader);
            if (span != null) {
              span.recordFailure(response.clientStoppedReading() ? clientStoppedReading(e)
                  : new IOException("the client closed the connection mid-response", e));
            }
            response.abort();
            return false;
          }
          throw e;
        }
        finish(span, reader);
      } finally {
        watchdog.unwatch(in);
      }
    }
    return true;
  }

  /**
   * Writes the answer's head to the client. A client gone by then never gets the answer: its call
   * fails, as one cut mid-response does, rather than ending as if answered.
   */
  private static void startAnswer(ClientResponse response, ModelCallSpan span, int status,
      Iterable<? extends Map.Entry<String, ? extends List<String>>> headers, long contentLength) throws IOException {
    try {
      response.start(status, headers, contentLength);
    } catch (IOException e) {
      // A client that stopped reading is said so where the exchange ends (handle).
      if (span != null && !response.clientStoppedReading()) {
        span.recordFailure(new IOException("the client closed the connection before the answer's head reached it", e));
      }
      throw e;
    }
  }

  private IOException clientStoppedReading(IOException cause) {
    return new IOException("the client stopped reading: nothing could be written to it for "
        + clientWriteTimeout.toMillis() + " ms (the client write timeout); cut off", cause);
  }

  /** Reads the body for usage as it is forwarded; decoding errors leave the rest forwarded as is. */
  private static void read(ForwardingInputStream in, String contentEncoding, ResponseUsageReader reader) throws IOException {
    if (!ContentDecoding.supports(contentEncoding)) {
      reader.unreadable("content-encoding " + contentEncoding + " is not decoded");
      in.drain();
      return;
    }
    try {
      InputStream decoded = ContentDecoding.decoding(contentEncoding, in);
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = decoded.read(buffer, 0, buffer.length)) >= 0) {
        reader.accept(buffer, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      if (in.upstreamFailure() != null || in.clientFailure() != null) {
        throw e instanceof IOException ? (IOException) e : new IOException(e);
      }
      reader.unreadable("the " + contentEncoding + " body could not be decoded: " + e.getMessage());
    }
    in.drain();
  }

  private static void finish(ModelCallSpan span, ResponseUsageReader reader) {
    if (span == null || reader == null) {
      return;
    }
    reader.finish();
    CallRecord record = reader.record();
    span.setResponseModel(record.responseModel)
        .setUsage(new TokenUsage(record.input, record.output, record.cacheRead, record.reasoning));
    if (!record.finishReasons.isEmpty()) {
      span.setFinishReasons(record.finishReasons);
    }
    // A stream answers 200 before it can fail: an error event in it (Anthropic's overloaded_error,
    // OpenAI's response.failed) is the call's failure. An error status said so already otherwise.
    if (record.error != null && reader.streamed()) {
      span.setError("error in the stream: " + record.error);
    }
    if (reader.unreadableReason() != null) {
      span.setAttribute(CabAttributes.USAGE_UNREADABLE, true)
          .setAttribute(CabAttributes.USAGE_UNREADABLE_REASON, reader.unreadableReason());
    }
  }

  /**
   * The upstream failed before it answered. The client's connection is dropped without an answer,
   * the nearest a proxy can come to the connection error it would have had without one.
   */
  private static void upstreamFailed(ModelCallSpan span, ClientResponse response, String message, Exception cause) {
    if (span != null) {
      span.recordFailure(new IOException(message, cause));
    }
    response.abort();
  }

  /** Answers 400 for a request that cannot be forwarded as it is. */
  private static void refuse(ModelCallSpan span, ClientResponse response, String message) throws IOException {
    if (span != null) {
      span.setAttribute(HTTP_STATUS, 400L).setError(message);
    }
    byte[] body = ProxyServer.errorBody(400, message);
    response.start(400, List.of(Map.entry("Content-Type", List.of("application/json"))), body.length);
    response.body().write(body);
    response.body().flush();
  }

  /** The request with {@code "stream_options":{"include_usage":true}} as its first field. */
  private static byte[] withIncludeUsage(byte[] body) {
    int brace = 0;
    while (brace < body.length && body[brace] != '{') {
      brace++;
    }
    if (brace == body.length) {
      return body;
    }
    byte[] field = "\"stream_options\":{\"include_usage\":true},".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] out = new byte[body.length + field.length];
    System.arraycopy(body, 0, out, 0, brace + 1);
    System.arraycopy(field, 0, out, brace + 1, field.length);
    System.arraycopy(body, brace + 1, out, brace + 1 + field.length, body.length - brace - 1);
    return out;
  }
}
