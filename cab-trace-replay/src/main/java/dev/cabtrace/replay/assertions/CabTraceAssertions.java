package dev.cabtrace.replay.assertions;

import dev.cabtrace.replay.ledger.CellScore;
import dev.cabtrace.replay.ledger.TimelineDiff;
import dev.cabtrace.replay.timeline.Frame;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;

/**
 * Assertions on what a cell did, for adapters' own tests:
 *
 * <pre>{@code
 * assertThat(timeline).hasSpanCount(5).hasTotalDurationBetween(ofSeconds(85), ofSeconds(86));
 * assertThat(timeline).span("openhands:run").hasKind(CabSpanKind.CONTAINER).hasAttribute("process.exit.code", 0);
 * assertThat(timeline).at(Duration.ofMillis(1200)).hasActiveSpans("openhands:run").hasFinishedModelCalls(3);
 * assertThat(timeline).score().hasTotalTokensAtMost(20_000).hasWallClockAtMost(ofMinutes(2)).isPass();
 * assertThat(TraceFacts.read(captureFile).score()).hasTotalTokensAtMost(20_000);   // streamed, no timeline
 * assertThat(TimelineDiff.of(before, after)).hasTokenRegressionAtMost(10).hasWallClockRegressionAtMost(20);
 * }</pre>
 */
public final class CabTraceAssertions {

  private CabTraceAssertions() {}

  /** Assertions on a whole timeline. */
  public static TimelineAssert assertThat(Timeline timeline) {
    return new TimelineAssert(timeline);
  }

  /** Assertions on one span of {@code timeline}. */
  public static SpanAssert assertThat(Timeline timeline, TimelineSpan span) {
    return new SpanAssert(timeline, span);
  }

  /** Assertions on a frame. */
  public static FrameAssert assertThat(Frame frame) {
    return new FrameAssert(frame);
  }

  /** Assertions on a cell's score, as {@link TimelineAssert#score} makes them, for one read without a timeline. */
  public static ScoreAssert assertThat(CellScore score) {
    return new ScoreAssert(score);
  }

  /** Assertions on how a cell changed from A to B. */
  public static TimelineDiffAssert assertThat(TimelineDiff diff) {
    return new TimelineDiffAssert(diff);
  }
}
