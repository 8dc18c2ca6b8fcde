package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.TraceReaderTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ZipkinJsonReaderTest {

  private static final String TRACE = "8293433263b72503f683e7696220d242";
  private static final long START_MICROS = 1_700_000_000_000_000L;

  /** A Zipkin span with {@code fields} after its ids and name (each with a leading comma). */
  private static String span(String id, String name, String fields) {
    return "{\"traceId\":\"" + TRACE + "\",\"id\":\"" + id + "\",\"name\":\"" + name + "\"" + fields + "}";
  }

  private static List<String> messages(Timeline timeline) {
    return timeline.warnings().stream().map(LoadWarning::toString).toList();
  }

  @Test
  void aSpanWithoutATimestampIsSkippedWithAWarningNotShownIn1970() throws IOException {
    Timeline timeline = read("[" + String.join(",",
        span("0000000000000001", "root", ",\"timestamp\":" + START_MICROS + ",\"duration\":1000"),
        span("0000000000000002", "notimestamp", ",\"duration\":1000"),
        span("0000000000000003", "objecttimestamp", ",\"timestamp\":{\"t\":1},\"duration\":1000"),
        span("0000000000000004", "noduration", ",\"timestamp\":" + (START_MICROS + 5))) + "]");

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("root", "noduration");
    assertThat(timeline.t0EpochNanos()).isEqualTo(START_MICROS * 1000);
    TimelineSpan unfinished = timeline.spanNamed("noduration");
    assertThat(unfinished.unfinished()).isTrue();
    assertThat(unfinished.endEpochNanos()).isEqualTo(unfinished.startEpochNanos()).isEqualTo((START_MICROS + 5) * 1000);
    assertThat(messages(timeline)).containsExactly(
        "test.jsonl:1: span \"notimestamp\": no timestamp; skipped",
        "test.jsonl:1: timestamp is an object, not a value; ignored",
        "test.jsonl:1: span \"objecttimestamp\": no timestamp; skipped",
        "test.jsonl:1: span \"noduration\": no duration; shown unfinished, ending where it starts");
  }

  @Test
  void tagsAreKeptAsTheStringsTheyAreAndOneThatIsNotAStringIsLeftOutWithAWarning() throws IOException {
    Timeline timeline = read("[" + String.join(",",
        span("0000000000000001", "a", ",\"timestamp\":" + START_MICROS + ",\"duration\":1000,\"tags\":{\"zip\":\"02134\","
            + "\"o\":{\"x\":\"1\"},\"n\":5,\"t\":\"true\",\"count\":\"0\",\"after\":\"kept\"}"),
        span("0000000000000002", "b", ",\"timestamp\":" + START_MICROS + ",\"duration\":1000,\"tags\":[\"x\"]")) + "]");

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("a", "b");
    assertThat(timeline.spanNamed("a").attributes()).containsExactly(java.util.Map.entry("zip", "02134"),
        java.util.Map.entry("t", "true"), java.util.Map.entry("count", "0"), java.util.Map.entry("after", "kept"));
    assertThat(timeline.spanNamed("b").attributes()).isEmpty();
    assertThat(messages(timeline)).containsExactly(
        "test.jsonl:1: tag o is an object, not a string; ignored",
        "test.jsonl:1: tag n is a number, not a string; ignored",
        "test.jsonl:1: tags is an array, not an object; ignored");
  }

  @Test
  void tokenCountsAndTheVerdictAreReadFromTheirText() throws IOException {
    Timeline timeline = read("[" + String.join(",",
        span("0000000000000001", "run", ",\"timestamp\":" + START_MICROS + ",\"duration\":1000,\"tags\":{"
            + "\"cab.span.kind\":\"adapter_run\",\"cab.pass\":\"true\"}"),
        span("0000000000000002", "call", ",\"parentId\":\"0000000000000001\",\"timestamp\":" + START_MICROS
            + ",\"duration\":500,\"tags\":{\"cab.span.kind\":\"model_call\",\"gen_ai.usage.input_tokens\":\"120\","
            + "\"gen_ai.usage.output_tokens\":\"7\"}")) + "]");

    assertThat(timeline.tokens().input()).isEqualTo(120);
    assertThat(timeline.tokens().output()).isEqualTo(7);
    assertThat(dev.cabtrace.replay.ledger.CellScore.of(timeline).pass()).isTrue();
  }

  @Test
  void anObjectWhereAValueBelongsIsSkippedWithAWarningAndTheSpanReadOn() throws IOException {
    Timeline timeline = read("[" + String.join(",",
        span("0000000000000001", "a", ",\"kind\":{\"name\":\"x\"},\"localEndpoint\":{\"serviceName\":null},"
            + "\"annotations\":[{\"timestamp\":[1],\"value\":{\"v\":1}}],\"timestamp\":" + START_MICROS
            + ",\"duration\":1000,\"tags\":{\"after\":\"kept\"}"),
        span("0000000000000002", "b", ",\"timestamp\":" + START_MICROS + ",\"duration\":1000")) + "]");

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("a", "b");
    assertThat(timeline.spanNamed("a").attributes()).containsEntry("after", "kept");
    assertThat(timeline.spanNamed("a").startEpochNanos()).isEqualTo(START_MICROS * 1000);
    assertThat(messages(timeline)).containsExactly(
        "test.jsonl:1: kind is an object, not a value; ignored",
        "test.jsonl:1: timestamp is an array, not a value; ignored",
        "test.jsonl:1: value is an object, not a value; ignored");
  }

  @Test
  void anAnnotationWithoutATimestampIsNamedAsOne() throws IOException {
    Timeline timeline = read("[" + span("0000000000000001", "a", ",\"timestamp\":" + START_MICROS + ",\"duration\":1000,"
        + "\"annotations\":[{\"value\":\"none\"},{\"timestamp\":0,\"value\":\"zero\"},"
        + "{\"timestamp\":" + (START_MICROS + 1) + ",\"value\":\"timed\"}]") + "]");

    assertThat(timeline.spanNamed("a").events()).extracting(e -> e.name() + "@" + e.epochNanos())
        .containsExactly("none@0", "zero@0", "timed@" + (START_MICROS + 1) * 1000);
    assertThat(messages(timeline)).containsExactly(
        "test.jsonl:1: annotation \"none\" has no timestamp; read as 0",
        "test.jsonl:1: annotation \"zero\" has no timestamp (it is 0); read as 0");
  }
}
