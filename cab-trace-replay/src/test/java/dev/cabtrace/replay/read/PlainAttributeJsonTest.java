package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.internal.AttributeBytes;
import dev.cabtrace.replay.internal.PlainAttributeVisitor;
import dev.cabtrace.replay.internal.Utf8Line;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attributes {@code show} writes straight from a file's bytes against the map they decode to:
 * on the fixtures and on generated OTLP with every kind of value, whatever is written from the
 * bytes is the map's compact JSON exactly (written here by Jackson), cut where it is asked to be;
 * whatever is not plain is refused, so that the map is printed instead.
 */
class PlainAttributeJsonTest {

  private static final TraceReader READER = TraceReader.builder().setParallelism(1).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] SPAN_KIND = "cab.span.kind".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @Test
  void theFixturesAttributesWrittenFromTheFileAreTheirMapsJson() throws IOException {
    int plain = 0;
    for (String name : List.of("seed-cell.otlp.jsonl", "aider-cell.official-otlp-stdout-1.63.jsonl")) {
      plain += compareAll(write(name, resource(name)));
    }
    assertThat(plain).as("spans written from their bytes").isGreaterThan(10);
  }

  @Test
  void generatedAttributesOfEveryKindAreWrittenAsTheirMapOrRefused() throws IOException {
    Random random = new Random(11);
    int spans = 0;
    int plain = 0;
    for (int file = 0; file < 200; file++) {
      Timeline timeline;
      try {
        timeline = write("generated-" + file, GeneratedOtlp.file(random, 1 + random.nextInt(4)));
      } catch (TraceReadException e) {
        continue; // a generated file with no span left to read
      }
      spans += timeline.size();
      plain += compareAll(timeline);
    }
    // Both ways are exercised: many lists are plain, the odd ones are left to their map.
    assertThat(plain).isGreaterThan(30).isLessThan(spans);
  }

  @Test
  void anythingNotPlainIsRefused() throws IOException {
    // (A key written twice does not come here: the Jackson reader reads its line, and says so.)
    String[] refused = {
        "{\"key\":\"a\",\"value\":{\"stringValue\":\"caf\u00e9\"}}",
        "{\"key\":\"a\",\"value\":{\"stringValue\":\"say \\\"hi\\\"\"}}",
        "{\"key\":\"a\",\"value\":{\"stringValue\":\"back\\\\slash\"}}",
        "{\"key\":\"a\",\"value\":{\"stringValue\":\"\\u001b[31m\"}}",
        "{\"key\":\"a\",\"value\":{\"stringValue\":\"del\u007f\"}}",
        "{\"key\":\"a\",\"value\":{\"intValue\":\"-3\"}}",
        "{\"key\":\"a\",\"value\":{\"doubleValue\":1.5}}",
        "{\"key\":\"a\",\"value\":{\"kvlistValue\":{\"values\":[]}}}",
        "{\"key\":\"a\", \"value\":{\"stringValue\":\"spaced\"}}",
    };
    for (String attributes : refused) {
      Timeline timeline = write("refused", line(attributes));
      Utf8Line out = new Utf8Line();
      AttributeBytes bytes = (AttributeBytes) timeline.spans().get(0).attributes();
      assertThat(bytes.appendPlainJson(out, SPAN_KIND, 1000)).as(attributes).isEqualTo(-1);
      JsonVisitor visitor = new JsonVisitor();
      assertThat(bytes.visitPlain(SPAN_KIND, visitor)).as(attributes).isFalse();
      assertThat(visitor.json()).as("nothing handed on").isEmpty();
    }
  }

  @Test
  void theTextIsCutAtTheLimitAndItsWholeLengthReturned() throws IOException {
    Timeline timeline = write("long", line("{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"tool_call\"}},"
        + "{\"key\":\"cab.tool.args\",\"value\":{\"stringValue\":\"" + "x".repeat(300) + "\"}},"
        + "{\"key\":\"n\",\"value\":{\"intValue\":\"12\"}},{\"key\":\"ok\",\"value\":{\"boolValue\":true}},"
        + "{\"key\":\"l\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"a\"},{\"stringValue\":\"b\"}]}}},"
        + "{\"key\":\"e\",\"value\":{\"arrayValue\":{\"values\":[]}}}"));
    String whole = "{\"cab.tool.args\":\"" + "x".repeat(300) + "\",\"n\":12,\"ok\":true,\"l\":[\"a\",\"b\"],\"e\":[]}";
    AttributeBytes attributes = (AttributeBytes) timeline.spans().get(0).attributes();
    Utf8Line out = new Utf8Line().text("> ");
    assertThat(attributes.appendPlainJson(out, SPAN_KIND, 160)).isEqualTo(whole.length());
    assertThat(text(out)).isEqualTo("> " + whole.substring(0, 160));
    out.clear();
    assertThat(attributes.appendPlainJson(out, SPAN_KIND, 1000)).isEqualTo(whole.length());
    assertThat(text(out)).isEqualTo(whole);
  }

  @Test
  void aFileChangedSinceItWasReadIsRefusedAndItsMapThenSaysSo() throws IOException {
    Path file = dir.resolve("changing.jsonl");
    String attributes = "{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"model_call\"}},"
        + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"120\"}}";
    Files.write(file, line(attributes));
    TimelineSpan span = READER.read(file).spans().get(0);
    // The same length, another token count: still plain, no longer what was read.
    Files.write(file, line(attributes.replace("\"120\"", "\"121\"")));
    assertThat(((AttributeBytes) span.attributes()).appendPlainJson(new Utf8Line(), SPAN_KIND, 1000)).isEqualTo(-1);
    assertThat(((AttributeBytes) span.attributes()).visitPlain(null, new JsonVisitor())).isFalse();
    assertThatThrownBy(() -> span.attributes().size()).isInstanceOf(TraceChangedException.class)
        .hasMessageContaining("the trace file changed since it was read");
  }

  /** Compares every span's bytes-written attributes with its map; returns how many were written so. */
  private static int compareAll(Timeline timeline) throws IOException {
    int plain = 0;
    Utf8Line out = new Utf8Line();
    for (TimelineSpan span : timeline.spans()) {
      if (!(span.attributes() instanceof AttributeBytes)) {
        continue;
      }
      out.clear();
      int whole = ((AttributeBytes) span.attributes()).appendPlainJson(out, SPAN_KIND, Integer.MAX_VALUE);
      if (whole < 0) {
        continue;
      }
      plain++;
      Map<String, Object> all = new LinkedHashMap<>(span.attributes());
      JsonVisitor visitor = new JsonVisitor();
      assertThat(((AttributeBytes) span.attributes()).visitPlain(null, visitor)).isTrue();
      assertThat(visitor.object()).as("span %s, visited", span.spanId()).isEqualTo(JSON.writeValueAsString(all));
      Map<String, Object> expected = new LinkedHashMap<>(all);
      expected.remove("cab.span.kind");
      String json = JSON.writeValueAsString(expected);
      visitor = new JsonVisitor();
      assertThat(((AttributeBytes) span.attributes()).visitPlain(SPAN_KIND, visitor)).isTrue();
      assertThat(visitor.object()).as("span %s, visited without its kind", span.spanId()).isEqualTo(json);
      assertThat(text(out)).as("span %s", span.spanId()).isEqualTo(json);
      assertThat(whole).isEqualTo(json.length());
      int limit = json.length() / 2;
      out.clear();
      assertThat(((AttributeBytes) span.attributes()).appendPlainJson(out, SPAN_KIND, limit)).isEqualTo(whole);
      assertThat(text(out)).isEqualTo(json.substring(0, limit));
    }
    return plain;
  }

  /** The attributes a visitor is told, written back as one compact object by Jackson. */
  private static final class JsonVisitor implements PlainAttributeVisitor {
    private final StringWriter text = new StringWriter();
    private JsonGenerator json;

    @Override
    public void key(String key) throws IOException {
      generator().writeFieldName(key);
    }

    @Override
    public void string(byte[] b, int start, int end) throws IOException {
      generator().writeString(new String(b, start, end - start, StandardCharsets.US_ASCII));
    }

    @Override
    public void number(long value) throws IOException {
      generator().writeNumber(value);
    }

    @Override
    public void bool(boolean value) throws IOException {
      generator().writeBoolean(value);
    }

    @Override
    public void startList() throws IOException {
      generator().writeStartArray();
    }

    @Override
    public void endList() throws IOException {
      generator().writeEndArray();
    }

    private JsonGenerator generator() throws IOException {
      if (json == null) {
        json = JSON.getFactory().createGenerator(text);
        json.writeStartObject();
      }
      return json;
    }

    /** The object told, as an object even when it was told nothing. */
    String object() throws IOException {
      String told = json();
      return told.isEmpty() ? "{}" : told;
    }

    /** What was told: "" when nothing was. */
    String json() throws IOException {
      if (json != null) {
        json.writeEndObject();
        json.close();
        json = null;
      }
      return text.toString();
    }
  }

  private Timeline write(String name, byte[] bytes) throws IOException {
    Path file = dir.resolve(name + ".jsonl");
    Files.write(file, bytes);
    return READER.read(file);
  }

  private static byte[] line(String attributes) {
    return ("{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},"
        + "\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b7169203331\","
        + "\"name\":\"s\",\"kind\":1,\"startTimeUnixNano\":\"1000000000\",\"endTimeUnixNano\":\"2000000000\","
        + "\"attributes\":[" + attributes + "],\"status\":{}}]}]}]}\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Utf8Line line) {
    return new String(line.bytes(), 0, line.length(), StandardCharsets.UTF_8);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = PlainAttributeJsonTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
