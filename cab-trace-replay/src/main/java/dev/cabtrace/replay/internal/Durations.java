package dev.cabtrace.replay.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations printed the way the cell page prints them: {@code 85455 ms}, {@code 85.46 s}, and
 * parsed from what people type ({@code 1.5s}, {@code PT1M30S}): the one parser of every DURATION
 * option. Internal: shared by cab-trace's own packages, not part of its API; it may change without
 * notice.
 */
public final class Durations {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  // Digits only: Double.parseDouble would also take "1f", "0x1p1", "1e999" or "Infinity" for seconds.
  private static final Pattern NUMBER_WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h|d)?");

  private static final Map<String, Long> UNITS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "ms", 1_000_000L,
      "s", NANOS_PER_SECOND, "m", 60 * NANOS_PER_SECOND, "h", 3_600 * NANOS_PER_SECOND, "d", 86_400 * NANOS_PER_SECOND);

  private Durations() {}

  /** Whole milliseconds, truncated: {@code 85455 ms}. */
  public static String millis(long nanos) {
    return Math.floorDiv(nanos, 1_000_000L) + " ms";
  }

  /**
   * Milliseconds to the nanosecond, without trailing zeros: {@code 200 ms}, {@code 200.000001 ms},
   * for a message that compares durations (whole milliseconds would say a span of 200.5 ms lasted
   * the 200 ms it was expected to stay under).
   */
  public static String exactMillis(long nanos) {
    java.math.BigDecimal millis = java.math.BigDecimal.valueOf(nanos, 6).stripTrailingZeros();
    return (millis.scale() < 0 ? millis.setScale(0) : millis).toPlainString() + " ms";
  }

  /** Seconds with two decimals: {@code 85.46 s}. */
  public static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  /** Milliseconds grouped by thousands with a space, as the replay header shows: {@code 1 200 ms}. */
  public static String groupedMillis(long nanos) {
    return String.format(Locale.ROOT, "%,d", Math.floorDiv(nanos, 1_000_000L)).replace(',', ' ') + " ms";
  }

  /**
   * Parses a DURATION as the README defines it, for every option that takes one: a decimal number
   * with a unit ({@code 1.2s}, {@code 1200ms}, {@code 500us}, {@code 42ns}, {@code 2m}, {@code 1h},
   * {@code 3d}), a bare number of seconds ({@code 90}), or ISO-8601 ({@code PT1M30S}); case and
   * spaces do not matter. Not Java's number syntax ({@code 1f}, {@code 0x1p1}, {@code 1e3},
   * {@code NaN}), nor a negative duration, nor one finer than a nanosecond ({@code 0.5ns}, {@code
   * 0.9999999999s}), which rounding would make pass for another.
   *
   * @return the duration in nanoseconds
   * @throws IllegalArgumentException naming the text when it is not a duration, when it is finer
   *     than a nanosecond, or when it is longer than a long counts in nanoseconds
   */
  public static long parse(String text) {
    Objects.requireNonNull(text, "text");
    String value = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
    Matcher number = NUMBER_WITH_UNIT.matcher(value);
    if (number.matches()) {
      String unit = number.group(2);
      BigDecimal nanos = new BigDecimal(number.group(1)).multiply(BigDecimal.valueOf(unit == null ? NANOS_PER_SECOND
          : UNITS.get(unit)));
      if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException(tooLong(text));
      }
      if (nanos.stripTrailingZeros().scale() > 0) {
        throw new IllegalArgumentException("not a duration: \"" + text + "\" (finer than a nanosecond)");
      }
      return nanos.longValueExact();
    }
    if (value.startsWith("p")) {
      Duration parsed;
      try {
        parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw notADuration(text);
      }
      if (parsed.isNegative()) {
        throw notADuration(text);
      }
      try {
        return parsed.toNanos();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(tooLong(text));
      }
    }
    throw notADuration(text);
  }

  private static String tooLong(String text) {
    return "not a duration: \"" + text + "\" (longer than 292 years)";
  }

  private static IllegalArgumentException notADuration(String text) {
    return new IllegalArgumentException("not a duration: \"" + text + "\" (try 90s, 1500ms, 2m, 1h or PT1M)");
  }
}
