package dev.cabtrace.replay.assertions;

import static dev.cabtrace.replay.assertions.CabTraceAssertions.assertThat;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofNanos;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import dev.cabtrace.replay.timeline.TimelineSpan;
import org.junit.jupiter.api.Test;

/** The assertions on timelines, spans and frames, on timelines made by hand. */
class CabTraceAssertionsTest {

  private static final long MS = 1_000_000L;

  /** A container from 0 to 100 ms, with a model call from 10 to 20 ms and one from 30 to 40 ms. */
  private static Timeline cell(Long secondInput, Long secondOutput) {
    TimelineBuilder builder = new TimelineBuilder("by hand");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("aider:run")
        .putAttribute("cab.span.kind", "container").putAttribute("process.exit.code", 0L)
        .setStartEpochNanos(0).setEndEpochNanos(100 * MS), 0);
    builder.add(call(2, 10, 1000L, 100L), 0);
    builder.add(call(3, 30, secondInput, secondOutput), 0);
    return builder.build();
  }

  private static TimelineSpan.Builder call(long id, long startMillis, Long input, Long output) {
    return TimelineSpan.builder().setTraceId(1, 1).setSpanId(id).setParentSpanId(1).setName("chat " + id)
        .putAttribute("cab.span.kind", "model_call").putAttribute("gen_ai.usage.input_tokens", input)
        .putAttribute("gen_ai.usage.output_tokens", output)
        .setStartEpochNanos(startMillis * MS).setEndEpochNanos((startMillis + 10) * MS);
  }

  @Test
  void tokensOfACallThatRecordedNoUsageAreUnknownNotZero() {
    Timeline recorded = cell(500L, 50L);
    assertThat(recorded).hasTotalTokens(1500, 150).at(ofMillis(25)).hasTokensSoFar(1000, 100);

    Timeline withoutUsage = cell(null, null);
    assertThatThrownBy(() -> assertThat(withoutUsage).hasTotalTokens(1000, 100))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expected 1000 input and 100 output tokens but 1 of 2 model call(s) recorded no input and output"
            + " count (one missing, or negative): their tokens are unknown");
    assertThatThrownBy(() -> assertThat(withoutUsage).at(ofMillis(40)).hasTokensSoFar(1000, 100))
        .hasMessage("Expected 1000 input and 100 output tokens by t = 40 ms but 1 of 2 model call(s) recorded no"
            + " input and output count (one missing, or negative): their tokens are unknown");
    // Before the call without usage ended, the tokens so far are known.
    assertThat(withoutUsage).at(ofMillis(39)).hasTokensSoFar(1000, 100);
    // Half a record is no record.
    assertThatThrownBy(() -> assertThat(cell(500L, null)).hasTotalTokens(1500, 100))
        .hasMessageContaining("1 of 2 model call(s) recorded no input and output count");
    assertThatThrownBy(() -> assertThat(cell(-5L, 7L)).hasTotalTokens(995, 107))
        .hasMessageContaining("1 of 2 model call(s) recorded no input and output count (one missing, or negative)");
  }

  @Test
  void aTraceWithoutModelCallsHasNoTokenCountNotZero() {
    TimelineBuilder builder = new TimelineBuilder("by hand");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("run")
        .putAttribute("cab.span.kind", "adapter_run").setStartEpochNanos(0).setEndEpochNanos(MS), 0);
    Timeline noCalls = builder.build();

    assertThatThrownBy(() -> assertThat(noCalls).hasTotalTokens(0, 0))
        .hasMessage("Expected 0 input and 0 output tokens but the trace holds no model call: its tokens were not"
            + " recorded");
    // As the score says it, for a timeline and for a score read on its own.
    assertThatThrownBy(() -> assertThat(noCalls).score().hasTotalTokensAtMost(0))
        .hasMessageContaining("its tokens were not recorded");
    assertThatThrownBy(() -> assertThat(dev.cabtrace.replay.ledger.CellScore.of(noCalls)).hasTotalTokensAtMost(0))
        .hasMessageContaining("its tokens were not recorded");
    assertThat(noCalls).hasModelCallCount(0);
  }

  @Test
  void aWholeNumberAttributeIsExpectedAsAnIntegerOrALong() {
    Timeline cell = cell(500L, 50L);
    assertThat(cell, cell.spanNamed("aider:run")).hasAttribute("process.exit.code", 0)
        .hasAttribute("process.exit.code", 0L).hasAttribute("process.exit.code", (short) 0)
        .hasAttribute("process.exit.code", (byte) 0).hasAttribute("cab.span.kind", "container");
    TimelineBuilder withRatio = new TimelineBuilder("by hand");
    withRatio.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("run").putAttribute("ratio", 1.5)
        .putAttribute("share", (double) 0.1f).setStartEpochNanos(0).setEndEpochNanos(MS), 0);
    Timeline ratios = withRatio.build();
    // A float as OpenTelemetry records it: widened to a double.
    assertThat(ratios, ratios.spanNamed("run")).hasAttribute("ratio", 1.5f).hasAttribute("ratio", 1.5)
        .hasAttribute("share", 0.1f);
    assertThatThrownBy(() -> assertThat(cell, cell.spanNamed("aider:run")).hasAttribute("process.exit.code", 1))
        .hasMessage("Expected span \"aider:run\" to have process.exit.code = 1 but found 0 (Long)");
    // Types that differ are both named: the same text is not the same value.
    assertThatThrownBy(() -> assertThat(cell, cell.spanNamed("aider:run")).hasAttribute("process.exit.code", "0"))
        .hasMessage("Expected span \"aider:run\" to have process.exit.code = 0 (String) but found 0 (Long)");
    assertThatThrownBy(() -> assertThat(cell, cell.spanNamed("aider:run")).hasAttribute("process.exit.code", 0.0))
        .hasMessage("Expected span \"aider:run\" to have process.exit.code = 0.0 (Double) but found 0 (Long)");
    assertThatThrownBy(() -> assertThat(cell, cell.spanNamed("aider:run")).hasAttribute("exit_code", 0))
        .hasMessage("Expected span \"aider:run\" to have exit_code = 0 but found no such attribute");
  }

  @Test
  void aListOfWholeNumbersIsExpectedAsIntegersOrLongs() {
    TimelineBuilder builder = new TimelineBuilder("lists");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("run")
        .putAttribute("codes", java.util.List.of(0L, 2L)).setStartEpochNanos(0).setEndEpochNanos(MS), 0);
    Timeline timeline = builder.build();
    assertThat(timeline).span("run").hasAttribute("codes", java.util.List.of(0, 2))
        .hasAttribute("codes", java.util.List.of(0L, 2L));
  }

  @Test
  void kindsAreNamedWithoutAnArticle() {
    Timeline cell = cell(500L, 50L);
    assertThatThrownBy(() -> assertThat(cell).span("aider:run").hasKind(CabSpanKind.ADAPTER_RUN))
        .hasMessage("Expected span \"aider:run\" to be of kind adapter_run but it is container");
    assertThatThrownBy(() -> assertThat(cell).hasSpanOfKind(CabSpanKind.ADAPTER_RUN))
        .hasMessage("Expected a span of kind adapter_run but found only [container, model_call]");
    assertThatThrownBy(() -> assertThat(cell).span(CabSpanKind.ADAPTER_RUN))
        .hasMessage("Expected a span of kind adapter_run but found only [container, model_call]");
    assertThatThrownBy(() -> assertThat(cell).hasSpan(CabSpanKind.ADAPTER_RUN, "aider:run"))
        .hasMessageStartingWith("Expected a span of kind adapter_run named \"aider:run\" but found [container \"aider:run\"");
    assertThatThrownBy(() -> assertThat(cell).at(ofMillis(5)).hasActiveSpanOfKind(CabSpanKind.ADAPTER_RUN))
        .hasMessage("Expected a span of kind adapter_run to be active at t = 5 ms but the active spans are [aider:run]");
  }

  @Test
  void durationsThatMissByLessThanAMillisecondSayByHowMuch() {
    Timeline cell = cell(500L, 50L);
    assertThatThrownBy(() -> assertThat(cell).span("aider:run").hasDurationBetween(ofMillis(50), ofNanos(99_999_999)))
        .hasMessage("Expected span \"aider:run\" to last between 50 ms and 99.999999 ms but it lasted 100 ms");
    assertThatThrownBy(() -> assertThat(cell).hasTotalDurationBetween(ofNanos(100_000_001), ofSeconds(1)))
        .hasMessage("Expected the cell to last between 100.000001 ms and 1000 ms but it lasted 100 ms");
  }

  @Test
  void aRunThatNeverEndedHoldsToNoDurationBound() {
    TimelineBuilder builder = new TimelineBuilder("by hand");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("run")
        .putAttribute("cab.span.kind", "adapter_run").setStartEpochNanos(0).setEndEpochNanos(0).setUnfinished(true), 0);
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(2).setParentSpanId(1).setName("box")
        .putAttribute("cab.span.kind", "container").setStartEpochNanos(0).setEndEpochNanos(3_600_000 * MS), 0);
    Timeline cell = builder.build();

    assertThatThrownBy(() -> assertThat(cell).score().hasWallClockAtMost(java.time.Duration.ofHours(1)))
        .hasMessage("Expected the cell's wall clock to be at most 3600000 ms but it is unknown, at least 3600000 ms"
            + " (an adapter_run never ended)");
    assertThatThrownBy(() -> assertThat(cell).span("run").hasDurationBetween(java.time.Duration.ZERO, ofSeconds(1)))
        .hasMessage("Expected span \"run\" to last between 0 ms and 1000 ms but it never ended");
  }

  @Test
  void aSpanWhoseParentWasNotCapturedIsNoRoot() {
    TimelineBuilder builder = new TimelineBuilder("by hand");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(2).setParentSpanId(0x65198b59b2690e4bL)
        .setName("setup").setStartEpochNanos(0).setEndEpochNanos(MS), 0);
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(3).setName("root")
        .setStartEpochNanos(0).setEndEpochNanos(MS), 0);
    Timeline cell = builder.build();

    assertThat(cell).span("root").isRoot();
    assertThatThrownBy(() -> assertThat(cell).span("setup").isRoot())
        .hasMessage("Expected span \"setup\" to be a root but it has parent 65198b59b2690e4b, which is not in the trace");
  }

  @Test
  void misuseIsRefusedByName() {
    Timeline cell = cell(500L, 50L);
    assertThatThrownBy(() -> assertThat(cell).at(null))
        .isInstanceOf(NullPointerException.class).hasMessage("offset");
    assertThatThrownBy(() -> assertThat(cell).hasTotalDurationBetween(null, ofMillis(100)))
        .isInstanceOf(NullPointerException.class).hasMessage("min");
    assertThatThrownBy(() -> assertThat(cell).span("aider:run").hasDurationBetween(ofMillis(100), null))
        .isInstanceOf(NullPointerException.class).hasMessage("max");
    assertThatThrownBy(() -> assertThat(cell).at(ofMillis(5)).hasActiveSpans((String[]) null))
        .isInstanceOf(NullPointerException.class).hasMessage("names");
    assertThatThrownBy(() -> assertThat(cell).at(ofMillis(5)).hasExactlyActiveSpans((String[]) null))
        .isInstanceOf(NullPointerException.class).hasMessage("names");
    assertThatThrownBy(() -> assertThat(cell).at(ofMillis(5)).hasActiveSpans())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name at least one span; hasExactlyActiveSpans() says that none is active");
    assertThatThrownBy(() -> assertThat(cell).at(ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("offset PT-0.005S is before the cell's start (t = 0)");
    assertThatThrownBy(() -> assertThat(cell).at(ofMillis(5)).hasOutputContaining(null))
        .isInstanceOf(NullPointerException.class).hasMessage("text");
    assertThatThrownBy(() -> assertThat(cell).span("aider:run").hasDurationBetween(ofSeconds(10), ofSeconds(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("min PT10S is more than max PT0S");
    assertThatThrownBy(() -> assertThat(cell).hasTotalDurationBetween(ofMillis(101), ofMillis(100)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("min PT0.101S is more than max PT0.1S");
    assertThat(cell).hasTotalDurationBetween(ofMillis(100), ofMillis(100))
        .span("aider:run").hasDurationBetween(ofMillis(100), ofMillis(100));
  }
}
