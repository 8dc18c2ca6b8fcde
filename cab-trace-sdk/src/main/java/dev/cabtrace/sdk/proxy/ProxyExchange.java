package dev.cabtrace.sdk.proxy;

import com.sun.net.httpserver.HttpExchange;
import dev.cabtrace.api.CellTracer;
import dev.cabtrace.api.ModelCallSpan;
import dev.cabtrace.api.TokenUsage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/** Forwards one exchange to the upstream and records it when it is a model call. */
final class ProxyExchange {

  private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<Double> TIME_TO_FIRST_BYTE_MS = AttributeKey.doubleKey("cab.time_to_first_byte_ms");
  private static final AttributeKey<Boolean> STREAMED = AttributeKey.booleanKey("cab.stream");
  private static final Set<String> NOT_FORWARDED =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "keep-alive", "transfer-encoding",
          "te", "trailer", "proxy-connection", "proxy-authenticate", "proxy-authorization", "http2-settings");
  private static final int MAX_PARSED_BODY = 32 * 1024 * 1024;

  private final String upstream;
  private final HttpClient client;
  private final CellTracer tracer;
  private final Context parent;
  private final boolean askForUsage;
  private final Duration timeout;

  ProxyExchange(URI upstream, HttpClient client, CellTracer tracer, Context parent, boolean askForUsage, Duration timeout) {
    String base = upstream.toString();
    this.upstream = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.client = client;
    this.tracer = tracer;
    this.parent = parent;
    this.askForUsage = askForUsage;
    this.timeout = timeout;
  }

  void handle(HttpExchange exchange) throws IOException {
    boolean reset = false;
    try {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String rawPath = exchange.getRequestURI().getRawPath();
      ModelApi api = ModelApi.of(exchange.getRequestMethod(), rawPath);
      if (api == null) {
        forward(exchange, body, null, null);
        return;
      }

      JsonFields request = JsonFields.parse(body, 0, body.length);
      boolean stream = "true".equals(request.first("stream"));
      byte[] sent = body;
      if (askForUsage && api == ModelApi.OPENAI_CHAT && stream && request.first("stream_options.include_usage") == null
          && !containsStreamOptions(body)) {
        sent = withIncludeUsage(body);
      }
      try (Scope scope = parent.makeCurrent();
          ModelCallSpan span = tracer.modelCall(api.provider, request.first("model"))) {
        span.setRequestBody(body).setAttribute(STREAMED, stream);
        forward(exchange, sent, api, span);
      }
    } catch (UpstreamReset e) {
      // Leaving the exchange open makes the server drop the connection without ending the
      // response: the client sees the same broken stream the upstream gave us.
      reset = true;
      throw e;
    } finally {
      if (!reset) {
        exchange.close();
      }
    }
  }

  /** The upstream broke off a response that had started. */
  private static final class UpstreamReset extends IOException {
    private static final long serialVersionUID = 1L;

    UpstreamReset(Throwable cause) {
      super("upstream failed: " + cause, cause);
    }
  }

  private void forward(HttpExchange exchange, byte[] body, ModelApi api, ModelCallSpan span) throws IOException {
    URI target = URI.create(upstream + exchange.getRequestURI().getRawPath()
        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
    HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout);
    String method = exchange.getRequestMethod();
    request.method(method, body.length == 0 && (method.equals("GET") || method.equals("HEAD") || method.equals("DELETE"))
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        for (String value : header.getValue()) {
          request.header(header.getKey(), value);
        }
      }
    }
    long start = System.nanoTime();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw upstreamFailed(span, "upstream timed out after " + timeout.toSeconds() + " s", e);
    } catch (IOException e) {
      throw upstreamFailed(span, "upstream unreachable or reset before answering: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw upstreamFailed(span, "interrupted", e);
    }
    int status = response.statusCode();
    if (span != null) {
      span.setAttribute(HTTP_STATUS, (long) status)
          .setAttribute(TIME_TO_FIRST_BYTE_MS, (System.nanoTime() - start) / 1e6);
      if (status >= 400) {
        span.setError("HTTP " + status + " from upstream");
      }
    }
    for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!NOT_FORWARDED.contains(name) && !name.startsWith(":")) {
        exchange.getResponseHeaders().put(header.getKey(), header.getValue());
      }
    }
    long length = response.headers().firstValueAsLong("content-length").orElse(-1);
    boolean noBody = method.equals("HEAD") || status == 204 || status == 304;
    exchange.sendResponseHeaders(status, noBody ? -1 : length == 0 ? -1 : Math.max(length, 0));
    boolean sse = response.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT).contains("text/event-stream");
    boolean gzip = response.headers().firstValue("content-encoding").orElse("").toLowerCase(Locale.ROOT).contains("gzip");
    CallRecord record = new CallRecord();
    ResponseReader reader = api == null ? null : new ResponseReader(api, record, sse && !gzip);
    try (InputStream in = response.body()) {
      OutputStream out = exchange.getResponseBody();
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
        if (reader != null) {
          reader.accept(buffer, n);
        }
      }
    } catch (IOException e) {
      if (span != null) {
        finish(span, reader, gzip);
        span.recordFailure(new IOException("upstream reset the response mid-stream: " + e.getMessage(), e));
      }
      // Cut the client's connection too, as the upstream cut ours: it must not see a clean end.
      throw new UpstreamReset(e);
    }
    if (span != null) {
      finish(span, reader, gzip);
    }
  }

  private static void finish(ModelCallSpan span, ResponseReader reader, boolean gzip) {
    if (reader == null) {
      return;
    }
    reader.finish(gzip);
    CallRecord record = reader.record;
    span.setResponseModel(record.responseModel)
        .setUsage(new TokenUsage(record.input, record.output, record.cacheRead, record.reasoning));
    if (!record.finishReasons.isEmpty()) {
      span.setFinishReasons(record.finishReasons);
    }
  }

  /**
   * The upstream failed before it answered. The client's connection is dropped without an answer,
   * the nearest a proxy can come to the connection error it would have had without one.
   */
  private static UpstreamReset upstreamFailed(ModelCallSpan span, String message, Exception cause) {
    if (span != null) {
      span.recordFailure(new IOException(message, cause));
    }
    return new UpstreamReset(cause);
  }

  private static boolean containsStreamOptions(byte[] body) {
    return new String(body, StandardCharsets.UTF_8).contains("\"stream_options\"");
  }

  private static byte[] withIncludeUsage(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    int brace = text.indexOf('{');
    if (brace < 0) {
      return body;
    }
    return (text.substring(0, brace + 1) + "\"stream_options\":{\"include_usage\":true}," + text.substring(brace + 1))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Reads usage from the response as it passes: SSE events one by one, or the whole body at the end. */
  private static final class ResponseReader {
    final ModelApi api;
    final CallRecord record;
    final boolean sse;
    final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    boolean tooLarge;

    ResponseReader(ModelApi api, CallRecord record, boolean sse) {
      this.api = api;
      this.record = record;
      this.sse = sse;
    }

    void accept(byte[] bytes, int length) {
      if (!sse) {
        if (pending.size() + length <= MAX_PARSED_BODY) {
          pending.write(bytes, 0, length);
        } else {
          tooLarge = true;
        }
        return;
      }
      for (int i = 0; i < length; i++) {
        byte b = bytes[i];
        if (b == '\n') {
          line(pending.toByteArray());
          pending.reset();
        } else if (pending.size() < MAX_PARSED_BODY) {
          pending.write(b);
        }
      }
    }

    private void line(byte[] line) {
      String text = new String(line, StandardCharsets.UTF_8).strip();
      if (!text.startsWith("data:")) {
        return;
      }
      String data = text.substring(5).strip();
      if (data.isEmpty() || data.equals("[DONE]")) {
        return;
      }
      byte[] json = data.getBytes(StandardCharsets.UTF_8);
      api.read(JsonFields.parse(json, 0, json.length), record);
    }

    void finish(boolean gzip) {
      if (sse) {
        if (pending.size() > 0) {
          line(pending.toByteArray());
        }
        return;
      }
      if (tooLarge) {
        return;
      }
      byte[] body = pending.toByteArray();
      if (gzip) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
          body = in.readAllBytes();
        } catch (IOException e) {
          return;
        }
      }
      String text = new String(body, StandardCharsets.UTF_8);
      if (text.stripLeading().startsWith("data:") || text.contains("\ndata:")) {
        // An event stream without its content type: read it as one.
        for (String line : text.split("\n")) {
          line(line.getBytes(StandardCharsets.UTF_8));
        }
        return;
      }
      api.read(JsonFields.parse(body, 0, body.length), record);
    }
  }
}
