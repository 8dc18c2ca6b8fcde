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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attribute values read as they were written, by the byte scanner (from a stream and from a file,
 * where they are decoded when asked for) and by the Jackson reader alike: what cannot be kept as
 * written is kept as close to it as can be, with a warning naming the attribute and its line.
 */
class AttributeValuesTest {

  @TempDir Path dir;

  /** One OTLP line of one span named {@code name} with {@code attributes} (an OTLP list's elements). */
  static String line(String name, String attributes) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"s\"},\"spans\":[{"
        + "\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"" + String.format("%016x", (name.hashCode() & 0xffffffffL) + 1)
        + "\",\"name\":\"" + name + "\",\"startTimeUnixNano\":\"1700000000000000000\","
        + "\"endTimeUnixNano\":\"1700000001000000000\",\"attributes\":[" + attributes + "]}]}]}]}\n";
  }

  /** The content read by the byte scanner, by the Jackson reader alone, and by the scanner from a file. */
  private List<Timeline> everyWay(String content) throws IOException {
    Path file = Files.writeString(dir.resolve("values.jsonl"), content);
    return List.of(TraceReaderTest.read(content), TraceReader.builder().setByteScanner(false).build()
        .read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "test.jsonl"),
        TraceReader.create().read(file));
  }

  private static List<String> messages(Timeline timeline) {
    return timeline.warnings().stream().map(w -> w.line() + ": " + w.message()).toList();
  }

  @Test
  void anAnyValueWithNoValueIsANullKeptInItsPlace() throws IOException {
    String content = line("empty", "{\"key\":\"arr\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"x\"},{},"
        + "{\"stringValue\":\"y\"}]}}},{\"key\":\"e\",\"value\":{}},{\"key\":\"after\",\"value\":{\"stringValue\":\"z\"}}")
        + line("hot", "{\"key\":\"cab.span.kind\",\"value\":{}},{\"key\":\"gen_ai.response.finish_reasons\","
            + "\"value\":{\"arrayValue\":{\"values\":[{},{\"stringValue\":\"stop\"}]}}}")
        + line("unset", "{\"key\":\"none\"},{\"key\":\"nulled\",\"value\":null},"
            + "{\"key\":\"map\",\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"inner\",\"value\":{}}]}}}");
    for (Timeline timeline : everyWay(content)) {
      TimelineSpan empty = timeline.spanNamed("empty");
      assertThat(empty.attributes()).containsOnlyKeys("arr", "e", "after").containsKey("e");
      assertThat(empty.attribute("arr")).isEqualTo(Arrays.asList("x", null, "y"));
      assertThat(empty.attribute("e")).isNull();
      assertThat(empty.attribute("after")).isEqualTo("z");
      TimelineSpan hot = timeline.spanNamed("hot");
      assertThat(hot.attributes()).containsKey("cab.span.kind");
      assertThat(hot.attribute("gen_ai.response.finish_reasons")).isEqualTo(Arrays.asList(null, "stop"));
      TimelineSpan unset = timeline.spanNamed("unset");
      assertThat(unset.attributes()).containsOnlyKeys("none", "nulled", "map");
      assertThat(unset.attribute("map")).isEqualTo(java.util.Collections.singletonMap("inner", null));
      assertThat(timeline.warnings()).isEmpty();
    }
  }

  @Test
  void anAttributeWithoutAKeyOrWithAFieldOfNoAnyValueIsNamedWithItsLine() throws IOException {
    String content = line("a", "{\"key\":\"kept\",\"value\":{\"stringValue\":\"x\"}},{\"value\":{\"stringValue\":\"lost\"}}")
        + line("b", "{\"key\":\"map\",\"value\":{\"kvlistValue\":{\"values\":[{\"value\":{\"intValue\":\"1\"}},"
            + "{\"key\":\"k\",\"value\":{\"intValue\":\"2\"}}]}}}")
        + line("c", "{\"key\":\"future\",\"value\":{\"stringValueStrindex\":3}}");
    for (Timeline timeline : everyWay(content)) {
      assertThat(timeline.spanNamed("a").attributes()).isEqualTo(Map.of("kept", "x"));
      assertThat(timeline.spanNamed("b").attribute("map")).isEqualTo(Map.of("k", 2L));
      assertThat(timeline.spanNamed("c").attributes()).containsOnlyKeys("future");
      assertThat(messages(timeline)).containsExactly(
          "1: an attribute without a key; skipped",
          "2: attribute map: a key-value in the values of its kvlistValue has no key; left out",
          "3: attribute future: its value has a field stringValueStrindex, which is not an AnyValue's; ignored");
    }
  }

  @Test
  void anIntegerBeyond64BitsInQuotesIsKeptAsTextWithTheWarningABareOneGets() throws IOException {
    String content = line("wide", "{\"key\":\"n\",\"value\":{\"intValue\":\"9223372036854775808\"}},"
        + "{\"key\":\"m\",\"value\":{\"intValue\":9223372036854775808}},"
        + "{\"key\":\"fits\",\"value\":{\"intValue\":\"-9223372036854775808\"}}")
        + line("nested", "{\"key\":\"list\",\"value\":{\"arrayValue\":{\"values\":[{\"intValue\":\"-99999999999999999999\"}]}}}")
        + line("event", "").replace("\"attributes\":[]", "\"events\":[{\"timeUnixNano\":\"1700000000500000000\",\"name\":\"e\","
            + "\"attributes\":[{\"key\":\"count\",\"value\":{\"intValue\":\"18446744073709551616\"}}]}]");
    for (Timeline timeline : everyWay(content)) {
      TimelineSpan wide = timeline.spanNamed("wide");
      assertThat(wide.attributes()).isEqualTo(Map.of("n", "9223372036854775808", "m", "9223372036854775808",
          "fits", Long.MIN_VALUE));
      assertThat(timeline.spanNamed("nested").attribute("list")).isEqualTo(List.of("-99999999999999999999"));
      assertThat(timeline.spanNamed("event").events().get(0).attributes()).containsEntry("count", "18446744073709551616");
      assertThat(messages(timeline)).containsExactly(
          "1: attribute n: intValue 9223372036854775808 does not fit a 64-bit integer; kept as text",
          "1: attribute m: intValue 9223372036854775808 does not fit a 64-bit integer; kept as text",
          "2: attribute list: intValue -99999999999999999999 does not fit a 64-bit integer; kept as text",
          "3: attribute count: intValue 18446744073709551616 does not fit a 64-bit integer; kept as text");
    }
  }

  @Test
  void aValueThatIsNotOfItsTypeIsKeptAsWrittenWithAWarning() throws IOException {
    String content = line("coerced", "{\"key\":\"d\",\"value\":{\"doubleValue\":\"abc\"}},"
        + "{\"key\":\"inf\",\"value\":{\"doubleValue\":1e400}},{\"key\":\"quotedInf\",\"value\":{\"doubleValue\":\"-1E999\"}},"
        + "{\"key\":\"b1\",\"value\":{\"boolValue\":1}},{\"key\":\"b2\",\"value\":{\"boolValue\":\"yes\"}},"
        + "{\"key\":\"i\",\"value\":{\"intValue\":1.5}},{\"key\":\"x\",\"value\":{\"intValue\":\"x\"}},"
        + "{\"key\":\"s\",\"value\":{\"stringValue\":5}},{\"key\":\"bytes\",\"value\":{\"bytesValue\":\"%%\"}},"
        + "{\"key\":\"two\",\"value\":{\"stringValue\":\"a\",\"intValue\":\"3\"}}")
        + line("kept", "{\"key\":\"nan\",\"value\":{\"doubleValue\":\"NaN\"}},{\"key\":\"infinity\",\"value\":{\"doubleValue\":\"Infinity\"}},"
            + "{\"key\":\"t\",\"value\":{\"boolValue\":\"true\"}},{\"key\":\"n\",\"value\":{\"intValue\":\" 5\"}},"
            + "{\"key\":\"half\",\"value\":{\"doubleValue\":\"0.5\"}},{\"key\":\"b\",\"value\":{\"bytesValue\":\"AAE=\"}}");
    for (Timeline timeline : everyWay(content)) {
      TimelineSpan coerced = timeline.spanNamed("coerced");
      assertThat(coerced.attributes()).containsExactly(Map.entry("d", "abc"), Map.entry("inf", "1e400"),
          Map.entry("quotedInf", "-1E999"), Map.entry("b1", "1"), Map.entry("b2", "yes"), Map.entry("i", "1.5"),
          Map.entry("x", "x"), Map.entry("s", "5"), Map.entry("bytes", "%%"), Map.entry("two", 3L));
      TimelineSpan kept = timeline.spanNamed("kept");
      assertThat((Double) kept.attribute("nan")).isNaN();
      assertThat(kept.attribute("infinity")).isEqualTo(Double.POSITIVE_INFINITY);
      assertThat(kept.attribute("t")).isEqualTo(true);
      assertThat(kept.attribute("n")).isEqualTo(5L);
      assertThat(kept.attribute("half")).isEqualTo(0.5);
      assertThat(kept.attribute("b")).isEqualTo(java.nio.ByteBuffer.wrap(new byte[] {0, 1}));
      assertThat(messages(timeline)).containsExactly(
          "1: attribute d: doubleValue \"abc\" is not a number; kept as text",
          "1: attribute inf: doubleValue 1e400 is beyond a double; kept as text",
          "1: attribute quotedInf: doubleValue \"-1E999\" is beyond a double; kept as text",
          "1: attribute b1: boolValue 1 is not a boolean; kept as text",
          "1: attribute b2: boolValue \"yes\" is not a boolean; kept as text",
          "1: attribute i: intValue 1.5 is not an integer; kept as text",
          "1: attribute x: intValue \"x\" is not an integer; kept as text",
          "1: attribute s: stringValue 5 is not a string; kept as text",
          "1: attribute bytes: bytesValue \"%%\" is not base64; kept as text",
          "1: attribute two: its value has both stringValue and intValue (an AnyValue holds one); the last kept");
    }
  }

  @Test
  void aKeyWrittenTwiceKeepsItsLastValueWithAWarning() throws IOException {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      many.append("{\"key\":\"k").append(i).append("\",\"value\":{\"intValue\":\"").append(i).append("\"}},");
    }
    String output = "{\"timeUnixNano\":\"1700000000500000000\",\"name\":\"cab.output\",\"attributes\":["
        + "{\"key\":\"cab.output.data\",\"value\":{\"stringValue\":\"first\"}},"
        + "{\"key\":\"cab.output.data\",\"value\":{\"stringValue\":\"second\"}}]}";
    String content = line("dup", "{\"key\":\"dup\",\"value\":{\"stringValue\":\"first\"}},"
        + "{\"key\":\"other\",\"value\":{\"boolValue\":true}},{\"key\":\"dup\",\"value\":{\"stringValue\":\"second\"}}")
        + line("hot", "{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"tool_call\"}},"
            + "{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"container\"}}")
        + line("many", many + "{\"key\":\"k7\",\"value\":{\"intValue\":\"77\"}}")
        + line("distinct", many.substring(0, many.length() - 1))
        + line("event", "").replace("\"attributes\":[]", "\"events\":[" + output + "]")
        + line("resource", "").replace("\"resource\":{\"attributes\":[]}", "\"resource\":{\"attributes\":["
            + "{\"key\":\"cab.tui\",\"value\":{\"stringValue\":\"aider\"}},{\"key\":\"cab.tui\",\"value\":{\"stringValue\":\"codex\"}}]}");
    for (Timeline timeline : everyWay(content)) {
      assertThat(timeline.spanNamed("dup").attributes()).containsExactly(Map.entry("dup", "second"), Map.entry("other", true));
      assertThat(timeline.spanNamed("hot").kindName()).isEqualTo("container");
      assertThat(timeline.spanNamed("many").attributes()).hasSize(40).containsEntry("k7", 77L);
      assertThat(timeline.spanNamed("distinct").attributes()).hasSize(40);
      assertThat(timeline.spanNamed("event").events().get(0).attributes()).containsEntry("cab.output.data", "second");
      assertThat(timeline.spanNamed("resource").resource()).containsEntry("cab.tui", "codex");
      assertThat(messages(timeline)).containsExactly(
          "1: attribute dup: written twice; the last value kept",
          "2: attribute cab.span.kind: written twice; the last value kept",
          "3: attribute k7: written twice; the last value kept",
          "5: attribute cab.output.data: written twice; the last value kept",
          "6: attribute cab.tui: written twice; the last value kept");
    }
    // The scanner takes a list of 40 keys each written once, and leaves it in the file.
    Path file = Files.writeString(dir.resolve("distinct.jsonl"), line("distinct", many.substring(0, many.length() - 1)));
    assertThat(TraceReader.create().read(file).span(0).attributes())
        .isInstanceOf(dev.cabtrace.replay.internal.AttributeBytes.class);
  }
}
