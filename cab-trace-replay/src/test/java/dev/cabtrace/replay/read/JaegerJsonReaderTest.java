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
class JaegerJsonReaderTest {

  private static final String TRACE = "8293433263b72503f683e7696220d242";
  private static final long START_MICROS = 1_700_000_000_000_000L;

  /** A Jaeger span with {@code fields} after its ids and name (each with a leading comma). */
  private static String span(String spanId, String name, String fields) {
    return "{\"traceID\":\"" + TRACE + "\",\"spanID\":\"" + spanId + "\",\"operationName\":\"" + name + "\"" + fields
        + ",\"processID\":\"p1\"}";
  }

  private static String span(String spanId, String name, String references, String tags) {
    return span(spanId, name, ",\"references\":" + references + ",\"startTime\":" + START_MICROS
        + ",\"duration\":1000,\"tags\":" + tags);
  }

  private static String trace(String... spans) {
    return "{\"data\":[{\"traceID\":\"" + TRACE + "\",\"spans\":[" + String.join(",", spans)
        + "],\"processes\":{\"p1\":{\"serviceName\":\"svc\"}}}]}";
  }

  private static List<String> messages(Timeline timeline) {
    return timeline.warnings().stream().map(LoadWarning::toString).toList();
  }

  @Test
  void aReferenceOrTagThatIsNotAnObjectIsSkippedWithAWarningAndTheSpanReadOn() throws IOException {
    Timeline timeline = read(trace(
        span("0000000000000001", "root", "[]", "[null,{\"key\":\"k\",\"type\":\"string\",\"value\":\"v\"}]"),
        span("0000000000000002", "child", "[\"x\",{\"refType\":\"CHILD_OF\",\"spanID\":\"0000000000000001\"}]",
            "[{\"key\":\"k\",\"type\":\"string\",\"value\":\"v\"}]"),
        span("0000000000000003", "third", "[]", "[]")));

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactlyInAnyOrder("root", "child", "third");
    assertThat(timeline.spans()).extracting(TimelineSpan::startEpochNanos).containsOnly(START_MICROS * 1000);
    assertThat(timeline.spanNamed("root").attributes()).containsEntry("k", "v");
    TimelineSpan child = timeline.spanNamed("child");
    assertThat(timeline.parent(child).name()).isEqualTo("root");
    assertThat(child.attributes()).containsEntry("k", "v");
    assertThat(messages(timeline)).containsExactlyInAnyOrder(
        "test.jsonl:1: a Jaeger tag that is not an object; skipped",
        "test.jsonl:1: a Jaeger reference that is not an object; skipped");
  }

  @Test
  void anIntegerTagBeyond64BitsIsKeptAsTextWithAWarning() throws IOException {
    Timeline timeline = read(trace(
        span("0000000000000001", "root", "[]", "[{\"key\":\"k\",\"type\":\"int64\",\"value\":99999999999999999999},"
            + "{\"key\":\"n\",\"type\":\"int64\",\"value\":-7},{\"type\":\"int64\",\"value\":1e400,\"key\":\"f\"},"
            + "{\"key\":\"o\",\"value\":{\"x\":1}},{\"value\":123456789012345678901234567890,\"key\":\"late\"}]"),
        span("0000000000000003", "third", "[]", "[]")));

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactlyInAnyOrder("root", "third");
    assertThat(timeline.spanNamed("root").attributes()).containsEntry("k", "99999999999999999999")
        .containsEntry("n", -7L).containsEntry("late", "123456789012345678901234567890").doesNotContainKey("o");
    assertThat(messages(timeline)).containsExactly(
        "test.jsonl:1: tag k: 99999999999999999999 does not fit a 64-bit integer; kept as text",
        "test.jsonl:1: tag o: its value is an object, not a value; ignored",
        "test.jsonl:1: tag late: 123456789012345678901234567890 does not fit a 64-bit integer; kept as text");
  }

  @Test
  void aSpanWithoutAStartIsSkippedWithAWarningNotShownIn1970() throws IOException {
    Timeline timeline = read(trace(
        span("0000000000000001", "root", "[]", "[]"),
        span("0000000000000002", "nostart", ",\"duration\":1000,\"tags\":[]"),
        span("0000000000000003", "badstart", ",\"startTime\":\"soon\",\"duration\":1000,\"tags\":[]"),
        span("0000000000000004", "noduration", ",\"startTime\":" + (START_MICROS + 5) + ",\"tags\":[]")));

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("root", "noduration");
    assertThat(timeline.t0EpochNanos()).isEqualTo(START_MICROS * 1000);
    TimelineSpan unfinished = timeline.spanNamed("noduration");
    assertThat(unfinished.unfinished()).isTrue();
    assertThat(unfinished.endEpochNanos()).isEqualTo(unfinished.startEpochNanos()).isEqualTo((START_MICROS + 5) * 1000);
    assertThat(messages(timeline)).containsExactly(
        "test.jsonl:1: span \"nostart\": no startTime; skipped",
        "test.jsonl:1: span \"badstart\": startTime \"soon\" is not a time; skipped",
        "test.jsonl:1: span \"noduration\": no duration; shown unfinished, ending where it starts");
  }

