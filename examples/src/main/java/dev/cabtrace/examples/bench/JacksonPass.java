package dev.cabtrace.examples.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The baseline the replay benchmarks compare with: one thread, one Jackson streaming parser,
 * {@code nextToken} over every byte of the files, nothing materialized. As a process of its own
 * ({@code main}) it pays the same JVM start-up as the CLI it is compared with.
 */
public final class JacksonPass {

  /** Prints the number of tokens in the files given. */
  public static void main(String[] args) throws IOException {
    long tokens = 0;
    for (String file : args) {
      tokens += tokens(Path.of(file));
    }
    System.out.println(tokens);
  }

  /** The number of JSON tokens in {@code file}. */
  static long tokens(Path file) throws IOException {
    JsonFactory json = new JsonFactory();
    long tokens = 0;
    try (InputStream in = Files.newInputStream(file);
        JsonParser parser = json.createParser(in)) {
      while (parser.nextToken() != null) {
        tokens++;
      }
    }
    return tokens;
  }

  private JacksonPass() {}
}
