package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

  /** The fixture {@code name} copied into {@code dir}, as a file a command is given. */
  static Path fixtureIn(Path dir, String name) throws IOException {
    return Files.write(dir.resolve(name), fixture(name));
  }

  /** Every string value of {@code field} anywhere in the JSON document. */
  static List<String> fieldValues(String json, String field) throws IOException {
    List<String> values = new ArrayList<>();
    try (JsonParser parser = new JsonFactory().createParser(json)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME && parser.currentName().equals(field)) {
          if (parser.nextToken() == JsonToken.VALUE_STRING) {
            values.add(parser.getText());
          }
        }
      }
    }
    return values;
  }

  private CliRun() {}
}
