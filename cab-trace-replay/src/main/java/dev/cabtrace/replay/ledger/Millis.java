package dev.cabtrace.replay.ledger;

import java.math.BigDecimal;

/** Nanoseconds as milliseconds, the unit of the scorer's latency axis. */
final class Millis {

  private Millis() {}

  static double of(long nanos) {
    return nanos / 1e6;
  }

  static double of(double nanos) {
    return nanos / 1e6;
  }

  /** Exact decimal milliseconds, without exponent or trailing zeros: {@code 85456.275}. */
  static String text(long nanos) {
    return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString();
  }
}
