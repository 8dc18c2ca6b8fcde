package dev.cabtrace.replay.timeline;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One chunk of terminal output recorded on a span ({@code cab.output} event).
 *
 * @param epochNanos when it arrived
 * @param stream {@code stdout}, {@code stderr} or {@code pty}
 * @param data the recorded data: text, or base64 when {@code base64}
 * @param base64 whether {@code data} is base64 (the bytes were not UTF-8)
 * @param span the span it was recorded on
 */
public record OutputChunk(long epochNanos, String stream, String data, boolean base64, TimelineSpan span) {

  /** The original bytes. */
  public byte[] bytes() {
    return base64 ? Base64.getDecoder().decode(data) : data.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Whether {@code data} is base64 as the SDK writes it (RFC 4648, no line breaks). Strict: the
   * MIME decoder skips what is not base64, and decoded text that is not into bytes it never held.
   */
  static boolean isBase64(String data) {
    try {
      Base64.getDecoder().decode(data);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The chunk as text; bytes that are not UTF-8 become U+FFFD. */
  public String text() {
    return base64 ? new String(bytes(), StandardCharsets.UTF_8) : data;
  }
}
