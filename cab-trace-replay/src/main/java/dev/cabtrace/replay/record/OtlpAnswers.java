package dev.cabtrace.replay.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import dev.cabtrace.replay.internal.ProtoSpans;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What {@link OtlpReceiver} answers, as OTLP specifies: a taken request's {@code
 * ExportTraceServiceResponse} (empty, or a partial success), and over HTTP an error's {@code
 * google.rpc.Status}, each in the request's encoding.
 */
final class OtlpAnswers {

  static final String PROTOBUF_TYPE = "application/x-protobuf";
  static final String JSON_TYPE = "application/json";
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

  private OtlpAnswers() {}

  /** Empty when every span was taken; else OTLP's partial success. */
  static ExportTraceServiceResponse response(ProtoSpans.Received received) {
    if (received.rejectedSpans() == 0) {
      return ExportTraceServiceResponse.getDefaultInstance();
    }
    return ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(ExportTracePartialSuccess.newBuilder()
            .setRejectedSpans(received.rejectedSpans())
            .setErrorMessage(received.rejections()))
        .build();
  }

  /** The media type of a Content-Type header, without its parameters; null for none. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int parameters = contentType.indexOf(';');
    return (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
  }

  /**
   * The answer to a request read whole: 200 with its response when {@code accepted}, else 429
   * with {@code Retry-After} (the capture queue is full).
   */
  static void taken(HttpExchange exchange, boolean json, ProtoSpans.Received received, boolean accepted)
      throws IOException {
    if (!accepted) {
      exchange.getResponseHeaders().set("Retry-After", "1");
      error(exchange, 429, json, "capture queue full; retry later");
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", json ? JSON_TYPE : PROTOBUF_TYPE);
    byte[] body;
    if (received.rejectedSpans() == 0) {
      // An empty ExportTraceServiceResponse is no bytes at all in protobuf.
      body = json ? EMPTY_JSON : new byte[0];
    } else if (json) {
      body = JsonFormat.printer().omittingInsignificantWhitespace().print(response(received))
          .getBytes(StandardCharsets.UTF_8);
    } else {
      body = response(received).toByteArray();
    }
    exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  /** A google.rpc.Status, as OTLP/HTTP answers errors, in the request's encoding. */
  static void error(HttpExchange exchange, int status, boolean json, String message) throws IOException {
    byte[] body;
    if (json) {
      StringWriter text = new StringWriter();
      try (JsonGenerator generator = JSON.createGenerator(text)) {
        generator.writeStartObject();
        generator.writeNumberField("code", status == 429 ? 8 : 3);
        generator.writeStringField("message", message);
        generator.writeEndObject();
      }
      body = text.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", JSON_TYPE);
    } else {
      body = com.google.rpc.Status.newBuilder().setCode(status == 429 ? 8 : 3).setMessage(message).build().toByteArray();
      exchange.getResponseHeaders().set("Content-Type", PROTOBUF_TYPE);
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
