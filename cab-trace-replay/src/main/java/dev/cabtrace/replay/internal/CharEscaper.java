package dev.cabtrace.replay.internal;

/**
 * One way of escaping text char by char: what each char becomes, or null to keep it. Internal:
 * shared by cab-trace's own packages, not part of its API; it may change without notice.
 */
@FunctionalInterface
public interface CharEscaper {

  /**
   * What the char at {@code index} of {@code text} becomes, or null when it stays as it is. The
   * whole text is given for escapes that look at a char's neighbours, such as surrogate pairs.
   */
  String replacement(CharSequence text, int index);

  /** {@code text} with each char replaced as {@link #replacement} says; "" for null. */
  default String escape(String text) {
    if (text == null) {
      return "";
    }
    // Most text needs no escape at all: copy only from the first char that does.
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      String replacement = replacement(text, i);
      if (replacement != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(replacement);
        } else {
          out.append(text.charAt(i));
        }
      }
    }
    return out == null ? text : out.toString();
  }
}
