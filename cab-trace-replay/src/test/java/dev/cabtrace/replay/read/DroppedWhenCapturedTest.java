package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the capturing SDK's span limits dropped of a span (its {@code dropped*Count}s) is not in the
 * trace: the load says so, span by span, whichever path reads the line, and a trace where every
 * span lost some says it in a bounded number of lines.
 */
class DroppedWhenCapturedTest {

  @TempDir Path dir;

  @Test
  void aSpanThatLostAttributesEventsOrLinksIsNamedWithWhatItLost() throws IOException {
    Path file = dir.resolve("dropped.jsonl");
    Files.write(file, List.of(
        line("00000000000000a1", "kept whole", ",\"droppedAttributesCount\":0,\"droppedEventsCount\":0,\"droppedLinksCount\":0"),
        line("00000000000000a2", "chat gpt-5", ",\"droppedAttributesCount\":3,\"droppedEventsCount\":130"),
        line("00000000000000a3", "tool_call shell", ",\"droppedLinksCount\":\"2\"")), StandardCharsets.UTF_8);
    for (TraceReader reader : readers()) {
      Timeline timeline = reader.read(file);
      assertThat(timeline.spans()).hasSize(3);
      assertThat(timeline.warnings()).extracting(LoadWarning::toString).containsExactly(
          file + ":2: span 00000000000000a2 (chat gpt-5): the SDK that captured it dropped 3 attribute(s), 130 event(s)"
              + " (its span limits); the trace does not hold them",
          file + ":3: span 00000000000000a3 (tool_call shell): the SDK that captured it dropped 2 link(s)"
              + " (its span limits); the trace does not hold them");
    }
  }

  @Test
  void aTraceWhereEverySpanLostSomeSaysSoInABoundedNumberOfLines() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      lines.add(line(String.format("%016x", i + 1), "s" + i, ",\"droppedEventsCount\":7"));
    }
    Path file = dir.resolve("many.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    for (TraceReader reader : readers()) {
      List<LoadWarning> warnings = reader.read(file).warnings();
      assertThat(warnings).hasSizeLessThanOrEqualTo(21);
      assertThat(warnings.get(0).toString()).contains("span 0000000000000001 (s0)", "dropped 7 event(s)");
      assertThat(warnings.get(warnings.size() - 1).toString())
          .contains((5_000 - (warnings.size() - 1)) + " more warning(s) of the kind \"dropped when captured\"");
    }
  }

  private static List<TraceReader> readers() {
    return List.of(TraceReader.builder().setParallelism(1).build(),
        TraceReader.builder().setParallelism(1).setByteScanner(false).build(),
        TraceReader.builder().setParallelism(3).build());
  }

  private static String line(String spanId, String name, String more) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},"
        + "\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"" + spanId + "\",\"name\":\"" + name
        + "\",\"kind\":1,\"startTimeUnixNano\":\"1000000000\",\"endTimeUnixNano\":\"2000000000\",\"attributes\":[]"
        + more + ",\"status\":{}}]}]}]}";
  }
}
