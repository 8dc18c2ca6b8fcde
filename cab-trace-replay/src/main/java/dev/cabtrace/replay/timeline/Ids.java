package dev.cabtrace.replay.timeline;

import java.util.HexFormat;

/** Trace and span ids as numbers and as the lowercase hex that OTLP and people read. */
final class Ids {

  private static final HexFormat HEX = HexFormat.of();

  private Ids() {}

  /** {@code value} as 16 lowercase hex digits. */
  static String hex(long value) {
    return HEX.toHexDigits(value);
  }
}
