package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceReaderTest {

  static Timeline load(String resource) throws IOException {
    try (InputStream in = TraceReaderTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return TraceReader.create().read(in, resource);
    }
  }

  @Test
  void theSeedCellWrittenByTheOfficialExporterReplaysWithItsSpansParentageAndDurations() throws IOException {
    Timeline timeline = load("seed-cell.otlp.jsonl");

    assertThat(timeline.warnings()).isEmpty();
    assertThat(timeline.spans()).extracting(TimelineSpan::kind)
        .containsExactly(CabSpanKind.TASK_SETUP, CabSpanKind.ADAPTER_RUN, CabSpanKind.TOOL_CALL,
            CabSpanKind.CONTAINER, CabSpanKind.CLEANUP);
    assertThat(timeline.spans()).extracting(s -> Durations.millis(s.durationNanos()))
        .containsExactly("1 ms", "85456 ms", "0 ms", "85455 ms", "0 ms");
    assertThat(Durations.seconds(timeline.durationNanos())).isEqualTo("85.46 s");
    TimelineSpan run = timeline.span(1);
    assertThat(timeline.parent(timeline.span(2))).isSameAs(run);
    assertThat(timeline.parent(timeline.span(3))).isSameAs(run);
    assertThat(timeline.roots()).extracting(TimelineSpan::name)
        .containsExactly("prepare:polyglot/rust-error-handling", "openhands:polyglot/rust-error-handling", "cleanup:openhands");
    assertThat(timeline.children(run)).extracting(TimelineSpan::name).containsExactly("applied_plugins", "openhands:run");
    assertThat(timeline.traceIds()).containsExactly("bbff3415624849ccae3d4dd5f4b6b86a");
    assertThat(timeline.span(3).attribute("command")).asList().hasSize(6).startsWith("/app/.venv/bin/python");
    assertThat(timeline.span(0).attribute("plugin_stack")).isEqualTo(List.of());
    assertThat(timeline.resource()).containsEntry("cab.tui", "openhands");
  }

  @ParameterizedTest
  @ValueSource(strings = {"seed-cell.tempo-v1.json", "seed-cell.tempo-v2.json", "seed-cell.jaeger.json", "seed-cell.zipkin.json"})
  void theSameCellFromTempoJaegerAndZipkinGivesTheSameTimeline(String resource) throws IOException {
    Timeline expected = load("seed-cell.otlp.jsonl");
    Timeline actual = load(resource);

    assertThat(actual.warnings()).isEmpty();
    assertThat(shape(actual)).isEqualTo(shape(expected));
    // Zipkin's tags are strings, and are kept so.
    assertThat(actual.span(2).attribute("count")).isEqualTo(resource.contains("zipkin") ? "0" : 0L);
  }

  /** What a timeline must agree on whatever the format: ids, links, kinds, names, times. */
  private static List<String> shape(Timeline timeline) {
    return timeline.spans().stream()
        .map(s -> String.join("|", s.traceId(), s.spanId(), s.parentSpanId(), s.kindName(), s.name(),
            Long.toString(s.startEpochNanos()), Long.toString(s.endEpochNanos()), String.valueOf(s.depth())))
        .toList();
  }

  @Test
  void readsTheOfficialExporterFixtureWithItsTokens() throws IOException {
    Timeline timeline = load("aider-cell.official-otlp-stdout-1.63.jsonl");

    assertThat(timeline.size()).isEqualTo(6);
    assertThat(timeline.tokens().input()).isEqualTo(11254);
    assertThat(timeline.tokens().output()).isEqualTo(508);
    assertThat(timeline.tokens().calls()).isEqualTo(2);
    assertThat(timeline.modelCalls()).extracting(c -> c.finishReasons()).containsOnly(List.of("stop"));
    assertThat(timeline.spanNamed("aider:run").status()).hasToString("ERROR");
    assertThat(timeline.spanNamed("aider:run").statusMessage()).isEqualTo("tests failed");
  }

  @Test
  void idsInBase64AndNumbersAsNumbersAreRead() throws IOException {
    String line = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"u/80FWJISczq49TfS2uGqg==\","
        + "\"spanId\":\"u/80FWJISc0=\",\"name\":\"n\",\"kind\":\"SPAN_KIND_CLIENT\",\"startTimeUnixNano\":1000,"
        + "\"endTimeUnixNano\":3000,\"attributes\":[{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":7}}],"
        + "\"status\":{\"code\":\"STATUS_CODE_ERROR\"}}]}]}]}\n";
    Timeline timeline = read(line);

    TimelineSpan span = timeline.span(0);
    assertThat(span.traceId()).isEqualTo("bbff3415624849cceae3d4df4b6b86aa");
    assertThat(span.spanId()).isEqualTo("bbff3415624849cd");
    assertThat(span.spanKind()).isEqualTo("CLIENT");
    assertThat(span.durationNanos()).isEqualTo(2000);
    assertThat(span.kind()).isEqualTo(CabSpanKind.MODEL_CALL);
    assertThat(timeline.modelCalls().get(0).inputTokens()).isEqualTo(7);
    assertThat(span.status()).hasToString("ERROR");
  }

  static Timeline read(String content) throws TraceReadException {
    return TraceReader.create().read(new java.io.ByteArrayInputStream(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "test.jsonl");
  }

  static Stream<String> lines(String resource) throws IOException {
    try (InputStream in = TraceReaderTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList().stream();
    }
  }

  @TempDir Path dir;

  @Test
  void filesThatFailToLoadDoNotEachCostTheThreadANewBlock() throws IOException {
    // A sweep of crashed cells: empty captures, one after another on one thread, each an error.
    Path empty = Files.createFile(dir.resolve("empty.jsonl"));
    TraceReader reader = TraceReader.builder().setReadJournal(false).build();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    assertThatThrownBy(() -> reader.stream(empty, span -> {})).hasMessageContaining("empty file");
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 200; i++) {
      assertThatThrownBy(() -> reader.stream(empty, span -> {}))
          .isInstanceOf(TraceReadException.class).hasMessageContaining("empty file, no spans");
    }
    long perFile = (threads.getCurrentThreadAllocatedBytes() - before) / 200;
    // The thread's 1 MiB block is kept from file to file, failed or not.
    assertThat(perFile).as("bytes allocated per failed file").isLessThan(TraceLoader.BLOCK_BYTES / 8);
  }

  /**
   * The attributes a span read from a file keeps as bytes (hot ones decoded) are a read-only Map
   * like any other: equal both ways to a HashMap of the same entries, with its hash code, views and
   * text; a hot key the span lacks is absent.
   */
  @Test
  void attributesLeftInTheFileAreAReadOnlyMapEqualToTheirEntries() throws Exception {
    String line = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":["
        + "{\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\",\"name\":\"chat\","
        + "\"kind\":3,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":["
        + "{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"model_call\"}},"
        + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"1200\"}},"
        + "{\"key\":\"cab.pass\",\"value\":{\"boolValue\":true}},"
        + "{\"key\":\"workdir\",\"value\":{\"stringValue\":\"/tmp/w\"}}]},"
        + "{\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000002\",\"name\":\"bare\","
        + "\"kind\":1,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[]}]}]}]}\n";
    Path file = Files.write(dir.resolve("attrs.jsonl"), line.getBytes(StandardCharsets.UTF_8));
    Timeline timeline = TraceReader.create().read(file);
    Map<String, Object> attributes = timeline.spanNamed("chat").attributes();
    Map<String, Object> expected = new HashMap<>(Map.of(
        "cab.span.kind", "model_call", "gen_ai.usage.input_tokens", 1200L, "cab.pass", true, "workdir", "/tmp/w"));

    assertThat(attributes).isInstanceOf(LazyAttributes.class); // the byte scanner's, left in the file
    assertThat(attributes).isEqualTo(expected);
    assertThat(expected).isEqualTo(attributes);
    assertThat(attributes.hashCode()).isEqualTo(expected.hashCode());
    assertThat(attributes.keySet()).isEqualTo(expected.keySet());
    assertThat(attributes.values()).containsExactlyInAnyOrderElementsOf(expected.values());
    assertThat(attributes.containsValue("/tmp/w")).isTrue();
    assertThat(attributes.get("gen_ai.usage.input_tokens")).isEqualTo(1200L);
    assertThat(attributes.get("gen_ai.usage.output_tokens")).isNull();
    // A key that is equal but not the literal itself (read from a file, built) is found too.
    assertThat(attributes.get(new String("gen_ai.usage.input_tokens".toCharArray()))).isEqualTo(1200L);
    assertThat(attributes.containsKey(new String("gen_ai.usage.output_tokens".toCharArray()))).isFalse();
    assertThat(attributes.containsKey("workdir")).isTrue();
    // Every hot key, found by identity and by text; a null key or another type is absent, as in a HashMap.
    for (String hot : LazyAttributes.HOT_KEYS) {
      assertThat(attributes.containsKey(hot)).as(hot).isEqualTo(expected.containsKey(hot));
      assertThat(attributes.containsKey(new String(hot.toCharArray()))).as(hot).isEqualTo(expected.containsKey(hot));
    }
    assertThat(attributes.containsKey(null)).isFalse();
    assertThat(attributes.get(42)).isNull();
    assertThat(attributes.isEmpty()).isFalse();
    assertThat(attributes.toString()).contains("workdir=/tmp/w").contains("cab.pass=true");
    assertThatThrownBy(() -> attributes.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> attributes.remove("workdir")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(attributes::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThat(timeline.spanNamed("bare").attributes()).isEmpty();
  }

  @Test
  void attributesLeftInTheFileOrKeptAsBytesWhenTheirSliceIsTooLongOrTooFarToNote() throws IOException {
    String json = "[{\"key\":\"workdir\",\"value\":{\"stringValue\":\"/tmp/w\"}},"
        + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"1200\"}}]";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("slices.bin"), ("0123456789" + json).getBytes(StandardCharsets.UTF_8));
    FileSlices slices = new FileSlices(file, new LazyAttributes.Decoder(1 << 20));
    Object[] hot = {1200L};
    int bits = 1 << List.of(LazyAttributes.HOT_KEYS).indexOf("gen_ai.usage.input_tokens");
    Map<String, Object> expected = Map.of("workdir", "/tmp/w", "gen_ai.usage.input_tokens", 1200L);

    assertThat(LazyAttributes.inFile(slices, 10, bytes, 0, bytes.length, hot, bits)).isEqualTo(expected);
    // Past 2^39 bytes into a file, the position does not fit beside the length: the bytes are kept
    // (this file has no such position: what it holds there would not be read).
    assertThat(LazyAttributes.inFile(slices, 1L << 39, bytes, 0, bytes.length, hot, bits)).isEqualTo(expected);
    // Just below, it is noted, and read from there: where this file holds nothing, as if it had
    // been cut short since.
    LazyAttributes noted = LazyAttributes.inFile(slices, (1L << 39) - 1, bytes, 0, bytes.length, hot, bits);
    assertThat(noted.get("gen_ai.usage.input_tokens")).isEqualTo(1200L);
    assertThatThrownBy(() -> noted.get("workdir")).isInstanceOf(TraceChangedException.class);

    // An array of 16 MiB or more is kept as bytes too; one byte less is noted in the file (which
    // holds no such array: asking for it fails, where the bytes kept answer).
    String prefix = "[{\"key\":\"big\",\"value\":{\"stringValue\":\"";
    String suffix = "\"}}]";
    String huge = "x".repeat((1 << 24) - prefix.length() - suffix.length());
    byte[] big = (prefix + huge + suffix).getBytes(StandardCharsets.UTF_8);
    assertThat(big.length).isEqualTo(1 << 24);
    assertThat(LazyAttributes.inFile(slices, 10, big, 0, big.length, new Object[0], 0).get("big")).isEqualTo(huge);
    LazyAttributes justBelow = LazyAttributes.inFile(slices, 10, big, 0, big.length - 1, new Object[0], 0);
    assertThatThrownBy(() -> justBelow.get("big")).isInstanceOf(TraceChangedException.class);
  }
}
