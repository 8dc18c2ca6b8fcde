package dev.cabtrace.replay.assertions;

import dev.cabtrace.replay.ledger.CellScore;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a cell's token and latency figures ({@link CellScore}); a figure the trace did not
 * record fails every bound on it.
 */
public final class ScoreAssert extends AbstractAssert<ScoreAssert, CellScore> {

  ScoreAssert(CellScore actual) {
    super(actual, ScoreAssert.class);
  }

  /** Its prompt plus completion tokens were recorded and are at most {@code max}. */
  public ScoreAssert hasTotalTokensAtMost(long max) {
    isNotNull();
    Long total = actual.totalTokens();
    if (total == null) {
      failWithMessage("Expected the cell to use at most %d total tokens but its tokens were not recorded"
          + " (%d model call record(s))", max, actual.modelCalls());
    } else if (total > max) {
      failWithMessage("Expected the cell to use at most %d total tokens but it used %d (%d prompt + %d completion)"
          + " over %d model call(s)", max, total, actual.promptTokens(), actual.completionTokens(), actual.modelCalls());
    }
    return this;
  }

  /** It holds exactly {@code count} model-call records. */
  public ScoreAssert hasModelCalls(int count) {
    isNotNull();
    if (actual.modelCalls() != count) {
      failWithMessage("Expected the cell to make %d model call(s) but it made %d", count, actual.modelCalls());
    }
    return this;
  }

  /** Its run took at most {@code max} of wall-clock time; a run that never ended fails it. */
  public ScoreAssert hasWallClockAtMost(Duration max) {
    isNotNull();
    Objects.requireNonNull(max, "max");
    if (actual.runUnfinished()) {
      // As a budget says it: the figure is a lower bound, and no bound on it can be said to hold.
      failWithMessage("Expected the cell's wall clock to be at most %s but it is unknown, at least %s (an adapter_run"
          + " never ended)", millis(max), millis(Duration.ofNanos(actual.wallClockNanos())));
    } else if (Duration.ofNanos(actual.wallClockNanos()).compareTo(max) > 0) {
      failWithMessage("Expected the cell's wall clock to be at most %s but it was %s",
          millis(max), millis(Duration.ofNanos(actual.wallClockNanos())));
    }
    return this;
  }

  /** Its model calls took at most {@code max} together. */
  public ScoreAssert hasModelCallTimeAtMost(Duration max) {
    isNotNull();
    Objects.requireNonNull(max, "max");
    if (Duration.ofNanos(actual.modelCallNanos()).compareTo(max) > 0) {
      failWithMessage("Expected the cell's model calls to take at most %s together but they took %s over %d call(s)",
          millis(max), millis(Duration.ofNanos(actual.modelCallNanos())), actual.modelCalls());
    }
    return this;
  }

  /** Exact milliseconds, {@code 1504.25 ms}: rounded seconds could show a broken limit as equal to it. */
  private static String millis(Duration duration) {
    return BigDecimal.valueOf(duration.getSeconds()).movePointRight(3)
        .add(BigDecimal.valueOf(duration.getNano(), 6)).stripTrailingZeros().toPlainString() + " ms";
  }

  /** Its verdict ({@code cab.pass} on {@code adapter_run}) is a pass. */
  public ScoreAssert isPass() {
    isNotNull();
    if (!Boolean.TRUE.equals(actual.pass())) {
      failWithMessage("Expected the cell to pass but %s",
          actual.pass() == null ? "no verdict was recorded (no cab.pass on adapter_run)" : "cab.pass is false");
    }
    return this;
  }
}
