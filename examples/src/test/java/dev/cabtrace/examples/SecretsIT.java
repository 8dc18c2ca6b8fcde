package dev.cabtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell run with an API key in its environment and a bearer token on its command line, which its
 * command also prints: neither may reach the capture file nor the OTLP backend.
 */
class SecretsIT {

  private static final String API_KEY = "sk-proj-LEAKCANARY0123456789abcdef";
  private static final String TOKEN = "ghp_LEAKCANARY0123456789abcdefABCDEF";

  @TempDir Path dir;

  @Test
  void secretsReachNeitherTheCaptureFileNorTheBackend() throws Exception {
    List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    backend.createContext("/v1/traces", exchange -> {
      received.add(ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    backend.start();
    Path capture = dir.resolve("cell.jsonl");
    try {
      ProcessBuilder builder = new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp", System.getProperty("java.class.path"),
              ExampleCell.class.getName(), "--out", capture.toString(),
              "--", "sh", "-c", "echo key=$OPENAI_API_KEY; echo \"Authorization: Bearer $1\"; echo OPENAI_API_KEY=$OPENAI_API_KEY >&2",
              "agent", TOKEN)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("adapter.log").toFile());
      builder.environment().put("OPENAI_API_KEY", API_KEY);
      builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + backend.getAddress().getPort());
      Process adapter = builder.start();
      assertThat(adapter.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(adapter.exitValue()).isZero();
    } finally {
      backend.stop(0);
    }

    String captured = Files.readString(capture);
    String exported = received.toString();
    assertThat(received).isNotEmpty();
    assertThat(captured).contains("container").contains("[REDACTED]");
    for (String text : List.of(captured, exported)) {
      assertThat(text).doesNotContain("LEAKCANARY");
    }
    // The command itself still ran with the real values: the console saw them.
    assertThat(Files.readString(dir.resolve("adapter.log"))).contains(API_KEY);
  }
}
