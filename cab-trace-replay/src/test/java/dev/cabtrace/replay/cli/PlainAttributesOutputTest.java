package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.internal.AttributeBytes;
import dev.cabtrace.replay.internal.PlainAttributeVisitor;
import dev.cabtrace.replay.page.CellPage;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code show --json} and the cell page write plain attributes straight from the bytes they were
 * read from: byte for byte what they write from the decoded maps, which the Jackson reader gives,
 * for text a page's script must escape, integers JavaScript cannot hold, lists, and lists that are
 * not plain.
 */
class PlainAttributesOutputTest {

  private static final TraceReader SCANNER = TraceReader.builder().setParallelism(1).build();
  private static final TraceReader MAPS = TraceReader.builder().setParallelism(1).setByteScanner(false).build();

  @TempDir Path dir;

  @Test
  void theFixturesAreWrittenAsTheirMapsAre() throws IOException {
    for (String name : List.of("seed-cell.otlp.jsonl", "aider-cell.official-otlp-stdout-1.63.jsonl")) {
      Path file = dir.resolve(name);
      try (InputStream in = getClass().getResourceAsStream("/dev/cabtrace/replay/read/" + name)) {
        Files.write(file, in.readAllBytes());
      }
      assertSameBothWays(file);
    }
  }

  @Test
  void valuesThePageEscapesOrCannotHoldAreWrittenAsTheirMapsAre() throws IOException {
    Path file = dir.resolve("edges.jsonl");
    Files.writeString(file, String.join("\n",
        line(1, attribute("cab.span.kind", "{\"stringValue\":\"container\"}")
            + "," + attribute("html", "{\"stringValue\":\"</script><!-- a&b >\"}")
            + "," + attribute("unsafe", "{\"intValue\":\"9007199254740993\"}")
            + "," + attribute("safe", "{\"intValue\":\"9007199254740991\"}")
            + "," + attribute("ok", "{\"boolValue\":false}")
            + "," + attribute("args", "{\"arrayValue\":{\"values\":[{\"stringValue\":\"<b>\"},{\"stringValue\":\"x]y,z\"}]}}")
            + "," + attribute("none", "{\"arrayValue\":{\"values\":[]}}")),
        line(2, ""),
        line(4, attribute("padded", "{\"intValue\":\"007\"}")),
        line(3, attribute("caf\u00e9", "{\"stringValue\":\"not plain\"}") + "," + attribute("n", "{\"intValue\":\"3\"}")))
        + "\n", StandardCharsets.UTF_8);
    assertSameBothWays(file);
    Timeline timeline = SCANNER.read(file);
    for (int span = 0; span < 2; span++) {
      assertThat(((AttributeBytes) timeline.spans().get(span).attributes()).visitPlain(null, new Ignored()))
          .as("span %d written from its bytes", span).isTrue();
    }
    assertThat(((AttributeBytes) timeline.spans().get(2).attributes()).visitPlain(null, new Ignored())).isFalse();

    JsonNode show = new ObjectMapper().readTree(showJson(SCANNER.read(file)));
    JsonNode attributes = show.at("/spans/0/attributes");
    assertThat(attributes.get("html").asText()).isEqualTo("</script><!-- a&b >");
    assertThat(attributes.get("unsafe").asText()).isEqualTo("9007199254740993");
    assertThat(show.at("/spans/3/attributes/padded").asLong()).isEqualTo(7);
    assertThat(attributes.get("args").toString()).isEqualTo("[\"<b>\",\"x]y,z\"]");
    String page = page(SCANNER.read(file));
    assertThat(page).contains("\\u003c/script\\u003e\\u003c!-- a\\u0026b \\u003e", "{\"t\":\"9007199254740993\"}")
        .doesNotContain("</script><!--");
  }

  @Test
  void anAnyValueWithNoValueIsWrittenAsNullInItsPlace() throws IOException {
    Path file = dir.resolve("nulls.jsonl");
    Files.writeString(file, line(1, attribute("holes", "{\"arrayValue\":{\"values\":[{\"intValue\":\"1\"},{},{\"intValue\":\"3\"}]}}")
        + "," + attribute("empty", "{}") + "," + attribute("map", "{\"kvlistValue\":{\"values\":[" + attribute("inner", "{}") + "]}}"))
        + "\n", StandardCharsets.UTF_8);
    assertSameBothWays(file);

    JsonNode attributes = new ObjectMapper().readTree(showJson(SCANNER.read(file))).at("/spans/0/attributes");
    assertThat(attributes.toString()).isEqualTo("{\"holes\":[1,null,3],\"empty\":null,\"map\":{\"inner\":null}}");
    assertThat(page(SCANNER.read(file))).contains("[1,null,3]", ",null,");
  }

  /** A visitor that only listens. */
  private static final class Ignored implements PlainAttributeVisitor {
    @Override
    public void key(String key) {}

    @Override
    public void string(byte[] b, int start, int end) {}

    @Override
    public void number(long value) {}

    @Override
    public void bool(boolean value) {}

    @Override
    public void startList() {}

    @Override
    public void endList() {}
  }

  private static void assertSameBothWays(Path file) throws IOException {
    Timeline scanned = SCANNER.read(file);
    Timeline decoded = MAPS.read(file);
    assertThat(showJson(scanned)).as("show --json of %s", file.getFileName()).isEqualTo(showJson(decoded));
    assertThat(page(scanned)).as("page of %s", file.getFileName()).isEqualTo(page(decoded));
  }

  private static String showJson(Timeline timeline) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TimelineJson.show(timeline, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String page(Timeline timeline) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CellPage.create(timeline).writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String attribute(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":" + value + "}";
  }

  private static String line(int span, String attributes) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},"
        + "\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b716920333" + span + "\","
        + "\"name\":\"s\",\"kind\":1,\"startTimeUnixNano\":\"100000000" + span + "\",\"endTimeUnixNano\":\"2000000000\","
        + "\"attributes\":[" + attributes + "],\"status\":{}}]}]}]}";
  }
}
