package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A span or a resource of hundreds of thousands of attributes loads in time linear in their
 * number: each was once looked for among all those before it, and 300,000 took minutes. The
 * timeout is a guard against a hang, not a measure: with the scan, 200,000 took over two minutes.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ManyAttributesTest {

  private static final int MANY = 200_000;

  @TempDir Path dir;

  /** {@code count} attributes k0, k1, ... whose values are their numbers as text, the last one's key repeated. */
  private static String attributes(int count) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      out.append(i == 0 ? "" : ",").append("{\"key\":\"k").append(i).append("\",\"value\":{\"stringValue\":\"v")
          .append(i).append("\"}}");
    }
    return out.append(']').toString();
  }

  private static String line(String spanId, String spanAttributes, String resourceAttributes) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":" + resourceAttributes + "},\"scopeSpans\":[{\"scope\":"
        + "{\"name\":\"t\"},\"spans\":[{\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"" + spanId
        + "\",\"name\":\"s\",\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"2000\",\"attributes\":"
        + spanAttributes + "}]}]}]}\n";
  }

  @Test
  void aSpanOfTwoHundredThousandAttributesLoadsAndDecodesEitherWay() throws IOException {
    Path file = Files.writeString(dir.resolve("many.jsonl"), line("0000000000000001", attributes(MANY), "[]"));
    for (TraceReader reader : List.of(TraceReader.create(), TraceReader.builder().setByteScanner(false).build())) {
      TimelineSpan span = reader.read(file).span(0);

      Map<String, Object> attributes = span.attributes();
      assertThat(attributes).hasSize(MANY);
      assertThat(new ArrayList<>(attributes.keySet()).get(MANY - 1)).isEqualTo("k" + (MANY - 1));
      assertThat(attributes.get("k12345")).isEqualTo("v12345");
      assertThat(attributes.equals(Map.copyOf(attributes))).isTrue();
    }
  }

  @Test
  void aResourceOfTwoHundredThousandAttributesLoadsAndComparesEqualToItsCopy() throws IOException {
    // The second line's resource is the first's laid out otherwise: read anew, and compared.
    String resource = attributes(MANY);
    Path file = Files.writeString(dir.resolve("resource.jsonl"), line("0000000000000001", "[]", resource)
        + line("0000000000000002", "[]", resource.replace("},{", "}, {")));

    Timeline timeline = TraceReader.create().read(file);

    assertThat(timeline.span(0).resource()).hasSize(MANY).containsEntry("k199999", "v199999");
    assertThat(timeline.span(1).resource().equals(timeline.span(0).resource())).isTrue();
    List<TimelineSpan> streamed = new ArrayList<>();
    TraceReader.create().stream(file, streamed::add);
    assertThat(streamed).hasSize(2);
    assertThat(streamed.get(1).resource()).hasSize(MANY);
  }
}
