package dev.cabtrace.replay.internal;

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
}
