package dev.cabtrace.sdk.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one line of a cassette into its {@link CassetteRecord}, trusting nothing in it: a cassette
 * is a file anyone may have edited, and what it holds is written to a client as an HTTP answer.
 */
final class CassetteLineReader {

  private CassetteLineReader() {}

  /**
   * The exchange on one line; throws IllegalArgumentException saying what is wrong with it. The
   * line is not trusted: a response header that could not have come from an HTTP parser (a CR or
   * LF, a name that is no token), a status outside 200-599 or a time over {@link
   * CassetteRecord#MAX_RECORDED_MILLIS} make it no exchange; hop-by-hop, framing and credential
   * headers, which cab-trace never stores and the proxy sets itself, are left out.
   */
  static CassetteRecord read(byte[] line) {
    Object tree = CassetteJson.parse(line, false);
    if (!(tree instanceof Map)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Map<?, ?> root = (Map<?, ?>) tree;
    // Compared as a decimal: longValue() took 1.9 and 2^64 + 1 for 1, and 1e999999999 for 0.
    if (number(root, "version", "version").compareTo(java.math.BigDecimal.valueOf(CassetteRecord.VERSION)) != 0) {
      throw new IllegalArgumentException("format version " + ((CassetteJson.JsonNumber) root.get("version")).text()
          + " is not one this cab-trace reads (" + CassetteRecord.VERSION + ")");
    }
    Map<?, ?> request = object(root, "request", "request");
    Map<?, ?> response = object(root, "response", "response");
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<?, ?> header : object(response, "headers", "response.headers").entrySet()) {
      String name = (String) header.getKey();
      if (!HeaderSyntax.isName(name)) {
        throw new IllegalArgumentException("response header name \"" + HeaderSyntax.printable(name)
            + "\" is not an HTTP token");
      }
      if (!(header.getValue() instanceof List)) {
        throw new IllegalArgumentException("response header " + name + " is not a list of strings");
      }
      List<String> values = new ArrayList<>();
      for (Object value : (List<?>) header.getValue()) {
        if (!(value instanceof String)) {
          throw new IllegalArgumentException("response header " + name + " is not a list of strings");
        }
        if (!HeaderSyntax.isValue((String) value)) {
          throw new IllegalArgumentException("response header " + name + " holds a control character");
        }
        values.add((String) value);
      }
      headers.put(name, values);
    }
    HopByHop hops = HopByHop.of(headers.entrySet());
    headers.keySet().removeIf(name -> hops.isHopByHop(name) || CassetteRecord.NEVER_STORED.contains(name.toLowerCase(Locale.ROOT)));
    Object chunkList = response.get("chunks");
    if (!(chunkList instanceof List)) {
      throw new IllegalArgumentException("response.chunks is missing or not a list");
    }
    List<CassetteRecord.Chunk> chunks = new ArrayList<>();
    for (Object element : (List<?>) chunkList) {
      if (!(element instanceof Map)) {
        throw new IllegalArgumentException("a response chunk is not an object");
      }
      Map<?, ?> chunk = (Map<?, ?>) element;
      long offset = nanos(millis(chunk, "t_ms", "response.chunks[].t_ms"));
      byte[] bytes;
      if (chunk.get("text") instanceof String) {
        bytes = ((String) chunk.get("text")).getBytes(StandardCharsets.UTF_8);
      } else if (chunk.get("base64") instanceof String) {
        bytes = Base64.getDecoder().decode((String) chunk.get("base64"));
      } else {
        throw new IllegalArgumentException("a response chunk has neither text nor base64");
      }
      chunks.add(new CassetteRecord.Chunk(offset, bytes));
    }
    long contentLength = response.get("content_length") == null ? -1
        : number(response, "content_length", "response.content_length").longValue();
    return new CassetteRecord(
        string(request, "method", "request.method"),
        string(request, "target", "request.target"),
        string(request, "hash", "request.hash"),
        status(number(response, "status", "response.status")),
        headers,
        contentLength,
        response.get("ttfb_ms") == null ? 0 : nanos(millis(response, "ttfb_ms", "response.ttfb_ms")),
        List.copyOf(chunks),
        Boolean.TRUE.equals(response.get("redacted")));
  }

  private static long nanos(double millis) {
    return Math.round(millis * 1e6);
  }

  /** A final status: a 1xx is no answer (a client would wait on for one), and none is over 599. */
  private static int status(java.math.BigDecimal status) {
    if (status.compareTo(java.math.BigDecimal.valueOf(200)) < 0 || status.compareTo(java.math.BigDecimal.valueOf(599)) > 0
        || status.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("response.status " + status.toString() + " is not an HTTP status (200-599)");
    }
    return status.intValue();
  }

  /** A recorded time in ms, from 0 to {@link CassetteRecord#MAX_RECORDED_MILLIS}. */
  private static double millis(Map<?, ?> parent, String name, String path) {
    java.math.BigDecimal millis = number(parent, name, path);
    if (millis.signum() < 0 || millis.compareTo(java.math.BigDecimal.valueOf(CassetteRecord.MAX_RECORDED_MILLIS)) > 0) {
      throw new IllegalArgumentException(path + " " + millis + " is not a time from 0 to "
          + CassetteRecord.MAX_RECORDED_MILLIS + " ms (an hour)");
    }
    return millis.doubleValue();
  }

  private static Map<?, ?> object(Map<?, ?> parent, String name, String path) {
    Object value = parent.get(name);
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(path + " is missing or not an object");
    }
    return (Map<?, ?>) value;
  }

  private static String string(Map<?, ?> parent, String name, String path) {
    Object value = parent.get(name);
    if (!(value instanceof String)) {
      throw new IllegalArgumentException(path + " is missing or not a string");
    }
    return (String) value;
  }

  private static java.math.BigDecimal number(Map<?, ?> parent, String name, String path) {
    Object value = parent.get(name);
    if (!(value instanceof CassetteJson.JsonNumber)) {
      throw new IllegalArgumentException(path + " is missing or not a number");
    }
    try {
      return new java.math.BigDecimal(((CassetteJson.JsonNumber) value).text());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(path + " is not a number");
    }
  }
}
