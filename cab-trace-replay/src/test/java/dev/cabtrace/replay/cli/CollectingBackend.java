package dev.cabtrace.replay.cli;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/HTTP backend on loopback that keeps every export request it gets, as the official
 * protobuf classes parse it.
 */
final class CollectingBackend implements AutoCloseable {

  /** A span received, in the resource spans and scope spans it came in. */
  record Received(ResourceSpans resourceSpans, ScopeSpans scopeSpans, Span span) {}

  private final HttpServer server;
  private final List<ExportTraceServiceRequest> requests = new CopyOnWriteArrayList<>();

  private CollectingBackend() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext("/v1/traces", exchange -> {
      requests.add(ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
  }

  /** A backend, started. */
  static CollectingBackend start() throws IOException {
    CollectingBackend backend = new CollectingBackend();
    backend.server.start();
    return backend;
  }

  /** Its URL, for {@code push --endpoint}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The requests received so far, in order. */
  List<ExportTraceServiceRequest> requests() {
    return requests;
  }

  /** The spans received so far, in order. */
  List<Span> spans() {
    return received().stream().map(Received::span).toList();
  }

  /** The spans received so far, in order, each in its resource spans and scope spans. */
  List<Received> received() {
    List<Received> received = new ArrayList<>();
    for (ExportTraceServiceRequest request : requests) {
      for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          for (Span span : scopeSpans.getSpansList()) {
            received.add(new Received(resourceSpans, scopeSpans, span));
          }
        }
      }
    }
    return received;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
