package dev.cabtrace.replay.assertions;

import dev.cabtrace.replay.ledger.TimelineDiff;
import dev.cabtrace.replay.ledger.TimelineDiff.Axis;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on how a cell changed from A to B: regressions of its figures, in percent of A, held
 * to a limit as {@code cab-trace diff --max-regression} holds them ({@link TimelineDiff#regressions}),
 * whose line a failure quotes.
 */
public final class TimelineDiffAssert extends AbstractAssert<TimelineDiffAssert, TimelineDiff> {

  TimelineDiffAssert(TimelineDiff actual) {
    super(actual, TimelineDiffAssert.class);
  }

  /**
   * Total tokens grew by at most {@code percent} % from A to B; a negative limit asks for a decrease
   * of at least that much. Fails when either cell did not record them.
   */
  public TimelineDiffAssert hasTokenRegressionAtMost(double percent) {
    return hasRegressionAtMost(Axis.TOTAL_TOKENS, "total tokens", percent);
  }

  /**
   * Wall-clock time grew by at most {@code percent} % from A to B; a negative limit asks for a
   * decrease of at least that much.
   */
  public TimelineDiffAssert hasWallClockRegressionAtMost(double percent) {
    return hasRegressionAtMost(Axis.WALL_CLOCK, "wall clock", percent);
  }

  private TimelineDiffAssert hasRegressionAtMost(Axis axis, String what, double percent) {
    isNotNull();
    List<String> broken = actual.regressions(Map.of(axis, percent));
    if (!broken.isEmpty()) {
      failWithMessage("Expected %s to keep within the limit from A to B but found %s", what, broken.get(0));
    }
    return this;
  }
}