  @Test
  void anObjectWhereAValueBelongsIsSkippedWithAWarningAndTheSpanReadOn() throws IOException {
    Timeline timeline = read("{\"data\":[{\"traceID\":\"" + TRACE + "\",\"spans\":["
        + "{\"traceID\":\"" + TRACE + "\",\"spanID\":\"0000000000000001\",\"operationName\":\"root\","
        + "\"processID\":{\"id\":\"p1\"},\"logs\":[{\"timestamp\":{\"t\":1},\"fields\":[]}],"
        + "\"startTime\":" + START_MICROS + ",\"duration\":1000,\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}],"
        + "\"processes\":{\"p1\":{\"serviceName\":null}}}]}");

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("root");
    assertThat(timeline.spanNamed("root").attributes()).containsEntry("k", "v");
    assertThat(timeline.spanNamed("root").startEpochNanos()).isEqualTo(START_MICROS * 1000);
    assertThat(messages(timeline)).containsExactly(
        "test.jsonl:1: processID is an object, not a value; ignored",
        "test.jsonl:1: timestamp is an object, not a value; ignored");
  }

  @Test
  void aLogWithoutATimestampIsNamedAsOne() throws IOException {
    Timeline timeline = read("{\"data\":[{\"traceID\":\"" + TRACE + "\",\"spans\":[" + span("0000000000000001", "a",
        ",\"startTime\":" + START_MICROS + ",\"duration\":1000,\"logs\":[{\"fields\":[{\"key\":\"event\",\"type\":\"string\","
        + "\"value\":\"none\"}]},{\"timestamp\":\"0\",\"fields\":[]},{\"timestamp\":" + (START_MICROS + 1) + ",\"fields\":[]}]")
        + "],\"processes\":{\"p1\":{\"serviceName\":\"svc\"}}}]}");

    assertThat(timeline.spanNamed("a").events()).extracting(e -> e.name() + "@" + e.epochNanos())
        .containsExactly("none@0", "log@0", "log@" + (START_MICROS + 1) * 1000);
    assertThat(messages(timeline)).containsExactly(
        "test.jsonl:1: log \"none\" has no timestamp; read as 0",
        "test.jsonl:1: log \"log\" has no timestamp (it is 0); read as 0");
  }

  @Test
  void warningsInAPrettyPrintedDocumentNameTheirLines() throws IOException {
    Timeline timeline = read(String.join("\n",
        "{\"data\": [{",                                                        // 1
        "  \"traceID\": \"" + TRACE + "\",",                                   // 2
        "  \"spans\": [",                                                       // 3
        "    {",                                                                // 4
        "      \"traceID\": \"" + TRACE + "\", \"spanID\": \"0000000000000001\",", // 5
        "      \"operationName\": \"root\", \"processID\": \"p1\",",           // 6
        "      \"startTime\": " + START_MICROS + ", \"duration\": 1000",         // 7
        "    },",                                                               // 8
        "    {",                                                                // 9
        "      \"traceID\": \"" + TRACE + "\", \"spanID\": \"0000000000000002\",", // 10
        "      \"operationName\": \"orphan\", \"processID\": \"p1\",",         // 11
        "      \"references\": [{\"refType\": \"CHILD_OF\", \"spanID\": \"00000000000000ff\"}],", // 12
        "      \"startTime\": " + START_MICROS + ", \"duration\": 1000,",        // 13
        "      \"logs\": [",                                                     // 14
        "        {\"fields\": []}",                                              // 15
        "      ]",                                                              // 16
        "    }",                                                                // 17
        "  ],",                                                                 // 18
        "  \"processes\": {\"p1\": {\"serviceName\": \"svc\"}}",                 // 19
        "}]}"));

    assertThat(messages(timeline)).containsExactlyInAnyOrder(
        "test.jsonl:15: log \"log\" has no timestamp; read as 0",
        "test.jsonl:9: span 0000000000000002 (orphan): parent 00000000000000ff is not in the trace; shown as a root");
  }
}
