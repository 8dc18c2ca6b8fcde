package dev.cabtrace.sdk.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The response on the client's connection: status and headers once, then the body with a
 * content-length, chunked (HTTP/1.1, length unknown) or ended by closing (HTTP/1.0). Just before
 * the bytes that end it are handed on (or the connection is broken), {@code ending} runs, once: by
 * the time the client can see the answer end, whatever it does next finds that done.
 */
final class ClientResponse {

  private final ClientSocketOutput connection;
  private final OutputStream out;
  private final boolean http11;
  private final boolean headRequest;
  private Runnable ending; // null once run
  private boolean started;
  private boolean closeAfter;
  private boolean aborted;
  private OutputStream body;

  /** {@code out} writes to {@code connection}, buffered. */
  ClientResponse(ClientSocketOutput connection, OutputStream out, boolean http11, boolean headRequest,
      Runnable ending) {
    this.connection = connection;
    this.out = out;
    this.http11 = http11;
    this.headRequest = headRequest;
    this.ending = ending;
  }

  /**
   * Sends the status line and headers. {@code contentLength} -1 means unknown; bodies of HEAD
   * requests and of 1xx/204/304 answers are never sent.
   */
  void start(int status, Iterable<? extends Map.Entry<String, ? extends List<String>>> headers, long contentLength)
      throws IOException {
    StringBuilder head = new StringBuilder(256);
    head.append(http11 ? "HTTP/1.1 " : "HTTP/1.0 ").append(status).append(' ').append(reason(status)).append("\r\n");
    for (Map.Entry<String, ? extends List<String>> header : headers) {
      for (String value : header.getValue()) {
        head.append(header.getKey()).append(": ").append(value).append("\r\n");
      }
    }
    boolean bodyless = headRequest || status == 204 || status == 304 || (status >= 100 && status < 200);
    if (bodyless) {
      if (contentLength >= 0 && headRequest) {
        head.append("Content-Length: ").append(contentLength).append("\r\n");
      }
      body = OutputStream.nullOutputStream();
    } else if (contentLength >= 0) {
      head.append("Content-Length: ").append(contentLength).append("\r\n");
      body = new BoundedBody(contentLength);
    } else if (http11) {
      head.append("Transfer-Encoding: chunked\r\n");
      body = new ChunkedBody(out);
    } else {
      closeAfter = true;
      body = out;
    }
    if (closeAfter) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    if (bodyless || contentLength == 0) {
      ending(); // the head is the whole answer
    }
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    // Sent now, not with the first body byte: a reasoning model may think for minutes before it,
    // and clients give up on an answer whose headers do not come.
    out.flush();
    started = true;
  }

  /** Marks the connection to be closed after this response (sends {@code Connection: close}). */
  void closeAfter() {
    closeAfter = true;
  }

  /** Where the body goes; call after {@link #start}. */
  OutputStream body() {
    return body;
  }

  /** Ends the response cleanly. */
  void finish() throws IOException {
    ending();
    if (body instanceof ChunkedBody) {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.flush();
  }

  /** Breaks the connection without ending the response: the client sees a failure, not an answer. */
  void abort() {
    aborted = true;
    ending();
    connection.reset();
  }

  private void ending() {
    Runnable run = ending;
    if (run != null) {
      ending = null;
      run.run();
    }
  }

  /**
   * Whether the connection was cut because the client had stopped reading: a write to it made no
   * progress for the client write timeout.
   */
  boolean clientStoppedReading() {
    return connection.stoppedReading();
  }

  boolean started() {
    return started;
  }

  boolean aborted() {
    return aborted;
  }

  boolean mustClose() {
    return closeAfter || aborted;
  }

  static String reason(int status) {
    switch (status) {
      case 200: return "OK";
      case 201: return "Created";
      case 204: return "No Content";
      case 304: return "Not Modified";
      case 400: return "Bad Request";
      case 401: return "Unauthorized";
      case 403: return "Forbidden";
      case 404: return "Not Found";
      case 405: return "Method Not Allowed";
      case 413: return "Content Too Large";
      case 429: return "Too Many Requests";
      case 431: return "Request Header Fields Too Large";
      case 500: return "Internal Server Error";
      case 501: return "Not Implemented";
      case 502: return "Bad Gateway";
      case 503: return "Service Unavailable";
      case 504: return "Gateway Timeout";
      default: return "Status";
    }
  }

  /** A chunked body: each write is one chunk, so a streamed event leaves at once. */
  private static final class ChunkedBody extends OutputStream {
    private final OutputStream out;

    ChunkedBody(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (length == 0) {
        return;
      }
      out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes, offset, length);
      out.write('\r');
      out.write('\n');
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }

  /** A body with a declared length: never writes past it. */
  private final class BoundedBody extends OutputStream {
    private long remaining;

    BoundedBody(long length) {
      this.remaining = length;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (length > remaining) {
        throw new IOException("upstream sent more than its content-length");
      }
      if (length == remaining) {
        ending();
      }
      out.write(bytes, offset, length);
      remaining -= length;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }
}
