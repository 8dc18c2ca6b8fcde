package dev.cabtrace.replay.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a builder warns about as it assembles a timeline: each warning names the span and its line. */
class TimelineBuilderWarningsTest {

  private static TimelineSpan.Builder span(long id, long parent, String name, long start, long end) {
    return TimelineSpan.builder().setTraceId(1, 1).setSpanId(id).setParentSpanId(parent).setName(name)
        .setStartEpochNanos(start).setEndEpochNanos(end);
  }

  private static List<String> messages(Timeline timeline) {
    return timeline.warnings().stream().map(LoadWarning::toString).toList();
  }

  @Test
  void aSpanThatIsItsOwnParentIsSaidToBeSo() {
    TimelineBuilder builder = new TimelineBuilder("cell.jsonl");
    builder.add(span(1, 1, "self", 0, 10), 1);
    Timeline timeline = builder.build();

    assertThat(timeline.roots()).extracting(TimelineSpan::name).containsExactly("self");
    assertThat(messages(timeline)).singleElement().asString()
        .endsWith("span 0000000000000001 (self) is its own parent; shown as a root");
  }
}
