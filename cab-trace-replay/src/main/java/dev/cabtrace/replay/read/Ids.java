package dev.cabtrace.replay.read;

import java.util.Base64;

/** Trace and span ids as producers write them: hex of any case and length, or base64. */
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
