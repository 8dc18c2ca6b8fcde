package dev.cabtrace.replay.timeline;

/** Trace and span ids as numbers and as the lowercase hex that OTLP and people read. */
public final class Ids {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Ids() {}

  /** {@code value} as 16 lowercase hex digits. */
  public static String hex(long value) {
    char[] out = new char[16];
    for (int i = 15; i >= 0; i--) {
      out[i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
    return new String(out);
  }
}
