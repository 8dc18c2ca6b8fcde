package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OTLP container of the wrong type (an object where the spans' array belongs, a string where an
 * arrayValue's object does) is ignored with a warning naming it and its line, by the byte scanner
 * and the Jackson reader alike: what it held is not in the timeline, and the load says so. A JSON
 * null is a field not written, and says nothing.
 */
class WrongShapesTest {

  private static final String SPAN = "{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"ID\",\"name\":\"NAME\","
      + "\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":\"1700000001000000000\",\"attributes\":[]}";

  @TempDir Path dir;

  private static String span(String id, String name) {
    return SPAN.replace("ID", id).replace("NAME", name);
  }

  private static String line(String spans) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"s\"},\"spans\":["
        + spans + "]}]}]}\n";
  }

  /** The content read by the byte scanner, by the Jackson reader alone, and by the scanner from a file. */
  private List<Timeline> everyWay(String content) throws IOException {
    Path file = Files.writeString(dir.resolve("shapes.jsonl"), content);
    return List.of(TraceReaderTest.read(content), TraceReader.builder().setByteScanner(false).build()
        .read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "test.jsonl"),
        TraceReader.create().read(file));
  }

  private static List<String> messages(Timeline timeline) {
    return timeline.warnings().stream().map(LoadWarning::message).toList();
  }

  @Test
  void aContainerOfSpansOfTheWrongTypeIsIgnoredWithAWarningNamingItsField() throws IOException {
    String content = line(span("0000000000000001", "kept"))
        + "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":" + span("0000000000000002", "lost") + "}]}]}\n"
        + "{\"resourceSpans\":[{\"scopeSpans\":" + span("0000000000000003", "lost") + "}]}\n"
        + "{\"resourceSpans\":{\"scopeSpans\":[]}}\n"
        + line(span("0000000000000004", "events").replace("\"attributes\":[]", "\"events\":{\"name\":\"e\"}"))
        + line(span("0000000000000005", "status").replace("\"attributes\":[]", "\"status\":[2]"))
        + line(span("0000000000000006", "resource")).replace("{\"attributes\":[]}", "[]")
        + line(span("0000000000000007", "scope")).replace("{\"name\":\"s\"}", "\"s\"")
        + line(span("0000000000000008", "nulls").replace("\"attributes\":[]", "\"attributes\":null,\"events\":null"))
            .replace("{\"attributes\":[]}", "null");
    for (Timeline timeline : everyWay(content)) {
      assertThat(timeline.spans()).extracting(TimelineSpan::name)
          .containsExactly("kept", "events", "status", "resource", "scope", "nulls");
      assertThat(timeline.warnings()).extracting(LoadWarning::line).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L);
      assertThat(messages(timeline)).containsExactly(
          "spans is an object, not an array; ignored",
          "scopeSpans is an object, not an array; ignored",
          "resourceSpans is an object, not an array; ignored",
          "events is an object, not an array; ignored",
          "status is an array, not an object; ignored",
          "resource is an array, not an object; ignored",
          "scope is a string, not an object; ignored");
    }
  }

  @Test
  void attributesOrAValueOfTheWrongTypeAreIgnoredWithAWarningNamingTheAttribute() throws IOException {
    // One odd attribute a line, after a plain one: each line is read whole by the one reader that takes it.
    List<String> odd = List.of("{\"key\":\"text\",\"value\":{\"arrayValue\":\"x\"}}",
        "{\"key\":\"list\",\"value\":{\"arrayValue\":{\"values\":{\"stringValue\":\"x\"}}}}",
        "{\"key\":\"element\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"x\"},7]}}}",
        "{\"key\":\"map\",\"value\":{\"kvlistValue\":[{\"key\":\"k\",\"value\":{\"stringValue\":\"x\"}}]}}",
        "{\"key\":\"entries\",\"value\":{\"kvlistValue\":{\"values\":{}}}}",
        "{\"key\":\"bare\",\"value\":\"x\"}",
        "{\"key\":\"nested\",\"value\":{\"stringValue\":{\"text\":\"x\"}}}",
        "{\"key\":\"unset\",\"value\":{\"arrayValue\":null}}");
    StringBuilder content = new StringBuilder(line(span("0000000000000001", "object").replace("\"attributes\":[]",
        "\"attributes\":{\"key\":\"a\",\"value\":{\"stringValue\":\"x\"}}")));
    for (int i = 0; i < odd.size(); i++) {
      content.append(line(span(String.format("%016x", i + 2), "values").replace("\"attributes\":[]",
          "\"attributes\":[{\"key\":\"kept\",\"value\":{\"stringValue\":\"x\"}}," + odd.get(i) + "]")));
    }
    for (Timeline timeline : everyWay(content.toString())) {
      assertThat(timeline.spanNamed("object").attributes()).isEmpty();
      assertThat(timeline.spans()).hasSize(1 + odd.size()).allMatch(span -> span.attributes().size() <= 2)
          .filteredOn(span -> span.name().equals("values")).allMatch(span -> "x".equals(span.attribute("kept")));
      assertThat(timeline.span(2).attribute("list")).isEqualTo(List.of());
      assertThat(timeline.span(3).attribute("element")).isEqualTo(java.util.Arrays.asList("x", null));
      assertThat(timeline.span(5).attribute("entries")).isEqualTo(java.util.Map.of());
      assertThat(timeline.warnings()).extracting(LoadWarning::line).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
      assertThat(messages(timeline)).containsExactly(
          "attributes is an object, not an array; ignored",
          "attribute text: arrayValue is a string, not an object; ignored",
          "attribute list: the values of its arrayValue are an object, not an array; left out",
          "attribute element: an element of its arrayValue is a number, not an AnyValue object; read as null",
          "attribute map: kvlistValue is an array, not an object; ignored",
          "attribute entries: the values of its kvlistValue are an object, not an array; left out",
          "attribute bare: its value is a string, not an AnyValue object; ignored",
          "attribute nested: stringValue is an object, not a value; ignored");
    }
  }
}
