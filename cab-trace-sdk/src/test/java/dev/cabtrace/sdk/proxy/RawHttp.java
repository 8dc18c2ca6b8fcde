package dev.cabtrace.sdk.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP/1.1 written and read byte for byte on a socket, for requests no HTTP client would send. */
final class RawHttp {

  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\nContent-Length: *(\\d+)\r\n");

  private RawHttp() {}

  /** A socket to the proxy on loopback with {@code request} sent on it. */
  static Socket send(int port, String request) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000); // a failing test ends with a timeout rather than hanging
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return socket;
  }

  /** Sends {@code request} and reads the answer until the server closes the connection. */
  static String exchange(int port, String request) throws IOException {
    try (Socket socket = send(port, request)) {
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** Reads a response's status line and headers, up to and with the empty line; no further. */
  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads the body {@code head} announces, to its end: its Content-Length, or its chunks (no trailers). */
  static String readBody(InputStream in, String head) throws IOException {
    Matcher length = CONTENT_LENGTH.matcher(head);
    if (length.find()) {
      return new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int size;
    while ((size = Integer.parseInt(readLine(in), 16)) > 0) {
      body.write(in.readNBytes(size));
      readLine(in);
    }
    readLine(in);
    return body.toString(StandardCharsets.UTF_8);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.append((char) b);
    }
    return line.toString().strip();
  }
}
