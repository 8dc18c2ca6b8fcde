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
    assertThat(messages(timeline)).containsExactly("cell.jsonl:1: span 0000000000000001 (self) is its own parent; shown as a root");
  }

  @Test
  void aMissingParentACycleAndClockSkewNameTheLineOfTheSpan() {
    TimelineBuilder builder = new TimelineBuilder("cell.jsonl");
    builder.add(span(1, 0, "root", 0, 100), 1);
    builder.add(span(2, 0xff, "orphan", 10, 20), 2);
    builder.add(span(3, 1, "skewed", 50, 150), 3);
    builder.add(span(4, 5, "a", 10, 20), 4);
    builder.add(span(5, 4, "b", 10, 20), 5);
    builder.add(span(6, 0xff, "unlined", 10, 20), 0);
    builder.add(span(7, 0xff, "far", 10, 20), 3_000_000_000L);
    Timeline timeline = builder.build();

    assertThat(messages(timeline)).containsExactly(
        "cell.jsonl:2: span 0000000000000002 (orphan): parent 00000000000000ff is not in the trace; shown as a root",
        "cell.jsonl: span 0000000000000006 (unlined): parent 00000000000000ff is not in the trace; shown as a root",
        "cell.jsonl: span 0000000000000007 (far): parent 00000000000000ff is not in the trace; shown as a root",
        "cell.jsonl:5: span 0000000000000005 (b) is its own ancestor; the cycle is broken there and it is shown as a root",
        "cell.jsonl:3: span 0000000000000003 (skewed) runs outside its parent 0000000000000001 (root): clock skew? times"
            + " kept as recorded");
    assertThat(timeline.spans()).extracting(TimelineSpan::index).containsExactly(0, 1, 2, 3, 4, 5, 6);
  }

  @Test
  void aSecondCopyOfASpanWithOtherContentIsNamedWithBothLinesAndTheSameAgainCounted() {
    TimelineBuilder builder = new TimelineBuilder("cell.jsonl");
    builder.add(span(1, 0, "first", 0, 100), 1);
    builder.add(span(1, 0, "first", 0, 100), 2);
    builder.add(span(1, 0, "second", 0, 100), 3);
    builder.add(span(1, 0, "first", 5, 100), 4);
    builder.add(span(1, 2, "first", 0, 200), 5);
    builder.add(span(1, 0, "second", 5, 200), 0);
    Timeline timeline = builder.build();

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("first");
    assertThat(messages(timeline)).containsExactly(
        "cell.jsonl:3: span 0000000000000001 (first) at line 1 appears again at line 3 with another name \"second\";"
            + " the first kept",
        "cell.jsonl:4: span 0000000000000001 (first) at line 1 appears again at line 4 with another start; the first kept",
        "cell.jsonl:5: span 0000000000000001 (first) at line 1 appears again at line 5 with another end, another parent;"
            + " the first kept",
        "cell.jsonl: span 0000000000000001 (first) at line 1 appears again with another name \"second\", another start,"
            + " another end; the first kept",
        "cell.jsonl: 1 span(s) appeared more than once (a retried export?); each kept once");
  }

  @Test
  void aStreamingBuilderTellsCopiesWithOtherContentFromTheSameAgain() {
    java.util.List<TimelineSpan> streamed = new java.util.ArrayList<>();
    TimelineBuilder builder = TimelineBuilder.streaming("cell.jsonl", streamed::add);
    builder.add(span(1, 0, "first", 0, 100), 1);
    builder.add(span(1, 0, "first", 0, 100), 2);
    builder.add(span(1, 0, "second", 0, 100), 3);
    builder.add(span(1, 0, "first", 5, 100), 4);
    builder.add(span(1, 0, "first", 0, 200), 5);
    builder.add(span(1, 2, "first", 0, 100), 6);

    assertThat(streamed).extracting(TimelineSpan::name).containsExactly("first");
    assertThat(builder.warnings()).extracting(Object::toString).containsExactly(
        "cell.jsonl:3: span 0000000000000001 (second) appears again at line 3 with another name, start, end or parent;"
            + " the first kept",
        "cell.jsonl:4: span 0000000000000001 (first) appears again at line 4 with another name, start, end or parent;"
            + " the first kept",
        "cell.jsonl:5: span 0000000000000001 (first) appears again at line 5 with another name, start, end or parent;"
            + " the first kept",
        "cell.jsonl:6: span 0000000000000001 (first) appears again at line 6 with another name, start, end or parent;"
            + " the first kept",
        "cell.jsonl: 1 span(s) appeared more than once (a retried export?); each kept once");
  }

  @Test
  void copiesWithOtherContentBeyondTwentyAreCountedInOneLine() {
    TimelineBuilder builder = new TimelineBuilder("cell.jsonl");
    builder.add(span(1, 0, "first", 0, 100), 1);
    for (int line = 2; line <= 31; line++) {
      builder.add(span(1, 0, "copy " + line, 0, 100), line);
    }

    assertThat(builder.build().warnings()).hasSize(21).last().extracting(LoadWarning::message)
        .isEqualTo("10 more warning(s) of the kind \"span repeated with other content\"");
  }
 }
