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
}
