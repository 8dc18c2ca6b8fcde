package dev.cabtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The example cell's {@code main} in a JVM of its own: what its console shows, as cab-trace record's does. */
@Timeout(120)
class ExampleCellIT {

  @TempDir Path dir;

  private record Result(int exit, String out, String err) {}

  private Result run(String otlpEndpoint, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ExampleCell.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("out.log").toFile())
        .redirectError(dir.resolve("err.log").toFile());
    builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint);
    Process cell = builder.start();
    assertThat(cell.waitFor(90, TimeUnit.SECONDS)).isTrue();
    return new Result(cell.exitValue(), Files.readString(dir.resolve("out.log"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.log"), StandardCharsets.UTF_8));
  }

  @Test
  void aRefusedBackendIsOneLineAsRecordSaysIt() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    Result cell = run("http://127.0.0.1:" + closedPort, "--out", dir.resolve("cell.jsonl").toString(), "--", "true");

    assertThat(cell.exit()).as(cell.err()).isZero();
    // Not the official exporter's SEVERE record of each failed export, with its stack trace, nor
    // java.util.logging's two-line records.
    assertThat(cell.err().lines()).as(cell.err()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("cab-trace: OTLP export to http://127.0.0.1:" + closedPort + "/v1/traces (http/protobuf) failed")
        .contains("Further failures are counted, not logged."));
    assertThat(cell.out()).contains("captured 5 spans");
  }

  @Test
  void aBackendThatNeverAnswersIsOneLineAtClose() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept()); // read nothing, answer nothing
          }
        } catch (IOException closed) {
          // the test is over
        }
      }, "silent-backend");
      acceptor.setDaemon(true);
      acceptor.start();
      Path capture = dir.resolve("cell.jsonl");

      Result cell = run("http://127.0.0.1:" + silent.getLocalPort(), "--out", capture.toString(), "--", "true");

      assertThat(cell.exit()).as(cell.err()).isZero();
      assertThat(cell.err().lines()).as(cell.err()).singleElement().satisfies(line -> assertThat(line)
          .startsWith("cab-trace: OTLP http://127.0.0.1:" + silent.getLocalPort()
              + "/v1/traces (http/protobuf) did not answer within 2000 ms at close; ")
          .contains("span(s) have not reached it")
          .contains("in the capture file " + capture));
      assertThat(cell.out()).contains("captured 5 spans");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }
}
