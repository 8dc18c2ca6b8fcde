package dev.cabtrace.replay.junit;

import static dev.cabtrace.replay.assertions.CabTraceAssertions.assertThat;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.CellTracer;
import dev.cabtrace.api.ModelCallSpan;
import dev.cabtrace.api.TokenUsage;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(CabTraceExtension.class)
class CabTraceExtensionTest {

  /** A tiny adapter, as a harness author would test it. */
  private static void runCell(CellTracer tracer, CellCapture capture) {
    try (CellSpan run = tracer.adapterRun("aider:python/flaky-retry", "aider")) {
      try (CellSpan container = tracer.container("aider:run")) {
        capture.advance(ofMillis(200));
        for (int i = 0; i < 3; i++) {
          try (ModelCallSpan call = tracer.modelCall("openai", "gpt-5-mini")) {
            capture.advance(ofMillis(300));
            call.setUsage(TokenUsage.of(1000 + i, 100)).setFinishReasons(List.of("stop"));
          }
        }
        capture.advance(ofMillis(1000));
        container.setExitCode(1).setError("tests failed");
      }
      run.setExitCode(1);
    }
  }

  @Test
  void atOnePointTwoSecondsTheContainerIsActiveAndThreeModelCallsFinished(CellCapture capture) {
    runCell(capture.tracer(), capture);
    Timeline timeline = capture.timeline();

    assertThat(timeline)
        .hasSpanCount(5)
        .hasModelCallCount(3)
        .hasTotalTokens(3003, 300)
        .hasTotalDurationBetween(ofMillis(2100), ofMillis(2100))
        .at(ofMillis(1200))
        .hasActiveSpanOfKind(CabSpanKind.CONTAINER)
        .hasActiveSpans("aider:python/flaky-retry", "aider:run")
        .hasFinishedModelCalls(3)
        .hasTokensSoFar(3003, 300);
    assertThat(timeline).at(ofMillis(600)).hasFinishedModelCalls(1).hasExactlyActiveSpans(
        "aider:python/flaky-retry", "aider:run", "chat gpt-5-mini");
    assertThat(timeline)
        .span("aider:run")
        .hasKind(CabSpanKind.CONTAINER)
        .hasParent("aider:python/flaky-retry")
        .hasAttribute("process.exit.code", 1L)
        .hasStatus(SpanStatus.ERROR)
        .hasDurationBetween(ofMillis(2100), ofMillis(2100));
    assertThat(timeline).span(CabSpanKind.ADAPTER_RUN).isRoot();
  }

  @Test
  void failureMessagesNameTheSpanAndSayExpectedVersusFound(CellCapture capture) {
    runCell(capture.tracer(), capture);
    Timeline timeline = capture.timeline();

    assertThatThrownBy(() -> assertThat(timeline).span("aider:run").hasAttribute("process.exit.code", 0L))
        .hasMessageContaining("span \"aider:run\"")
        .hasMessageContaining("process.exit.code = 0")
        .hasMessageContaining("found 1");
    assertThatThrownBy(() -> assertThat(timeline).at(ofMillis(100)).hasFinishedModelCalls(3))
        .hasMessageContaining("Expected 3 model calls to have finished by t = 100 ms but 0 had");
    assertThatThrownBy(() -> assertThat(timeline).span("nope"))
        .hasMessageContaining("Expected a span named \"nope\"");
    assertThatThrownBy(() -> assertThat(timeline).hasSpanOfKind(CabSpanKind.CLEANUP))
        .hasMessageContaining("Expected a span of kind cleanup");
  }

  @Test
  void resetForgetsWhatWasCaptured(CellCapture capture) {
    runCell(capture.tracer(), capture);
    capture.reset();
    try (CellSpan cleanup = capture.tracer().cleanup("cleanup:aider")) {
      capture.advance(ofMillis(5));
    }
    assertThat(capture.timeline()).hasSpanCount(1).span("cleanup:aider").hasDurationBetween(ofMillis(5), ofMillis(5));
  }

  @Test
  void theClockOnlyMovesForward(CellCapture capture) {
    capture.advance(java.time.Duration.ZERO);
    assertThatThrownBy(() -> capture.advance(ofMillis(-500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the capture's clock only moves forward, not by PT-0.5S");
    assertThatThrownBy(() -> capture.advance(null)).isInstanceOf(NullPointerException.class).hasMessage("duration");
  }

  /** The capture of the test below, looked at once the test has ended. */
  private static CellCapture ended;

  @Test
  void aCaptureIsClosedWhenItsTestEnds(CellCapture capture) {
    ended = capture;
    runCell(capture.tracer(), capture);
  }

  @AfterAll
  static void aClosedCaptureSaysSoToTheTestAndNothingToTheTracedCode() {
    if (ended == null) {
      return; // the test above did not run
    }
    String closed = "the capture of \"aCaptureIsClosedWhenItsTestEnds(CellCapture)\" is closed: its test has ended";
    assertThatThrownBy(ended::timeline).isInstanceOf(IllegalStateException.class).hasMessage(closed);
    assertThatThrownBy(() -> ended.advance(ofMillis(5))).isInstanceOf(IllegalStateException.class).hasMessage(closed);
    assertThatThrownBy(ended::reset).isInstanceOf(IllegalStateException.class).hasMessage(closed);
    assertThatThrownBy(() -> ended.replayModelCalls(java.nio.file.Path.of("none.cassette.jsonl")))
        .isInstanceOf(IllegalStateException.class).hasMessage(closed);
    try (CellSpan late = ended.tracer().toolCall("after the test")) {
      late.setAttribute("k", "v");
    }
  }
}
