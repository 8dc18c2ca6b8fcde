package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.SpanEvent;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The byte-level OTLP scanner against the Jackson readers it stands in for: on every fixture, in
 * every format, on generated OTLP with every kind of value, and on thousands of mutations of them,
 * both read paths give the same timeline (spans, ids, times, parents, attributes in order with
 * their types, events, resources, warnings) or the same error.
 */
class ByteScannerDifferentialTest {

  private static final TraceReader SCANNER = TraceReader.builder().setParallelism(1).build();
  private static final TraceReader JACKSON = TraceReader.builder().setParallelism(1).setByteScanner(false).build();
  private static final TraceReader PARALLEL = TraceReader.builder().setParallelism(3).build();
  private static final List<String> FIXTURES = List.of("seed-cell.otlp.jsonl", "aider-cell.official-otlp-stdout-1.63.jsonl",
      "seed-cell.tempo-v1.json", "seed-cell.tempo-v2.json", "seed-cell.jaeger.json", "seed-cell.zipkin.json");

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ByteScannerDifferentialTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void everyFixtureReadsTheSameBothWays() throws IOException {
    for (String name : FIXTURES) {
      assertSameBothWays(resource(name), name);
    }
  }

  @Test
  void theScannerReadsTheFixturesCaptureFilesAndTheOfficialExporterWrite() throws IOException {
    // Not a vacuous comparison: the OTLP fixtures really go through the scanner.
    for (String name : List.of("seed-cell.otlp.jsonl", "aider-cell.official-otlp-stdout-1.63.jsonl")) {
      byte[] bytes = resource(name);
      ReadContext context = new ReadContext(SpanSink.flagging(new boolean[1]), name);
      OtlpLineScanner scanner = new OtlpLineScanner(context, new LazyAttributes.Decoder(1 << 20));
      int lines = 0;
      int scanned = 0;
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        lines++;
        byte[] raw = line.getBytes(StandardCharsets.UTF_8);
        if (scanner.scan(raw, 0, raw.length)) {
          scanned++;
        }
      }
      assertThat(scanned).as(name).isEqualTo(lines);
    }
  }

  @Test
  void eventsOfTheUsualShapeAreReadFromTheirBytesAndOthersByJackson() {
    String span = "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
        + "\"name\":\"run\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"9\",\"events\":EVENTS}";
    // Terminal output as an SDK writes it: string attributes, escapes of every kind, a lone surrogate.
    String usual = "[{\"timeUnixNano\":\"5\",\"name\":\"cab.output\",\"attributes\":["
        + "{\"key\":\"cab.output.data\",\"value\":{\"stringValue\":"
        + "\"\\u001b[1;32m ok\\u001b[0m\\r\\n\\t\\\"q\\\" \\\\ \\/ \\b\\f é \\ud83d\\ude00 \\ud800 ☃\"}},"
        + "{\"key\":\"cab.output.stream\",\"value\":{\"stringValue\":\"stdout\"}}],\"droppedAttributesCount\":0},"
        + "{\"timeUnixNano\":6,\"name\":\"t\\u0069ck\",\"attributes\":[]}]";
    // An integer attribute: not the usual shape, read by Jackson.
    String other = "[{\"timeUnixNano\":\"5\",\"name\":\"cab.output.truncated\",\"attributes\":["
        + "{\"key\":\"cab.output.dropped_bytes\",\"value\":{\"intValue\":\"12\"}}]}]";
    for (String events : List.of(usual, other)) {
      byte[] line = ("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + span.replace("EVENTS", events) + "]}]}]}")
          .getBytes(StandardCharsets.UTF_8);
      LazyAttributes.Decoder decoder = new LazyAttributes.Decoder(1 << 20);
      OtlpLineScanner scanner = new OtlpLineScanner(new ReadContext(SpanSink.flagging(new boolean[1]), "events"), decoder);

      assertThat(scanner.scan(line, 0, line.length)).as(events).isTrue();
      assertThat(decoder.madeJackson()).as(events).isEqualTo(events.equals(other));
      assertSameBothWays(line, "events");
    }
  }

  @Test
  void generatedOtlpWithEveryKindOfValueReadsTheSame() {
    Random random = new Random(7);
    int lines = 0;
    int scanned = 0;
    for (int file = 0; file < 300; file++) {
      byte[] bytes = GeneratedOtlp.file(random, 1 + random.nextInt(4));
      assertSameBothWays(bytes, "generated-" + file);
      ReadContext context = new ReadContext(SpanSink.flagging(new boolean[1]), "generated");
      OtlpLineScanner scanner = new OtlpLineScanner(context, new LazyAttributes.Decoder(1 << 20));
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        byte[] raw = line.getBytes(StandardCharsets.UTF_8);
        lines++;
        scanned += scanner.scan(raw, 0, raw.length) ? 1 : 0;
      }
    }
    // Both paths are exercised: the scanner takes many lines (about one in ten: most generated lines
    // hold something odd, which is Jackson's) and leaves the odd ones to Jackson.
    assertThat(scanned).isGreaterThan(lines / 20).isLessThan(lines);
  }

  @Test
  void aFileOfManyChunksReadInParallelFindsEveryAttributeInTheFile() {
    byte[] bytes = GeneratedOtlp.file(new Random(3), 6_000);
    assertThat(bytes.length).as("more than a few 1 MiB blocks").isGreaterThan(4 << 20);
    String expected = describe(JACKSON, bytes, "many-chunks", true);
    assertThat(describe(SCANNER, bytes, "many-chunks", true)).as("one thread").isEqualTo(expected);
    assertThat(describe(PARALLEL, bytes, "many-chunks", true)).isEqualTo(expected);
  }

  @Test
  void mutatedInputsReadTheSameOrFailTheSame() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (String name : FIXTURES) {
      seeds.add(resource(name));
    }
    Random random = new Random(20261126L);
    for (int i = 0; i < 20; i++) {
      seeds.add(GeneratedOtlp.file(random, 2));
    }
    for (int run = 0; run < 4_000; run++) {
      byte[] seed = seeds.get(random.nextInt(seeds.size()));
      byte[] input = random.nextBoolean()
          ? TraceReaderFuzzTest.mutate(seed, seeds.get(random.nextInt(seeds.size())), random)
          : GeneratedOtlp.nudge(seed, random);
      assertSameBothWays(input, "fuzz-" + run);
    }
  }

  @TempDir static Path dir;

  private static void assertSameBothWays(byte[] input, String source) {
    String expected = describe(JACKSON, input, source, false);
    String actual = describe(SCANNER, input, source, false);
    assertThat(actual).as("%s read by the byte scanner vs Jackson; input: %s", source,
        new String(input, 0, Math.min(input.length, 600), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
    // From a file, attributes stay in it and are read back when asked for.
    String fromFile = describe(JACKSON, input, source, true);
    assertThat(describe(SCANNER, input, source, true)).as("%s from a file", source).isEqualTo(fromFile);
    // Lines parsed on several threads find their attributes in the file too.
    assertThat(describe(PARALLEL, input, source, true)).as("%s from a file, in parallel", source).isEqualTo(fromFile);
  }

  @Test
  void attributesLeftInAFileThatChangedSinceAreAnErrorNotAMisreading() throws IOException {
    Path file = dir.resolve("changing.jsonl");
    Files.write(file, resource("seed-cell.otlp.jsonl"));
    Timeline timeline = SCANNER.read(file);
    TimelineSpan span = timeline.spans().get(0);
    assertThat(span.attribute("cab.span.kind")).isNotNull(); // decoded when the line was read
    Files.writeString(file, new String(resource("seed-cell.otlp.jsonl"), StandardCharsets.UTF_8).replace("\"key\"", "\"kee\""));
    assertThatThrownBy(() -> span.attributes().size()).isInstanceOf(TraceChangedException.class)
        .hasMessageContaining("the trace file changed since it was read");
    // What was decoded when the line was read still answers.
    assertThat(span.kind()).isNotNull();
    // A file emptied since, or gone, is a change too.
    Files.write(file, resource("seed-cell.otlp.jsonl"));
    TimelineSpan last = SCANNER.read(file).spans().get(timeline.size() - 1);
    Files.write(file, new byte[0]);
    assertThatThrownBy(() -> last.attributes().size()).isInstanceOf(TraceChangedException.class)
        .hasMessageContaining("the trace file changed since it was read");
    TimelineSpan first = SCANNER.read(Files.write(file, resource("seed-cell.otlp.jsonl"))).spans().get(0);
    Files.delete(file);
    assertThatThrownBy(() -> first.attributes().size()).isInstanceOf(TraceChangedException.class)
        .hasMessageContaining("the trace file changed since it was read");
  }

  /** Everything a timeline says, in one text, or the error. */
  private static String describe(TraceReader reader, byte[] input, String source, boolean fromFile) {
    Timeline timeline;
    try {
      if (fromFile) {
        Path file = dir.resolve(source.replaceAll("[^a-z0-9.-]", "_"));
        Files.write(file, input);
        timeline = reader.read(file);
      } else {
        timeline = reader.read(new ByteArrayInputStream(input), source);
      }
    } catch (TraceReadException e) {
      return "error: " + e.getMessage().replace(String.valueOf(dir), "");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    StringBuilder out = new StringBuilder();
    for (TimelineSpan span : timeline.spans()) {
      out.append(span.index()).append(' ').append(span.parentIndex()).append(' ').append(span.depth()).append(' ')
          .append(span.traceId()).append(' ').append(span.spanId()).append(' ').append(span.parentSpanId()).append(' ')
          .append(span.name()).append(' ').append(span.kindName()).append(' ').append(span.spanKind()).append(' ')
          .append(span.startEpochNanos()).append(' ').append(span.endEpochNanos()).append(' ')
          .append(span.status()).append(' ').append(span.statusMessage()).append(' ').append(span.scope()).append(' ')
          .append(span.unfinished()).append('\n');
      out.append("  attributes ").append(values(span.attributes())).append('\n');
      for (String key : span.attributes().keySet()) {
        out.append("  ").append(key).append('=').append(value(span.attribute(key)));
      }
      for (String key : LazyAttributes.HOT) {
        out.append(' ').append(key).append('=').append(value(span.attribute(key)));
      }
      out.append('\n');
      for (SpanEvent event : span.events()) {
        out.append("  event ").append(event.epochNanos()).append(' ').append(event.name()).append(' ')
            .append(values(event.attributes())).append('\n');
      }
      out.append("  resource ").append(values(new TreeMap<>(span.resource()))).append('\n');
    }
    for (LoadWarning warning : timeline.warnings()) {
      out.append("warning ").append(warning).append('\n');
    }
    out.append("calls ").append(timeline.modelCalls().size()).append(' ').append(timeline.tokens()).append('\n');
    return out.toString();
  }

  private static String values(Map<String, Object> map) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, Object> entry : map.entrySet()) {
      out.append(entry.getKey()).append('=').append(value(entry.getValue())).append(", ");
    }
    return out.append('}').toString();
  }

  private static String value(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof List<?>) {
      StringBuilder out = new StringBuilder("[");
      for (Object item : (List<?>) value) {
        out.append(value(item)).append(", ");
      }
      return out.append(']').toString();
    }
    if (value instanceof Map<?, ?>) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) value;
      return values(map);
    }
    return value.getClass().getSimpleName() + ":" + value;
  }
}
