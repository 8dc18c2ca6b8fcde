package dev.cabtrace.replay.page;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a {@link CellServer} answers with: HTML, its length known before a byte is sent, under
 * headers that keep it to itself (its content security policy, no sniffing, no referrer, no
 * caching); an error as a short page saying why.
 */
final class HtmlAnswers {

  private HtmlAnswers() {}

  static void send(HttpExchange exchange, int status, String title, String reason, boolean head) throws IOException {
    String body = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + status + " " + HtmlText.escape(title)
        + "</title></head><body><h1>" + status + " " + HtmlText.escape(title) + "</h1><p>" + HtmlText.fromTrace(reason)
        + "</p><p><a href=\"/\">Index</a></p></body></html>\n";
    respond(exchange, status, body, "default-src 'none'; base-uri 'none'; form-action 'none'", head);
  }

  static void respond(HttpExchange exchange, int status, String body, String policy, boolean head)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    headers(exchange, policy);
    if (head) {
      exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Answers with the page in {@code page}, its length known before a byte is sent. */
  static void respond(HttpExchange exchange, int status, Path page, String policy, boolean head)
      throws IOException {
    long length = Files.size(page);
    headers(exchange, policy);
    if (head) {
      exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, length);
    try (OutputStream out = exchange.getResponseBody()) {
      Files.copy(page, out);
    }
  }

  private static void headers(HttpExchange exchange, String policy) {
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Content-Security-Policy", policy);
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
  }
}
