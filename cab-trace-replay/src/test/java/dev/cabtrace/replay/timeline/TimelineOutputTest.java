package dev.cabtrace.replay.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The terminal output a timeline collects from its spans' {@code cab.output} events. */
class TimelineOutputTest {

  private static final long MS = 1_000_000L;

  private static SpanEvent output(long epochNanos, String data, boolean base64) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("cab.output.data", data);
    attributes.put("cab.output.stream", "stdout");
    if (base64) {
      attributes.put("cab.output.encoding", "base64");
    }
    return new SpanEvent(epochNanos, "cab.output", attributes);
  }

  /** One container span from 0 to 1,000 ms holding {@code events}. */
  private static Timeline container(SpanEvent... events) {
    TimelineSpan.Builder span = TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("c")
        .putAttribute("cab.span.kind", "container").setStartEpochNanos(0).setEndEpochNanos(1000 * MS);
    for (SpanEvent event : events) {
      span.addEvent(event);
    }
    TimelineBuilder builder = new TimelineBuilder("cell.jsonl");
    builder.add(span, 1);
    return builder.build();
  }

  private static List<String> messages(Timeline timeline) {
    return timeline.warnings().stream().map(LoadWarning::toString).toList();
  }

  @Test
  void outputTimestampedAfterTheLastSpanEndsIsNamedInAWarningNotLeftUnsaid() {
    Timeline timeline = container(output(500 * MS, "in-span\n", false), output(3000 * MS, "later\n", false),
        output(2000 * MS, "after-end\n", false), output(1000 * MS, "at-end\n", false));

    assertThat(timeline.durationNanos()).as("the run's wall time, as its spans say").isEqualTo(1000 * MS);
    assertThat(timeline.frame(timeline.durationNanos()).output().text(null)).isEqualTo("in-span\nat-end\n");
    assertThat(messages(timeline)).containsExactly("cell.jsonl: 2 output chunk(s) are timestamped after the last span"
        + " ends (the first on span 0000000000000001, 1000 ms after): the replay ends before them and does not show them");
  }

  @Test
  void outputTheRecorderDroppedPastItsCapIsNamedInAWarning() {
    Timeline timeline = container(output(100 * MS, "kept\n", false),
        new SpanEvent(900 * MS, "cab.output.truncated", Map.of("cab.output.dropped_bytes", 2_097_152L)));

    assertThat(timeline.frame(timeline.durationNanos()).output().text(null)).isEqualTo("kept\n");
    assertThat(messages(timeline)).containsExactly("cell.jsonl: span 0000000000000001 (c) recorded its terminal"
        + " output only up to the recorder's cap: 2,097,152 bytes after it were dropped, and the output shown stops there");
  }

  @Test
  void outputMarkedBase64ThatIsNotBase64IsKeptAsTextWithAWarning() {
    Timeline timeline = container(output(100 * MS, "!!notb64", true), output(200 * MS, "b2sK", true),
        output(300 * MS, "b2sK\r\n", true), output(400 * MS, "b2sK b2sK", true));

    assertThat(timeline.output()).extracting(OutputChunk::base64).containsExactly(false, true, false, false);
    assertThat(timeline.output().get(0).bytes()).isEqualTo("!!notb64".getBytes(StandardCharsets.UTF_8));
    assertThat(timeline.output().get(1).text()).isEqualTo("ok\n");
    assertThat(timeline.output().get(2).text()).isEqualTo("b2sK\r\n");
    assertThat(timeline.output().get(3).text()).isEqualTo("b2sK b2sK");
    assertThat(messages(timeline)).containsExactly("cell.jsonl: 3 output chunk(s) marked base64 are not base64 and are"
        + " shown as text (the first on span 0000000000000001)");
  }
}
