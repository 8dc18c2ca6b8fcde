package dev.cabtrace.replay.internal;

/**
 * Epoch nanoseconds as {@link java.time.Instant#toString()} writes them ({@code
 * 2026-06-17T10:37:43.106812Z}: UTC, the fraction in groups of three digits, as many as needed),
 * without the formatter's objects: tables print one for each of half a million model calls.
 * Internal: shared by cab-trace's own packages, not part of its API; it may change without notice.
 */
public final class Timestamps {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final int SECONDS_PER_DAY = 86_400;

  private Timestamps() {}

  /** {@code epochNanos} as {@code Instant.ofEpochSecond(0, epochNanos).toString()} writes it. */
  public static String iso(long epochNanos) {
    return appendIso(new StringBuilder(30), epochNanos).toString();
  }

  /** The length of {@link #iso}'s text for {@code epochNanos}, without making it. */
  public static int isoLength(long epochNanos) {
    int nanos = (int) Math.floorMod(epochNanos, NANOS_PER_SECOND);
    int fraction = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 4 : nanos % 1000 == 0 ? 7 : 10;
    return "2026-06-17T10:37:43Z".length() + fraction;
  }

  /** Appends {@code epochNanos} as {@link #iso} writes it. */
  public static StringBuilder appendIso(StringBuilder out, long epochNanos) {
    long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
    int nanos = (int) Math.floorMod(epochNanos, NANOS_PER_SECOND);
    long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    // The civil date of a day count (proleptic Gregorian), by eras of 400 years.
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long shiftedMonth = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
    int month = (int) (shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    // Long nanoseconds reach the years 1677 to 2262: always four digits.
    digits(out, (int) year, 4).append('-');
    digits(out, month, 2).append('-');
    digits(out, day, 2).append('T');
    digits(out, secondOfDay / 3600, 2).append(':');
    digits(out, secondOfDay / 60 % 60, 2).append(':');
    digits(out, secondOfDay % 60, 2);
    if (nanos != 0) {
      out.append('.');
      if (nanos % 1_000_000 == 0) {
        digits(out, nanos / 1_000_000, 3);
      } else if (nanos % 1000 == 0) {
        digits(out, nanos / 1000, 6);
      } else {
        digits(out, nanos, 9);
      }
    }
    return out.append('Z');
  }

  private static StringBuilder digits(StringBuilder out, int value, int width) {
    for (int divisor = pow10(width - 1); divisor > 0; divisor /= 10) {
      out.append((char) ('0' + value / divisor % 10));
    }
    return out;
  }

  private static int pow10(int exponent) {
    int value = 1;
    for (int i = 0; i < exponent; i++) {
      value *= 10;
    }
    return value;
  }
}
