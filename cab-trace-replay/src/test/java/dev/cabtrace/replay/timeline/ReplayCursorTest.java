package dev.cabtrace.replay.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.read.TraceReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayCursorTest {

  private static final long MS = 1_000_000L;

  private Timeline timeline;
  private final AtomicLong clock = new AtomicLong();
  private ReplayCursor cursor;

  @BeforeEach
  void load() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/dev/cabtrace/replay/read/seed-cell.otlp.jsonl")) {
      timeline = TraceReader.create().read(in, "seed-cell.otlp.jsonl");
    }
    cursor = ReplayCursor.builder(timeline).setClock(clock::get).build();
  }

  @Test
  void stepsBySpanInStartOrderAndBackStayingPutAtBothEnds() {
    List<String> forward = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      cursor.stepSpanForward();
      forward.add(cursor.selected().kindName() + "@" + cursor.offsetNanos());
    }
    assertThat(forward)
        .containsExactly(
            "task_setup@0", "adapter_run@1250000", "tool_call@1300000", "container@1600000",
            "cleanup@85457600000", "cleanup@85457600000", "cleanup@85457600000");
    List<String> back = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      cursor.stepSpanBack();
      back.add(cursor.selected().kindName());
    }
    assertThat(back).containsExactly("container", "tool_call", "adapter_run", "task_setup", "task_setup", "task_setup");
    assertThat(cursor.offsetNanos()).isZero();
  }

  @Test
  void ticksLandOnExactMultiplesOf100MsAndClampAtBothEnds() {
    cursor.stepSpanForward().stepSpanForward(); // 1.25 ms
    cursor.tickForward();
    assertThat(cursor.offsetNanos()).isEqualTo(100 * MS);
    cursor.tickForward();
    assertThat(cursor.offsetNanos()).isEqualTo(200 * MS);
    cursor.seek(250 * MS).tickBack();
    assertThat(cursor.offsetNanos()).isEqualTo(200 * MS);
    cursor.tickBack().tickBack().tickBack();
    assertThat(cursor.offsetNanos()).isZero();
    cursor.end().tickForward();
    assertThat(cursor.offsetNanos()).isEqualTo(timeline.durationNanos());
    cursor.tickBack();
    assertThat(cursor.offsetNanos()).isEqualTo(85_400 * MS);
  }

  private String at() {
    return (cursor.selected() == null ? "none" : cursor.selected().kindName()) + "@" + cursor.offsetNanos();
  }

  @Test
  void aSpanStepForwardNeverMovesTheCursorBack() {
    // Past the last start, nothing selected: nothing starts later, so it stays put.
    cursor.seek(timeline.durationNanos()).stepSpanForward();
    assertThat(at()).isEqualTo("none@" + timeline.durationNanos());
    // At the end, the last span selected: the same.
    cursor.end().stepSpanForward();
    assertThat(at()).isEqualTo("cleanup@" + timeline.durationNanos());
    // Ticked past the spans after the selected one: on from where the cursor is.
    cursor.home().tickForward().stepSpanForward();
    assertThat(at()).isEqualTo("cleanup@85457600000");
    // Played past them: the same.
    cursor.home().play();
    clock.addAndGet(1_500 * MS);
    cursor.pause().stepSpanForward();
    assertThat(at()).isEqualTo("cleanup@85457600000");
  }

  @Test
  void aSpanStepAfterASeekGoesOnFromWhereTheCursorIs() {
    cursor.end();
    cursor.seek(0).stepSpanForward();
    assertThat(at()).isEqualTo("task_setup@0");
    cursor.seek(1_260_000).stepSpanForward();
    assertThat(at()).isEqualTo("tool_call@1300000");
    cursor.seek(1_260_000).stepSpanBack();
    assertThat(at()).isEqualTo("adapter_run@1250000");
    // At a span's start, forward takes that span.
    cursor.seek(1_600_000).stepSpanForward();
    assertThat(at()).isEqualTo("container@1600000");
    // Back to the selected span's start, steps go on from it again.
    cursor.tickForward().seek(1_600_000).stepSpanBack();
    assertThat(at()).isEqualTo("tool_call@1300000");
    // From the end, back takes the last span to start before it.
    cursor.end().stepSpanBack();
    assertThat(at()).isEqualTo("cleanup@85457600000");
  }

  @Test
  void playFollowsTheClockAtItsSpeedAndStopsAtTheEnd() {
    cursor.play();
    clock.addAndGet(1_500 * MS);
    assertThat(cursor.offsetNanos()).isEqualTo(1_500 * MS);
    assertThat(cursor.frame().active()).extracting(TimelineSpan::kindName).containsExactly("adapter_run", "container");
    cursor.faster().faster(); // 4x
    clock.addAndGet(1_000 * MS);
    assertThat(cursor.offsetNanos()).isEqualTo(5_500 * MS);
    cursor.pause();
    clock.addAndGet(10_000 * MS);
    assertThat(cursor.offsetNanos()).isEqualTo(5_500 * MS);
    cursor.togglePlay();
    clock.addAndGet(100_000 * MS);
    assertThat(cursor.isPlaying()).isFalse();
    assertThat(cursor.offsetNanos()).isEqualTo(timeline.durationNanos());
    cursor.play(); // from the end, play starts over
    assertThat(cursor.offsetNanos()).isZero();
    assertThat(cursor.isPlaying()).isTrue();
  }

  @Test
  void theCursorStaysWithinTheTimelineWhateverTheClockDoes() {
    cursor.seek(1_000 * MS).play();
    clock.addAndGet(-1_000 * MS); // a clock that went back
    assertThat(cursor.offsetNanos()).isEqualTo(1_000 * MS);
    clock.addAndGet(500 * MS);
    assertThat(cursor.offsetNanos()).isEqualTo(1_500 * MS);
    cursor.faster().faster().faster().faster().faster().faster(); // 64x
    clock.addAndGet(Long.MAX_VALUE / 2);
    assertThat(cursor.offsetNanos()).isEqualTo(timeline.durationNanos());
    assertThat(cursor.isPlaying()).isFalse();
    // A reading further than Long.MAX_VALUE from the last one.
    clock.set(Long.MIN_VALUE + 1);
    cursor.seek(1_000 * MS).play();
    clock.set(Long.MAX_VALUE);
    assertThat(cursor.offsetNanos()).isEqualTo(timeline.durationNanos());
    assertThat(cursor.isPlaying()).isFalse();
  }

  @Test
  void ticksNearTheLongestDurationDoNotWrapAround() {
    TimelineBuilder builder = new TimelineBuilder("long");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("long").setStartEpochNanos(0)
        .setEndEpochNanos(Long.MAX_VALUE), 0);
    ReplayCursor longest = ReplayCursor.builder(builder.build()).setClock(clock::get).build();
    longest.end().tickForward();
    assertThat(longest.offsetNanos()).isEqualTo(Long.MAX_VALUE);
    longest.tickBack();
    assertThat(longest.offsetNanos()).isEqualTo(Long.MAX_VALUE / (100 * MS) * (100 * MS));
    longest.tickForward();
    assertThat(longest.offsetNanos()).isEqualTo(Long.MAX_VALUE);
    longest.seek(Long.MAX_VALUE - 1).tickBack();
    assertThat(longest.offsetNanos()).isEqualTo(Long.MAX_VALUE / (100 * MS) * (100 * MS));
    longest.seek(100 * MS).tickBack().tickBack();
    assertThat(longest.offsetNanos()).isZero();
  }

  @Test
  void framesSayWhatIsActiveFinishedAndNotStarted() {
    Frame atZero = timeline.frame(0);
    assertThat(atZero.active()).extracting(TimelineSpan::kindName).containsExactly("task_setup");
    assertThat(atZero.notStarted()).hasSize(4);
    Frame toolCall = timeline.frame(1_400_000);
    assertThat(toolCall.active()).extracting(TimelineSpan::kindName).containsExactly("adapter_run", "tool_call");
    assertThat(toolCall.finished()).extracting(TimelineSpan::kindName).containsExactly("task_setup");
    Frame end = timeline.frame(timeline.durationNanos());
    assertThat(end.active()).isEmpty();
    assertThat(end.finished()).hasSize(5);
    assertThat(Durations.groupedMillis(1_200 * MS)).isEqualTo("1 200 ms");
  }

  @Test
  void aZeroLengthSpanIsActiveOnlyAtItsStart() {
    TimelineBuilder builder = new TimelineBuilder("test");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("long").setStartEpochNanos(0).setEndEpochNanos(1000), 0);
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(2).setParentSpanId(1).setName("instant").setStartEpochNanos(500).setEndEpochNanos(500), 0);
    Timeline zero = builder.build();

    assertThat(zero.frame(500).active()).extracting(TimelineSpan::name).containsExactly("long", "instant");
    assertThat(zero.frame(500).finished()).isEmpty();
    assertThat(zero.frame(501).active()).extracting(TimelineSpan::name).containsExactly("long");
    assertThat(zero.frame(501).finished()).extracting(TimelineSpan::name).containsExactly("instant");
  }

  @Test
  void tokensAndOutputAccumulateOverTime() throws IOException {
    Timeline aider;
    try (InputStream in = getClass().getResourceAsStream("/dev/cabtrace/replay/read/aider-cell.official-otlp-stdout-1.63.jsonl")) {
      aider = TraceReader.create().read(in, "aider");
    }
    long firstCallEnd = aider.offsetNanos(aider.modelCalls().get(0).span().endEpochNanos());
    assertThat(aider.frame(firstCallEnd - 1).tokens().calls()).isZero();
    assertThat(aider.frame(firstCallEnd).tokens().input()).isEqualTo(5210);
    assertThat(aider.frame(aider.durationNanos()).tokens().input()).isEqualTo(11254);
    assertThat(aider.frame(aider.durationNanos()).modelCalls()).hasSize(2);
  }

  @Test
  void everyFrameSumsTheTokensAndListsTheSpansEndedByThen() {
    java.util.Random random = new java.util.Random(11);
    for (int trace = 0; trace < 20; trace++) {
      TimelineBuilder builder = new TimelineBuilder("random");
      List<long[]> calls = new java.util.ArrayList<>(); // end, input, output, cache read, reasoning, unknown
      List<long[]> spans = new java.util.ArrayList<>(); // start, end
      boolean withCache = random.nextBoolean();
      for (int i = 0; i < 60; i++) {
        long start = random.nextInt(50);
        long end = start + random.nextInt(4) * random.nextInt(20); // zero-length ones too
        TimelineSpan.Builder span = TimelineSpan.builder().setTraceId(1, 1).setSpanId(i + 1).setName("s" + i)
            .setStartEpochNanos(start).setEndEpochNanos(end);
        spans.add(new long[] {start, end});
        if (random.nextBoolean()) {
          span.putAttribute("cab.span.kind", "model_call");
          long[] call = {end, 0, 0, 0, 0, 0};
          if (random.nextInt(5) > 0) {
            call[1] = random.nextInt(1000);
            call[2] = random.nextInt(100);
            span.putAttribute("gen_ai.usage.input_tokens", call[1]).putAttribute("gen_ai.usage.output_tokens", call[2]);
          } else {
            call[5] = 1;
          }
          if (withCache && random.nextBoolean()) {
            long cached = random.nextInt(500);
            long reasoned = random.nextInt(50);
            span.putAttribute("gen_ai.usage.cache_read.input_tokens", cached)
                .putAttribute("gen_ai.usage.reasoning.output_tokens", reasoned);
            if (call[5] == 0) { // a call without its usage adds nothing, these counts neither
              call[3] = cached;
              call[4] = reasoned;
            }
          }
          calls.add(call);
        }
        builder.add(span, 0);
      }
      Timeline timeline = builder.build();
      for (long moment = timeline.t0EpochNanos() - 1; moment <= timeline.t0EpochNanos() + 80; moment++) {
        long t = moment;
        long[] expected = new long[6];
        for (long[] call : calls) {
          if (call[0] <= t) {
            for (int k = 1; k < 6; k++) {
              expected[k] += call[k];
            }
            expected[0]++;
          }
        }
        Frame frame = timeline.frame(t - timeline.t0EpochNanos());
        assertThat(frame.tokens()).as("trace %d at %d", trace, t)
            .isEqualTo(new TokenTotals(expected[1], expected[2], expected[3], expected[4], expected[0], expected[5]));
        long finished = spans.stream().filter(span -> span[1] <= t && !(span[1] == span[0] && span[0] == t)).count();
        assertThat(frame.finished()).as("trace %d at %d", trace, t).hasSize((int) finished)
            .allMatch(span -> span.endEpochNanos() <= t);
        assertThat(frame.finished()).isSortedAccordingTo(java.util.Comparator.comparingLong(TimelineSpan::endEpochNanos));
        List<String> active = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
          long[] span = spans.get(i);
          if ((span[0] <= t && t < span[1]) || (span[0] == span[1] && span[0] == t)) {
            active.add("s" + i);
          }
        }
        assertThat(frame.active()).as("trace %d at %d", trace, t).extracting(TimelineSpan::name)
            .containsExactlyInAnyOrderElementsOf(active);
        assertThat(frame.active()).as("trace %d at %d", trace, t)
            .isSortedAccordingTo(java.util.Comparator.comparingLong(TimelineSpan::startEpochNanos));
      }
    }
  }

  @Test
  void spansEndingTogetherAreFinishedAndCalledInStartOrder() {
    java.util.Random random = new java.util.Random(27);
    // Small timelines, and one over SideTask.SPANS, whose end order is sorted on a second thread.
    for (int size : new int[] {1, 2, 50, 2_000, 2_000, 2_000, SideTask.SPANS + 20_000}) {
      TimelineBuilder builder = new TimelineBuilder("ties");
      for (int i = 0; i < size; i++) {
        long start = random.nextInt(40);
        TimelineSpan.Builder span = TimelineSpan.builder().setTraceId(1, 1 + random.nextInt(3)).setSpanId(i + 1)
            .setName("s" + i).setStartEpochNanos(start).setEndEpochNanos(start + random.nextInt(3) * random.nextInt(8));
        if (random.nextInt(3) == 0) {
          span.putAttribute("cab.span.kind", "model_call");
        }
        builder.add(span, 0);
      }
      Timeline timeline = builder.build();
      List<TimelineSpan> byEnd = new ArrayList<>(timeline.spans()); // in start order
      byEnd.sort(java.util.Comparator.comparingLong(TimelineSpan::endEpochNanos)); // stable
      List<TimelineSpan> calls = byEnd.stream().filter(span -> "model_call".equals(span.kindName())).toList();
      Frame last = timeline.frame(timeline.durationNanos() + 1);
      assertThat(last.finished()).as("%d spans", size).containsExactlyElementsOf(byEnd);
      assertThat(timeline.modelCalls()).extracting(ModelCall::span).as("%d spans", size).containsExactlyElementsOf(calls);
    }
  }
}
