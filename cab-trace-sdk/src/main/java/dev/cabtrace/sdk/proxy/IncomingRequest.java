package dev.cabtrace.sdk.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One HTTP/1.1 request as the proxy's server read it: head and whole body. */
final class IncomingRequest {

  /** A request the server refuses with this status before handling it. */
  static final class BadRequest extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final long MAX_BODY_BYTES = 256L * 1024 * 1024;

  final String method;
  final String target;
  final String version;
  /** Header names as sent, values in order, names compared without case. */
  final Map<String, List<String>> headers;
  // Each header name in lower case, to the spelling it came in first.
  private final Map<String, String> spellings;
  byte[] body = new byte[0];

  private IncomingRequest(String method, String target, String version, Map<String, List<String>> headers,
      Map<String, String> spellings) {
    this.method = method;
    this.target = target;
    this.version = version;
    this.headers = headers;
    this.spellings = spellings;
  }

  /** The next request's head on a connection, or null when the client closed it cleanly. */
  static IncomingRequest readHead(InputStream in) throws IOException {
    String requestLine = readLine(in, true);
    while (requestLine != null && requestLine.isEmpty()) {
      requestLine = readLine(in, true); // tolerated empty lines before a request (RFC 9112 2.2)
    }
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      throw new BadRequest(400, "malformed request line");
    }
    checkTarget(parts[0], parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    // A name is found by a lookup in lower case, not by a scan of the names so far: a request of
    // thousands of short header lines would make that quadratic.
    Map<String, String> spellings = new HashMap<>();
    int total = requestLine.length();
    String line;
    while (!(line = readLine(in, false)).isEmpty()) {
      total += line.length();
      if (total > MAX_HEAD_BYTES) {
        throw new BadRequest(431, "request header fields too large");
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw new BadRequest(400, "malformed header line");
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      headers.computeIfAbsent(spellings.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> name),
          k -> new ArrayList<>()).add(value);
    }
    return new IncomingRequest(parts[0], parts[1], parts[2], headers, spellings);
  }

  /**
   * Refuses what the proxy cannot forward to its one upstream: CONNECT, and a target that is neither
   * a path nor an absolute http(s) URL. A target without its leading '/' would be glued onto the
   * upstream's host and could name another host or port, which would get the client's credentials.
   */
  private static void checkTarget(String method, String target) throws BadRequest {
    if (method.equals("CONNECT")) {
      throw new BadRequest(405, "CONNECT is not supported: this proxy forwards requests to one upstream");
    }
    if (!target.startsWith("/") && !isAbsolute(target)) {
      throw new BadRequest(400, "the request target must be a path starting with '/'");
    }
  }

  private static boolean isAbsolute(String target) {
    return target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8);
  }

  /** Reads the body the head announces; answers {@code Expect: 100-continue} first. */
  void readBody(InputStream in, OutputStream out) throws IOException {
    String transferEncoding = header("transfer-encoding");
    String contentLength = header("content-length");
    if (transferEncoding == null && contentLength == null) {
      return;
    }
    if ("100-continue".equalsIgnoreCase(header("expect"))) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    if (transferEncoding != null) {
      if (!chunkedOnly()) {
        throw new BadRequest(501, "transfer coding not supported: " + transferEncoding);
      }
      body = readChunked(in);
      return;
    }
    long length;
    try {
      length = Long.parseLong(contentLength());
    } catch (NumberFormatException e) {
      throw new BadRequest(400, "bad content-length");
    }
    if (length < 0) {
      throw new BadRequest(400, "bad content-length");
    }
    if (length > MAX_BODY_BYTES) {
      throw new BadRequest(413, "request body over " + MAX_BODY_BYTES + " bytes");
    }
    body = in.readNBytes((int) length);
    if (body.length < length) {
      throw new IOException("client closed the connection inside the request body");
    }
  }

  /**
   * Whether the transfer coding is chunked and nothing else. A body under another coding as well
   * ({@code gzip, chunked}) would be forwarded still coded, with no header left to say so.
   */
  private boolean chunkedOnly() {
    List<String> codings = headers.get(spellings.get("transfer-encoding"));
    return codings.size() == 1 && codings.get(0).trim().equalsIgnoreCase("chunked");
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in, false);
      int semicolon = sizeLine.indexOf(';');
      long size;
      try {
        size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new BadRequest(400, "bad chunk size");
      }
      if (size < 0 || body.size() + size > MAX_BODY_BYTES) {
        throw new BadRequest(413, "request body over " + MAX_BODY_BYTES + " bytes");
      }
      if (size == 0) {
        while (!readLine(in, false).isEmpty()) {
          // trailer fields are not forwarded
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes((int) size);
      if (chunk.length < size) {
        throw new IOException("client closed the connection inside a chunk");
      }
      body.write(chunk);
      readLine(in, false);
    }
  }

  /** One CRLF- (or LF-) ended line in ISO-8859-1; null at a clean end of stream if allowed. */
  private static String readLine(InputStream in, boolean endAllowed) throws IOException {
    StringBuilder line = new StringBuilder(64);
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() >= MAX_HEAD_BYTES) {
        throw new BadRequest(431, "request line or header too long");
      }
      line.append((char) b);
    }
    if (endAllowed && line.length() == 0) {
      return null;
    }
    throw new IOException("client closed the connection inside a request head");
  }

  /**
   * The one length every Content-Length line and list element states ({@code 5}, {@code 5, 5}).
   * Lengths that differ are refused (RFC 9112, 6.3): the proxy would read one body, the upstream
   * another, and the bytes left over would be taken for the next request.
   */
  private String contentLength() throws BadRequest {
    String length = null;
    for (String line : headers.get(spellings.get("content-length"))) {
      for (String element : line.split(",", -1)) {
        String stated = element.trim();
        if (length == null) {
          length = stated;
        } else if (!stated.equals(length)) {
          throw new BadRequest(400, "conflicting content-length");
        }
      }
    }
    return length;
  }

  /** The first value of a header, or null. */
  String header(String name) {
    String spelling = spellings.get(name.toLowerCase(Locale.ROOT));
    List<String> values = spelling == null ? null : headers.get(spelling);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Whether the client wants the connection kept after this exchange. */
  boolean keepAlive() {
    String connection = header("connection");
    boolean close = connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
    boolean keep = connection != null && connection.toLowerCase(Locale.ROOT).contains("keep-alive");
    return version.equals("HTTP/1.1") ? !close : keep;
  }

  /**
   * Path and query, from an origin-form or absolute-form target; always starts with '/'. The
   * authority of an absolute-form target is dropped: the upstream is the only host requests go to.
   */
  String pathAndQuery() {
    if (isAbsolute(target)) {
      int slash = target.indexOf('/', target.indexOf("//") + 2);
      return slash < 0 ? "/" : target.substring(slash);
    }
    return target;
  }

  /** The path without the query. */
  String path() {
    String pathAndQuery = pathAndQuery();
    int query = pathAndQuery.indexOf('?');
    return query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
  }
}
