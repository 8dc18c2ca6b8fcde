package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.HostileInputTest.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warnings a timeline gives about the tree name the line of the span, however the file was read. */
class WarningLinesTest {

  @TempDir Path dir;

  @Test
  void treeWarningsNameTheLineTheSpanWasReadFrom() throws IOException {
    StringBuilder content = new StringBuilder(line("0000000000000001", null, "root", 1000, 2000)).append('\n');
    for (int i = 2; i <= 3000; i++) {
      content.append(line(String.format("%016x", i), "0000000000000001", "child", 1100, 1200)).append('\n');
    }
    content.append(line("0000000000000f00", "ffffffffffffff00", "orphan", 1100, 1200)).append('\n');
    content.append(line("0000000000000f01", "0000000000000001", "skewed", 1500, 2500)).append('\n');
    Path file = Files.writeString(dir.resolve("cell.jsonl"), content);

    for (boolean scan : new boolean[] {true, false}) {
      Timeline timeline = TraceReader.builder().setByteScanner(scan).setParallelism(4).build().read(file);

      assertThat(timeline.warnings()).extracting(LoadWarning::toString).containsExactly(
          file + ":3001: span 0000000000000f00 (orphan): parent ffffffffffffff00 is not in the trace; shown as a root",
          file + ":3002: span 0000000000000f01 (skewed) runs outside its parent 0000000000000001 (root): clock skew?"
              + " times kept as recorded");
    }
  }
}
