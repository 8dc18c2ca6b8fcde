package dev.cabtrace.replay.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BudgetTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({"90s,90000", "1500ms,1500", "2m,120000", "1h,3600000", "1.5h,5400000", "PT1M,60000",
      "pt1m30s,90000", "0.25s,250", "45,45000", "1d,86400000", "P2D,172800000"})
  void durationsAsPeopleWriteThem(String text, long millis) {
    assertThat(Budget.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"soon", "", "-5s", "PT-1M", "h", "1f", "0x1p3", "1w"})
  void notDurations(String text) {
    assertThatThrownBy(() -> Budget.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a duration: \"" + text + "\" (try 90s, 1500ms, 2m, 1h or PT1M)");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"PT3000000H", "P200000D", "99999999999d", "9300000000000000000", "106752d"})
  void durationsPastWhatNanosecondsCountAreRefusedAsTheyAreRead(String text) {
    assertThatThrownBy(() -> Budget.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a duration: \"" + text + "\" (longer than 292 years)");
  }

  @Test
  void durationLimitsPastWhatNanosecondsCountAreRefusedByTheSetter() {
    assertThatThrownBy(() -> Budget.builder().setMaxWallClock(Duration.ofDays(365 * 300)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max wall clock must not be longer than 292 years: PT2628000H");
    assertThatThrownBy(() -> Budget.builder().setMaxModelCallTime(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("max model-call time must not be longer than 292 years: PT");

    Duration longest = Duration.ofNanos(Long.MAX_VALUE);
    Budget budget = Budget.builder().setMaxWallClock(longest).setMaxModelCallTime(longest).build();
    CellScore score = new CellScore(11_000L, 1_034L, 7, false, 85_456_275_000L, 85_455_699_000L, 1_500_000_000L);
    assertThat(budget.check(score)).extracting(BudgetCheck::message).containsExactly(
        "within budget: wall_clock_ms 85456.275 <= 9223372036854.775807",
        "within budget: model_call_ms 1500 <= 9223372036854.775807");
  }

  @Test
  void eachLimitSaysTheActualValueAndTheLimit() {
    CellScore score = new CellScore(11_000L, 1_034L, 7, false, 85_456_275_000L, 85_455_699_000L, 1_500_000_000L);
    Budget budget = Budget.builder()
        .setMaxTotalTokens(10_000)
        .setMaxModelCalls(7)
        .setMaxWallClock(Duration.ofMinutes(1))
        .setMaxModelCallTime(Duration.ofSeconds(2))
        .setRequirePass(true)
        .build();

    assertThat(budget.check(score)).extracting(BudgetCheck::message).containsExactly(
        "over budget: total_tokens 12034 > 10000",
        "within budget: model_calls 7 <= 7",
        "over budget: wall_clock_ms 85456.275 > 60000",
        "within budget: model_call_ms 1500 <= 2000",
        "over budget: pass false, required true");
    assertThat(budget.check(score)).extracting(BudgetCheck::within).containsExactly(false, true, false, true, false);
  }

  @Test
  void aTokenBudgetOnTokensNotRecordedIsBroken() {
    CellScore seed = new CellScore(null, null, 0, null, 85_456_275_000L, 85_455_699_000L, 0);
    List<BudgetCheck> checks = Budget.builder().setMaxTotalTokens(10_000).setRequirePass(true).build().check(seed);

    assertThat(checks).extracting(BudgetCheck::message).containsExactly(
        "over budget: total_tokens not recorded (0 model call record(s)), limit 10000",
        "over budget: pass not recorded (no cab.pass on adapter_run), required true");
    assertThat(checks).noneMatch(BudgetCheck::within);
  }

  @Test
  void noLimitIsEmptyAndNegativeLimitsAreRejected() {
    assertThat(Budget.builder().build().isEmpty()).isTrue();
    assertThat(Budget.builder().build().check(new CellScore(null, null, 0, null, 0, 0, 0))).isEmpty();
    assertThatThrownBy(() -> Budget.builder().setMaxTotalTokens(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
