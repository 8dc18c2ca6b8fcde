package dev.cabtrace.replay.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.api.CellSpan;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A unit test's in-memory capture must not export anywhere, whatever OTEL_EXPORTER_OTLP_* the
 * machine sets. The environment of this JVM cannot be changed, so a child JVM gets it.
 */
class InMemoryCaptureEnvironmentTest {

  /** Run in the child: a cell traced into the in-memory capture, then closed (which flushes). */
  public static void main(String[] args) {
    try (InMemoryCellCapture capture = new InMemoryCellCapture("child")) {
      try (CellSpan span = capture.tracer().toolCall("in-memory-only")) {
        span.setAttribute("k", "v");
      }
      System.out.println("spans=" + capture.timeline().size());
    }
  }

  @Test
  void anOtlpEndpointInTheEnvironmentReceivesNothingFromTheInMemoryCapture() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    backend.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    backend.start();
    try {
      ProcessBuilder child = new ProcessBuilder(
          System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
          "-cp", System.getProperty("java.class.path"), InMemoryCaptureEnvironmentTest.class.getName())
          .redirectErrorStream(true);
      child.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + backend.getAddress().getPort());
      Process process = child.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

      assertThat(output).contains("spans=1");
      assertThat(requests.get()).as("requests to the backend the environment names").isZero();
    } finally {
      backend.stop(0);
    }
  }
}
