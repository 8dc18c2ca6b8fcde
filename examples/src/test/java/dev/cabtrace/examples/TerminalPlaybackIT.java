package dev.cabtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.cli.CabTraceCli;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.ReplayCursor;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture a real subprocess's output, step through it, export it as asciicast v2, play it back. */
class TerminalPlaybackIT {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  private Path captureCell() {
    Path out = dir.resolve("cell.jsonl");
    int exit =
        ExampleCell.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            "--out", out.toString(),
            "--", "sh", "-c", "echo building; sleep 0.4; printf 'compiled \\033[32mok\\033[0m\\n'; sleep 0.4; echo 'tests: 3 passed'");
    assertThat(exit).isZero();
    return out;
  }

  @Test
  void steppingThroughTheContainerGrowsTheOutputLineByLineAtTheRightMoments() throws IOException {
    Timeline timeline = TraceReader.create().read(captureCell());
    ReplayCursor cursor = timeline.cursor();
    while (cursor.selected() == null || !cursor.selected().kindName().equals("container")) {
      cursor.stepSpanForward();
    }
    List<Integer> linesSeen = new ArrayList<>();
    long end = timeline.offsetNanos(cursor.selected().endEpochNanos());
    while (true) {
      String text = cursor.frame().output().text(null);
      int lines = (int) text.chars().filter(c -> c == '\n').count();
      if (linesSeen.isEmpty() || linesSeen.get(linesSeen.size() - 1) != lines) {
        linesSeen.add(lines);
      }
      if (cursor.offsetNanos() >= end) {
        break;
      }
      cursor.tickForward();
    }
    // The output grows one line at a time as the 100 ms ticks pass the moments they were printed.
    assertThat(linesSeen).containsSubsequence(1, 2, 3);
    assertThat(linesSeen.get(linesSeen.size() - 1)).isEqualTo(3);
    assertThat(timeline.frame(end).output().text(null)).isEqualTo("building\ncompiled \u001b[32mok\u001b[0m\ntests: 3 passed\n");
  }

  @Test
  void castExportsAsciicastV2ThatAsciinemaPlaysBack() throws Exception {
    Path trace = captureCell();
    ByteArrayOutputStream cast = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = CabTraceCli.run(new PrintStream(cast, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        "cast", trace.toString());
    assertThat(exit).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();

    List<String> lines = cast.toString(StandardCharsets.UTF_8).lines().toList();
    JsonNode header = MAPPER.readTree(lines.get(0));
    assertThat(header.get("version").asInt()).isEqualTo(2);
    assertThat(header.get("width").isInt()).isTrue();
    assertThat(header.get("height").isInt()).isTrue();
    assertThat(header.get("timestamp").asLong()).isGreaterThan(1_700_000_000L);
    double previous = 0;
    StringBuilder played = new StringBuilder();
    for (String line : lines.subList(1, lines.size())) {
      JsonNode event = MAPPER.readTree(line);
      assertThat(event.isArray()).isTrue();
      assertThat(event.size()).isEqualTo(3);
      assertThat(event.get(0).asDouble()).isGreaterThanOrEqualTo(previous);
      assertThat(event.get(1).asText()).isEqualTo("o");
      previous = event.get(0).asDouble();
      played.append(event.get(2).asText());
    }
    assertThat(lines).hasSize(4);
    assertThat(previous).isGreaterThan(0.7);
    assertThat(played.toString()).isEqualTo("building\r\ncompiled \u001b[32mok\u001b[0m\r\ntests: 3 passed\r\n");

    Path file = Files.writeString(dir.resolve("run.cast"), cast.toString(StandardCharsets.UTF_8));
    assumeTrue(onPath("asciinema") && onPath("script"), "asciinema (Debian package) is not installed; .ci/run installs it");
    // asciinema cat wants a terminal: script gives it a pseudo-terminal.
    Process process = new ProcessBuilder("script", "-qec", "asciinema cat " + file, "/dev/null")
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true)
        .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output.replace("\r", "")).contains("building\ncompiled \u001b[32mok\u001b[0m\ntests: 3 passed\n");
  }

  private static boolean onPath(String command) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(directory, command))) {
        return true;
      }
    }
    return false;
  }
}
