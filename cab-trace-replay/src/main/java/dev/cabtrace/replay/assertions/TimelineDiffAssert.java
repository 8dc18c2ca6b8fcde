package dev.cabtrace.replay.assertions;

import dev.cabtrace.replay.ledger.TimelineDiff;
import dev.cabtrace.replay.ledger.TimelineDiff.Axis;
import java.math.BigDecimal;
import java.util.Locale;
import org.assertj.core.api.AbstractAssert;

/** Assertions on how a cell changed from A to B: regressions of its figures, in percent of A. */
public final class TimelineDiffAssert extends AbstractAssert<TimelineDiffAssert, TimelineDiff> {

  TimelineDiffAssert(TimelineDiff actual) {
    super(actual, TimelineDiffAssert.class);
  }

  /** Total tokens grew by at most {@code percent} % from A to B (any decrease passes). */
  public TimelineDiffAssert hasTokenRegressionAtMost(double percent) {
    return hasRegressionAtMost(Axis.TOTAL_TOKENS, "total tokens", percent);
  }

  /** Wall-clock time grew by at most {@code percent} % from A to B (any decrease passes). */
  public TimelineDiffAssert hasWallClockRegressionAtMost(double percent) {
    return hasRegressionAtMost(Axis.WALL_CLOCK, "wall clock", percent);
  }

  private TimelineDiffAssert hasRegressionAtMost(Axis axis, String what, double percent) {
    isNotNull();
    Double change = actual.changePercent(axis);
    Double before = axis.valueOf(actual.scoreA());
    Double after = axis.valueOf(actual.scoreB());
    if (change == null) {
      failWithMessage("Expected %s to grow by at most %s%% from A to B but they were not recorded in %s",
          what, percentText(percent), before == null ? (after == null ? "A and B" : "A") : "B");
    } else if (change.isInfinite()) {
      failWithMessage("Expected %s to grow by at most %s%% from A to B but they grew from 0 to %s",
          what, percentText(percent), value(after));
    } else if (actual.grewBeyond(axis, percent)) {
      failWithMessage("Expected %s to grow by at most %s%% from A to B but they grew by %s%% (%s -> %s)",
          what, percentText(percent), percentText(change), value(before), value(after));
    }
    return this;
  }

  private static String percentText(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** Whole tokens as integers, milliseconds exactly: {@code 85456.275}. */
  private static String value(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
