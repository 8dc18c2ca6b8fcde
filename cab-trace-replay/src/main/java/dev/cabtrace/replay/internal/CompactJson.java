package dev.cabtrace.replay.internal;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Compact JSON text, appended to a {@link StringBuilder}, for the places that write attribute
 * values their own way: made safe for a terminal, or escaped as JavaScript's {@code JSON.stringify}
 * escapes them. Internal: shared by cab-trace's own packages, not part of its API; it may change
 * without notice.
 */
public final class CompactJson {

  private CompactJson() {}

  /** Appends {@code [a,b,c]}, each element written by {@code element}. */
  public static void appendArray(StringBuilder out, Iterable<?> elements, BiConsumer<StringBuilder, Object> element) {
    out.append('[');
    boolean first = true;
    for (Object value : elements) {
      if (!first) {
        out.append(',');
      }
      first = false;
      element.accept(out, value);
    }
    out.append(']');
  }

  /**
   * Appends {@code {"k":v,...}} of an attribute value of OTLP's key-value list type, each key
   * written by {@code key} (which adds the quotes), each value by {@code value}.
   */
  public static void appendObject(StringBuilder out, Map<?, ?> entries, BiConsumer<StringBuilder, String> key,
      BiConsumer<StringBuilder, Object> value) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      key.accept(out, String.valueOf(entry.getKey()));
      out.append(':');
      value.accept(out, entry.getValue());
    }
    out.append('}');
  }

  /** An attribute value of OTLP's bytes type as standard base64, as OTLP JSON writes {@code bytesValue}. */
  public static String base64(ByteBuffer value) {
    ByteBuffer bytes = value.duplicate();
    byte[] raw = new byte[bytes.remaining()];
    bytes.get(raw);
    return Base64.getEncoder().encodeToString(raw);
  }
}
