package dev.cabtrace.sdk.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local upstream whose answers each test writes itself, on a growing thread pool so that it is
 * never the bottleneck of a load test. Remembers the headers of the last request per path.
 */
final class ScriptedUpstream implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "scripted-upstream");
    thread.setDaemon(true);
    return thread;
  });
  final Map<String, Map<String, List<String>>> lastHeaders = new ConcurrentHashMap<>();

  ScriptedUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
    server.setExecutor(executor);
    server.start();
  }

  ScriptedUpstream on(String path, HttpHandler handler) {
    server.createContext(path, exchange -> {
      lastHeaders.put(path, Map.copyOf(exchange.getRequestHeaders()));
      exchange.getRequestBody().readAllBytes();
      try {
        handler.handle(exchange);
      } finally {
        exchange.close();
      }
    });
    return this;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Sends {@code parts} as one streamed body, flushing after each, with {@code gapMillis} between. */
  static void stream(HttpExchange exchange, String contentType, String contentEncoding, List<byte[]> parts, long gapMillis)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (contentEncoding != null) {
      exchange.getResponseHeaders().set("Content-Encoding", contentEncoding);
    }
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0 && gapMillis > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(gapMillis * 1_000_000L);
      }
      out.write(parts.get(i));
      out.flush();
    }
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
