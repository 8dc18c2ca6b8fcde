package dev.cabtrace.replay.ledger;

import static dev.cabtrace.replay.assertions.CabTraceAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cabtrace.replay.timeline.Timeline;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The score and diff assertions: one passing and one failing case each, with the message. */
class LedgerAssertionsTest {

  private static Timeline seed() throws IOException {
    return CellScoreTest.read(CellScoreTest.fixture("seed-cell.otlp.jsonl"), "seed");
  }

  private static Timeline aider() throws IOException {
    return CellScoreTest.read(CellScoreTest.fixture("aider-cell.official-otlp-stdout-1.63.jsonl"), "aider");
  }

  @Test
  void scoreWithinItsBounds() throws IOException {
    assertThat(aider()).score()
        .hasTotalTokensAtMost(11762)
        .hasModelCalls(2)
        .hasWallClockAtMost(Duration.ofMillis(12505))
        .hasModelCallTimeAtMost(Duration.ofSeconds(4));
  }

  @Test
  void scoreFailuresSayWhatWasFound() throws IOException {
    Timeline aider = aider();
    assertThatThrownBy(() -> assertThat(aider).score().hasTotalTokensAtMost(10_000))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expected the cell to use at most 10000 total tokens but it used 11762 (11254 prompt + 508 completion)"
            + " over 2 model call(s)");
    Timeline seed = seed();
    assertThatThrownBy(() -> assertThat(seed).score().hasTotalTokensAtMost(10_000))
        .hasMessage("Expected the cell to use at most 10000 total tokens but its tokens were not recorded"
            + " (0 model call record(s))");
    assertThatThrownBy(() -> assertThat(seed).score().hasWallClockAtMost(Duration.ofMinutes(1)))
        .hasMessage("Expected the cell's wall clock to be at most 60000 ms but it was 85456.275 ms");
    // The aider cell's two calls take 3200 ms together: a limit 0.5 ms short of it says both exactly.
    assertThatThrownBy(() -> assertThat(aider).score().hasModelCallTimeAtMost(Duration.ofNanos(3_199_500_000L)))
        .hasMessage("Expected the cell's model calls to take at most 3199.5 ms together but they took 3200 ms over 2 call(s)");
    assertThat(aider).score().hasWallClockAtMost(Duration.ofSeconds(Long.MAX_VALUE));
    assertThatThrownBy(() -> assertThat(seed).score().hasModelCalls(3))
        .hasMessage("Expected the cell to make 3 model call(s) but it made 0");
    assertThatThrownBy(() -> assertThat(seed).score().isPass())
        .hasMessage("Expected the cell to pass but no verdict was recorded (no cab.pass on adapter_run)");
  }

  @Test
  void diffWithinItsRegressionLimits() throws IOException {
    TimelineDiff diff = TimelineDiff.of(TimelineDiffTest.before(), TimelineDiffTest.after());
    assertThat(diff).hasTokenRegressionAtMost(30).hasWallClockRegressionAtMost(20);
    // Shrinking is never a regression.
    assertThat(TimelineDiff.of(TimelineDiffTest.after(), TimelineDiffTest.before())).hasTokenRegressionAtMost(0);
  }

  @Test
  void diffFailuresSayTheChangeAndTheValues() throws IOException {
    TimelineDiff diff = TimelineDiff.of(TimelineDiffTest.before(), TimelineDiffTest.after());
    assertThatThrownBy(() -> assertThat(diff).hasTokenRegressionAtMost(10))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expected total tokens to keep within the limit from A to B but found"
            + " regression: total_tokens +28.2% > +10.0% (3300 -> 4230)");
    assertThatThrownBy(() -> assertThat(diff).hasWallClockRegressionAtMost(5))
        .hasMessage("Expected wall clock to keep within the limit from A to B but found"
            + " regression: wall_clock_ms +20.0% > +5.0% (10000 -> 12000)");
    TimelineDiff noTokens = TimelineDiff.of(seed(), TimelineDiffTest.after());
    assertThatThrownBy(() -> assertThat(noTokens).hasTokenRegressionAtMost(10))
        .hasMessage("Expected total tokens to keep within the limit from A to B but found"
            + " regression: total_tokens not recorded in A, limit +10.0%");
    assertThatThrownBy(() -> assertThat(noTokens).hasTokenRegressionAtMost(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("regression limit on total_tokens is not a finite number: NaN");
  }

  /** One call of {@code tokens} input tokens and none out. */
  private static Timeline tokens(String traceId, long tokens) throws IOException {
    return OtlpLines.cell(traceId, "aider", "gpt-5")
        .span(1, 0, "chat gpt-5", "model_call", TimelineDiffTest.T0, TimelineDiffTest.T0 + 1_000_000,
            OtlpLines.integer("gen_ai.usage.input_tokens", tokens), OtlpLines.integer("gen_ai.usage.output_tokens", 0))
        .read(traceId + ".jsonl");
  }

  @Test
  void diffFailuresShowTheChangeAndTheLimitAsDiffDoes() throws IOException {
    Timeline tenThousand = tokens("00000000000000000000000000000a01", 10_000);
    Timeline fourMore = tokens("00000000000000000000000000000a02", 10_004);
    // Rounded to one decimal, both were 0.0%.
    assertThatThrownBy(() -> assertThat(TimelineDiff.of(tenThousand, fourMore)).hasTokenRegressionAtMost(0.03))
        .hasMessage("Expected total tokens to keep within the limit from A to B but found"
            + " regression: total_tokens +0.04% > +0.03% (10000 -> 10004)");
    assertThat(TimelineDiff.of(tenThousand, fourMore)).hasTokenRegressionAtMost(0.04);
    // A negative limit asks for a decrease: one too small fails.
    assertThatThrownBy(() -> assertThat(TimelineDiff.of(fourMore, tenThousand)).hasTokenRegressionAtMost(-5))
        .hasMessage("Expected total tokens to keep within the limit from A to B but found"
            + " regression: total_tokens -0.04% > -5.0% (10004 -> 10000)");
    assertThat(TimelineDiff.of(fourMore, tenThousand)).hasTokenRegressionAtMost(-0.03);
  }
}
