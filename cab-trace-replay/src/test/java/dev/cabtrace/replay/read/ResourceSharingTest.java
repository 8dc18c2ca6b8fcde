package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.Timeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceSharingTest {

  private static String line(String resourceAttributes, String spanId) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[" + resourceAttributes + "]},\"scopeSpans\":[{\"scope\":"
        + "{\"name\":\"s\"},\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"" + spanId
        + "\",\"name\":\"op\",\"kind\":1,\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"2000\"}]}]}]}\n";
  }

  private static String attribute(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
  }

  @Test
  void equalResourcesWrittenDifferentlyAreOneMapAndUnequalOnesAreNot(@TempDir Path dir)
      throws IOException, TraceReadException {
    String a = attribute("service.name", "AaAa");
    String b = attribute("cab.cell_id", "c1");
    String collidingWithA = attribute("service.name", "BBBB"); // unequal, though String.hashCode is the same
    Path file = dir.resolve("cell.jsonl");
    Files.writeString(file, line(a + "," + b, "00f067aa0ba902b7") + line(b + "," + a, "00f067aa0ba902b8")
        + line(collidingWithA + "," + b, "00f067aa0ba902b9"));
    Timeline timeline = TraceReader.builder().build().read(file);

    assertThat(timeline.spans()).hasSize(3);
    var first = timeline.spans().stream().filter(s -> s.spanId().endsWith("b7")).findFirst().orElseThrow();
    var reordered = timeline.spans().stream().filter(s -> s.spanId().endsWith("b8")).findFirst().orElseThrow();
    var other = timeline.spans().stream().filter(s -> s.spanId().endsWith("b9")).findFirst().orElseThrow();
    assertThat(reordered.resource()).isSameAs(first.resource());
    assertThat(other.resource()).isNotEqualTo(first.resource()).containsEntry("service.name", "BBBB");
  }
}
