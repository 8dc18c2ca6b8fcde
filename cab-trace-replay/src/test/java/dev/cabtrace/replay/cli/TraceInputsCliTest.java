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

  @Test
  @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aPageOfAPipeNeedsItsName() throws Exception {
    // `cab-trace html <(zcat cell.jsonl.gz)`: the page beside FILE would be /dev/fd/63.html.
    Path pipe = dir.resolve("cell.pipe");
    assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
    byte[] trace = CliRun.fixture("seed-cell.otlp.jsonl");
    Thread writer = new Thread(() -> {
      try {
        Files.write(pipe, trace);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    writer.setDaemon(true);
    writer.start();

    Result result = run("html", pipe.toString());
    if (writer.isAlive()) {
      try (InputStream in = Files.newInputStream(pipe)) {
        in.readAllBytes(); // the writer waits for a reader: refused, html never opened the pipe
      }
    }
    writer.join();

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("cab-trace: " + pipe + " is not a regular file: name the page with -o OUT.html\n");
    assertThat(dir.resolve("cell.pipe.html")).doesNotExist();
  }

  @Test
  void aPageThatCannotBeMadeIsSaidInWords() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
    Path file = fixtureIn(dir, "seed-cell.otlp.jsonl");

    // A directory where no file can be made: what html <(...) made of /dev/fd/63 before.
    Result result = run("html", file.toString(), "-o", "/proc/self/cell.html");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("cab-trace: cannot write /proc/self/cell.html: no such file or directory\n");
  }

  private static String[] concat(List<String> args, String last) {
    List<String> all = new ArrayList<>(args);
    all.add(1, last);
    return all.toArray(new String[0]);
  }
}
