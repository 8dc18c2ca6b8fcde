package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.fieldValues;
import static dev.cabtrace.replay.cli.CliRun.fixtureIn;
import static dev.cabtrace.replay.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.cli.CliRun.Result;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a command reads its trace from besides a file: stdin ({@code -}), or a pipe given by its path. */
class TraceInputsCliTest {

  @TempDir Path dir;

  @Test
  void readsStdinWithADash() throws IOException {
    InputStream saved = System.in;
    try (InputStream in = Files.newInputStream(fixtureIn(dir, "seed-cell.zipkin.json"))) {
      System.setIn(in);
      Result result = run("show", "-", "--json");
      assertThat(result.exit()).isZero();
      assertThat(fieldValues(result.out(), "kind")).contains("container", "cleanup");
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  // A reader that opens the pipe a second time waits for a writer that never comes: failed, not hung.
  @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void readsATraceFromAPipeByItsPathAsFromTheFile() throws Exception {
    // `cab-trace show <(zcat cell.jsonl.gz)`: a path that cannot be read twice, where a file's
    // attributes are left in it and read back when shown.
    Path file = fixtureIn(dir, "seed-cell.otlp.jsonl");
    for (String command : List.of("show", "html")) {
      Path pipe = dir.resolve(command + ".pipe");
      assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
      Thread writer = new Thread(() -> {
        try {
          Files.write(pipe, Files.readAllBytes(file));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      writer.setDaemon(true);
      writer.start();
      List<String> args = command.equals("show") ? List.of("show", "--json") : List.of("html", "-o", dir.resolve("pipe.html").toString());
      Result fromPipe = run(concat(args, pipe.toString()));
      writer.join();
      Result fromFile = run(command.equals("show") ? concat(args, file.toString())
          : List.of("html", file.toString(), "-o", dir.resolve("file.html").toString()).toArray(new String[0]));

      assertThat(fromPipe.err()).as(command).isEmpty();
      assertThat(fromPipe.exit()).as(command).isZero();
      if (command.equals("show")) {
        assertThat(fromPipe.out().replace(pipe.toString(), "FILE")).isEqualTo(fromFile.out().replace(file.toString(), "FILE"));
        assertThat(fromPipe.out()).contains("\"task_category\"");
      } else {
        assertThat(Files.readString(dir.resolve("pipe.html")).replace(pipe.getFileName().toString(), "FILE"))
            .isEqualTo(Files.readString(dir.resolve("file.html")).replace(file.getFileName().toString(), "FILE"));
      }
    }
  }

  private static String[] concat(List<String> args, String last) {
    List<String> all = new ArrayList<>(args);
    all.add(1, last);
    return all.toArray(new String[0]);
  }
}
