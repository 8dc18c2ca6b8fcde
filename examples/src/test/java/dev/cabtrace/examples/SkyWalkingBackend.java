package dev.cabtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real trace backend for the integration tests: Apache SkyWalking's OAP server, started as its
 * own JVM on 127.0.0.1. It takes OTLP/gRPC on 4317 and answers a Zipkin-compatible query API on
 * 9412 (configuration: {@code src/test/resources/skywalking/application.yml}).
 *
 * <p>Its ports are fixed, so there is one server per test run: the first class annotated
 * {@code @ExtendWith(SkyWalkingBackend.class)} starts it (in the root extension context's store),
 * the later ones reuse it, and JUnit stops it when the whole run ends. The classes share its data,
 * so each should make its own trace ids and sweep ids rather than count what the backend holds.
 */
final class SkyWalkingBackend implements BeforeAllCallback {

  /** The Zipkin-compatible query API. */
  static final String ZIPKIN = "http://127.0.0.1:9412/zipkin";
  /** The OTLP/gRPC endpoint, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} names it. */
  static final String OTLP_GRPC = "http://127.0.0.1:4317";

  static final ObjectMapper MAPPER = new ObjectMapper();
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SkyWalkingBackend.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Server.class, key -> Server.start(), Server.class);
  }

  /** The running OAP process; closed by JUnit when the root context's store closes. */
  static final class Server implements AutoCloseable {

    private final Process oap;
    private final Path log;

    private Server(Process oap, Path log) {
      this.oap = oap;
      this.log = log;
    }

    static Server start() {
      try {
        return startOrThrow();
      } catch (IOException e) {
        throw new AssertionError("SkyWalking OAP could not be started", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while starting SkyWalking OAP", e);
      } catch (java.net.URISyntaxException e) {
        throw new AssertionError(e);
      }
    }

    private static Server startOrThrow() throws IOException, InterruptedException, java.net.URISyntaxException {
      Path lib = Path.of(System.getProperty("skywalking.lib", "target/skywalking/lib"));
      assertThat(lib).as("SkyWalking jars (resolved at pre-integration-test)").isDirectory();
      Path config = Path.of(SkyWalkingBackend.class.getResource("/skywalking/application.yml").toURI()).getParent();
      for (int port : new int[] {4317, 9412, 11800, 12800}) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          assertThat(probe.getLocalPort()).isEqualTo(port);
        } catch (IOException e) {
          throw new AssertionError("port " + port + " on 127.0.0.1 is taken: SkyWalking needs it", e);
        }
      }
      Path log = Files.createTempFile("skywalking-oap-", ".log");
      Process oap = new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
              "-cp", config + java.io.File.pathSeparator + lib + "/*",
              "org.apache.skywalking.oap.server.starter.OAPServerStartUp")
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      Server server = new Server(oap, log);
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (true) {
        if (!oap.isAlive()) {
          throw new AssertionError("SkyWalking OAP exited with " + oap.exitValue() + ":\n" + server.tail());
        }
        try {
          if (CLIENT.send(HttpRequest.newBuilder(URI.create(ZIPKIN + "/api/v2/services")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200
              && Files.readString(log).contains("listening on 4317")) {
            return server;
          }
        } catch (IOException notYet) {
          // Not listening yet.
        }
        if (System.nanoTime() > deadline) {
          String tail = server.tail();
          server.close();
          throw new AssertionError("SkyWalking OAP not ready within 120 s:\n" + tail);
        }
        LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
      }
    }

    private String tail() {
      try {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }

    @Override
    public void close() throws InterruptedException {
      oap.descendants().forEach(ProcessHandle::destroyForcibly);
      oap.destroyForcibly();
      oap.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The trace as the backend's Zipkin API returns it, once all {@code spans} are there (bounded). */
  static JsonNode queryTrace(String traceId, int spans) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = CLIENT.send(
          HttpRequest.newBuilder(URI.create(ZIPKIN + "/api/v2/trace/" + traceId)).build(), HttpResponse.BodyHandlers.ofString());
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == 200) {
        JsonNode trace = MAPPER.readTree(response.body());
        if (trace.isArray() && trace.size() >= spans) {
          return trace;
        }
      }
      LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
    }
    throw new AssertionError("trace " + traceId + " never had " + spans + " spans in the backend; last answer: "
        + (last.length() > 2000 ? last.substring(0, 2000) + "..." : last));
  }
}
