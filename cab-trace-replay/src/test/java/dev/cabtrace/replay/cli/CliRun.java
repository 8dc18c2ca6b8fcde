package dev.cabtrace.replay.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in this JVM through its entry point, as the CLI tests do, and reads test fixtures. */
final class CliRun {

  /** What a run printed and how it exited. */
  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = CabTraceCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A trace fixture of the read package's tests. */
  static byte[] fixture(String name) throws IOException {
    try (InputStream in = CliRun.class.getResourceAsStream("/dev/cabtrace/replay/read/" + name)) {
      return in.readAllBytes();
    }
  }

  private CliRun() {}
}
