package dev.cabtrace.examples.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The baseline the replay benchmarks compare with: one thread, one Jackson streaming parser,
 * {@code nextToken} over every byte of the files, nothing materialized. As a process of its own
 * ({@code main}) it pays the same JVM start-up as the CLI it is compared with.
 *
 * <p>With {@code --copy} it also writes every token back to standard output through a Jackson
 * generator (compact JSON, about as many bytes as it read): what reading and writing a file's worth
 * of JSON costs Jackson itself, next to the commands that print about as much as they read.
 */
public final class JacksonPass {

  /** Prints the number of tokens in the files given; with {@code --copy} first, the tokens themselves. */
  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("--copy")) {
      try (OutputStream out = new FileOutputStream(FileDescriptor.out)) {
        for (int i = 1; i < args.length; i++) {
          copy(Path.of(args[i]), out);
        }
      }
      return;
    }
    long tokens = 0;
    for (String file : args) {
      tokens += tokens(Path.of(file));
    }
    System.out.println(tokens);
  }

  /** Writes every token of {@code file} to {@code out} as compact JSON, a line a document. */
  static void copy(Path file, OutputStream out) throws IOException {
    JsonFactory json = new JsonFactory();
    try (InputStream in = Files.newInputStream(file);
        JsonParser parser = json.createParser(in);
        JsonGenerator generator = json.createGenerator(out)) {
      generator.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      generator.setRootValueSeparator(new SerializedString("\n"));
      while (parser.nextToken() != null) {
        generator.copyCurrentEvent(parser);
      }
    }
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
