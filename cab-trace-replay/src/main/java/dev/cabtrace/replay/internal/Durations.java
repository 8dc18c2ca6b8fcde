package dev.cabtrace.replay.internal;

import java.util.Locale;

/**
 * Durations printed the way the cell page prints them: {@code 85455 ms}, {@code 85.46 s}, and
 * parsed from what people type ({@code 1.5s}). Internal: shared by cab-trace's own packages, not
 * part of its API; it may change without notice.
 */
public final class Durations {

  private Durations() {}

  /** Whole milliseconds, truncated: {@code 85455 ms}. */
  public static String millis(long nanos) {
    return Math.floorDiv(nanos, 1_000_000L) + " ms";
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
   * Parses a duration as people write it: {@code 1.2s}, {@code 1200ms}, {@code 500us}, {@code
   * 42ns}, {@code 2m}, {@code 1h}, {@code 3d}, or a bare number of seconds.
   *
   * @throws IllegalArgumentException naming the text when it is not a duration
   */
  public static long parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    String[] order = {"ns", "us", "µs", "ms", "s", "m", "h", "d"};
    long[] factor = {1L, 1_000L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L,
        86_400_000_000_000L};
    // Two-letter units come first so that "ms" is not read as "s".
    for (int i = 0; i < order.length; i++) {
      if (value.endsWith(order[i])) {
        return scale(value.substring(0, value.length() - order[i].length()), factor[i], text);
      }
    }
    return scale(value, 1_000_000_000L, text);
  }

  /** The message for a duration past what a long counts in nanoseconds. */
  public static String tooLong(String text) {
    return "not a duration: \"" + text + "\" (longer than 292 years)";
  }

  private static long scale(String number, long factor, String original) {
    try {
      double parsed = Double.parseDouble(number);
      if (parsed < 0 || Double.isNaN(parsed) || Double.isInfinite(parsed)) {
        throw new NumberFormatException();
      }
      double nanos = parsed * factor;
      if (nanos >= 0x1p63) { // Math.round would give Long.MAX_VALUE: a limit silently made shorter
        throw new IllegalArgumentException(tooLong(original));
      }
      return Math.round(nanos);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: \"" + original + "\" (try 1.2s or 1200ms)");
    }
  }
}
