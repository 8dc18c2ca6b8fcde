package dev.cabtrace.replay.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An OTLP/JSON export request, made into the protobuf bytes {@link ProtoSpans} reads: the bodies
 * {@code record} receives and the lines of a capture file {@code push} sends. Internal: shared by
 * cab-trace's own packages, not part of its API; it may change without notice.
 */
public final class OtlpJsonRequest {

  // Jackson's default string limit (20 MB) is below the receiver's body limit: a span with one long
  // attribute (a whole file read by a tool) must not refuse its batch, which an exporter would not
  // send again. No string is longer than its body, whose size the caller bounds.
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
      .build();
  /** One zero byte in base64: what an id that is not hex is read as. */
  private static final String NOT_AN_ID = "AA==";

  private OtlpJsonRequest() {}

  /** OTLP/JSON as protobuf bytes; in WTF-8 where a string holds a lone surrogate, which UTF-8 cannot. */
  public static byte[] toProtobuf(byte[] body) throws IOException {
    ExportTraceServiceRequest request = parse(body);
    return Wtf8.mayHoldLoneSurrogate(body) ? Wtf8.encode(request) : request.toByteArray();
  }

  /**
   * OTLP/JSON into the official classes: the protobuf JSON mapping but with ids as hex (OTLP's
   * rule), which are turned into base64 for the protobuf parser first. An id that is not hex
   * becomes one byte, a length no id has, so that {@link ProtoSpans} rejects its span alone.
   */
  public static ExportTraceServiceRequest parse(byte[] body) throws IOException {
    StringWriter rewritten = new StringWriter(body.length + 64);
    try (JsonParser parser = JSON.createParser(body); JsonGenerator out = JSON.createGenerator(rewritten)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.VALUE_STRING && isIdField(parser.currentName())) {
          out.writeString(hexToBase64(parser.getText()));
        } else {
          out.copyCurrentEvent(parser);
        }
      }
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(rewritten.toString(), request);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(e.getMessage(), e);
    }
    return request.build();
  }

  private static boolean isIdField(String name) {
    return "traceId".equals(name) || "spanId".equals(name) || "parentSpanId".equals(name);
  }

  private static String hexToBase64(String hex) {
    if (hex.isEmpty()) {
      return hex;
    }
    try {
      return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      return NOT_AN_ID;
    }
  }
}
