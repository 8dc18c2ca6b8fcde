package dev.cabtrace.replay.record;

import static dev.cabtrace.replay.record.OtlpReceiver.MAX_BODY_BYTES;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The body of an OTLP/HTTP request: what it takes of the receiver's budget before it is read, and
 * its bytes, at most {@link OtlpReceiver#MAX_BODY_BYTES} of them once inflated.
 */
final class RequestBody {

  private RequestBody() {}

  /**
   * The KiB the body takes of the receiver's budget: its Content-Length when it is read as it came,
   * else {@link OtlpReceiver#MAX_BODY_BYTES} (a gzip body's size once inflated is not known before).
   */
  static int budgetKib(HttpExchange exchange) {
    String declared = plainLength(exchange);
    long bytes = MAX_BODY_BYTES;
    if (declared != null) {
      try {
        bytes = Math.max(0, Math.min(MAX_BODY_BYTES, Long.parseLong(declared.trim())));
      } catch (NumberFormatException e) {
        // read refuses it.
      }
    }
    return (int) ((bytes + 1023) / 1024);
  }

  /** The body's bytes, inflated when gzip; fails past the limit, on a bad length or a body cut short. */
  static byte[] read(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    String declared = plainLength(exchange);
    if (declared != null) {
      // The usual case: read exactly the declared length into one array.
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw new IOException("bad Content-Length " + declared);
      }
      if (length < 0 || length > MAX_BODY_BYTES) {
        throw new IOException("body of " + length + " bytes is over " + MAX_BODY_BYTES);
      }
      byte[] body = in.readNBytes((int) length);
      if (body.length < length) {
        throw new IOException("body cut short: " + body.length + " of " + length + " bytes");
      }
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      if (out.size() + n > MAX_BODY_BYTES) {
        throw new IOException("body over " + MAX_BODY_BYTES + " bytes");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** The Content-Length of a body read as it came (no Content-Encoding), or null. */
  private static String plainLength(HttpExchange exchange) {
    return exchange.getRequestHeaders().getFirst("Content-Encoding") == null
        ? exchange.getRequestHeaders().getFirst("Content-Length")
        : null;
  }
}
