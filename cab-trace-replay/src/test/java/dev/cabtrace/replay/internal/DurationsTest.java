package dev.cabtrace.replay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Durations#parse}: the DURATION of every option, as the README defines it. */
class DurationsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({"1.2s,1200000000", "1200ms,1200000000", "500us,500000", "500µs,500000", "42ns,42", "2m,120000000000",
      "1h,3600000000000", "3d,259200000000000", "90,90000000000", "0.25,250000000", ".5s,500000000", "1.s,1000000000",
      "0,0", "1.5 S,1500000000", "' 2s ',2000000000", "0.000000001s,1", "0.5000000000s,500000000", "1.0ns,1",
      "PT1M30S,90000000000", "pt1.5s,1500000000", "P2D,172800000000000", "PT72H,259200000000000", "PT0S,0",
      "9223372036.854775807s,9223372036854775807"})
  void readsWhatTheReadmeSays(String text, long nanos) {
    assertThat(Durations.parse(text)).isEqualTo(nanos);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"0,0 ms", "1,0.000001 ms", "200000000,200 ms", "200500000,200.5 ms", "99999999,99.999999 ms",
      "-1500000,-1.5 ms", "9223372036854775807,9223372036854.775807 ms"})
  void exactMillisLoseNoNanosecond(long nanos, String text) {
    assertThat(Durations.exactMillis(nanos)).isEqualTo(text);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "soon", "s", "1f", "0x1p1", "1e3", "1e999", "NaN", "Infinity", "-5s", "-1", "+1s",
      "PT-1M", "-PT1M", "P", "1w", "1,5s", "1_000ms", "1.2.3s", "٣s"})
  void refusesJavaNumberSyntaxNegativesAndTheRest(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a duration: \"" + text + "\" (try 90s, 1500ms, 2m, 1h or PT1M)");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"0.5ns", "0.0000000005s", "0.0000000004s", "0.9999999999s", "1.0000000001s", "0.0001us",
      "0.00000000000001m"})
  void refusesWhatIsFinerThanANanosecondRatherThanRoundIt(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a duration: \"" + text + "\" (finer than a nanosecond)");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"PT3000000H", "P200000D", "99999999999d", "9300000000000000000", "106752d",
      "9223372036.854775808s"})
  void refusesWhatALongCannotCountInNanoseconds(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a duration: \"" + text + "\" (longer than 292 years)");
  }
}
