package dev.cabtrace.replay.read;

import java.util.Base64;

/** Trace and span ids as producers write them: hex of any case and length, or base64. */
final class Ids {

  private Ids() {}

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
        out[word] = (out[word] << 4) | Character.digit(text.charAt(i), 16);
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
      if (Character.digit(text.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
