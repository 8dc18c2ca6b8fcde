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
}
