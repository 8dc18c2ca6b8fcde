package dev.cabtrace.replay.read;

import java.util.Base64;

/**
 * Trace and span ids as producers write them: for Jaeger and Zipkin, hex of any case and length
 * (leading zeros dropped) or base64; for OTLP, exactly as its JSON writes them ({@link
 * #parseExact}).
 */
final class Ids {

  private static final byte[] HEX_VALUE = new byte[128];

  static {
    java.util.Arrays.fill(HEX_VALUE, (byte) -1);
    for (int c = '0'; c <= '9'; c++) {
      HEX_VALUE[c] = (byte) (c - '0');
    }
    for (int c = 'a'; c <= 'f'; c++) {
      HEX_VALUE[c] = (byte) (c - 'a' + 10);
      HEX_VALUE[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
    }
  }

  private Ids() {}

  private static int hexValue(char c) {
    return c < 128 ? HEX_VALUE[c] : -1;
  }

  /** The id in {@code text} as {@code longs} 64-bit words (2 for a trace id, 1 for a span id). */
  static boolean parse(String text, long[] out, int words) {
    out[0] = 0;
    if (words == 2) {
      out[1] = 0;
    }
    if (text == null || text.isEmpty()) {
      return false;
    }
    int hexDigits = words * 16;
    if (text.length() <= hexDigits && isHex(text)) {
      // Jaeger and Zipkin drop leading zeros and may use 64-bit trace ids: pad on the left.
      int pad = hexDigits - text.length();
      for (int i = 0; i < text.length(); i++) {
        int position = pad + i;
        int word = position / 16;
        out[word] = (out[word] << 4) | hexValue(text.charAt(i));
      }
      return nonZero(out, words);
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (bytes.length == 0 || bytes.length > words * 8) {
      return false;
    }
    int pad = words * 8 - bytes.length;
    for (int i = 0; i < bytes.length; i++) {
      int position = pad + i;
      int word = position / 8;
      out[word] = (out[word] << 8) | (bytes[i] & 0xff);
    }
    return nonZero(out, words);
  }

  /** What {@link #parseExact} found: an id, none (empty, or all zeros), or text that is not an id. */
  static final int VALID = 1;
  static final int NONE = 0;
  static final int INVALID = -1;

  /**
   * The OTLP id in {@code text} as {@code words} 64-bit words (2 for a trace id, 1 for a span id):
   * exactly 16 hex digits a word, of any case, or the base64 of exactly 8 bytes a word. Padded as
   * Jaeger's and Zipkin's are, a short id would be another span's ("1" is "0000000000000001"),
   * and one of the two would be dropped as a duplicate.
   *
   * @return {@link #VALID}, {@link #NONE} for an empty or all-zero id, {@link #INVALID} for any
   *     other text
   */
  static int parseExact(String text, long[] out, int words) {
    out[0] = 0;
    if (words == 2) {
      out[1] = 0;
    }
    if (text == null || text.isEmpty()) {
      return NONE;
    }
    if (text.length() == words * 16 && isHex(text)) {
      for (int i = 0; i < text.length(); i++) {
        out[i / 16] = (out[i / 16] << 4) | hexValue(text.charAt(i));
      }
      return nonZero(out, words) ? VALID : NONE;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return INVALID;
    }
    if (bytes.length != words * 8) {
      return INVALID;
    }
    for (int i = 0; i < bytes.length; i++) {
      out[i / 8] = (out[i / 8] << 8) | (bytes[i] & 0xff);
    }
    return nonZero(out, words) ? VALID : NONE;
  }

  private static boolean nonZero(long[] out, int words) {
    return words == 2 ? (out[0] | out[1]) != 0 : out[0] != 0;
  }

  private static boolean isHex(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (hexValue(text.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }
}
