package dev.cabtrace.replay.page;

import dev.cabtrace.replay.terminal.TerminalText;

/** Text made safe for HTML: element content and quoted attribute values alike. */
final class HtmlText {

  private HtmlText() {}

  /** {@code text} with {@code & < > " '} escaped. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement;
      switch (c) {
        case '&':
          replacement = "&amp;";
          break;
        case '<':
          replacement = "&lt;";
          break;
        case '>':
          replacement = "&gt;";
          break;
        case '"':
          replacement = "&quot;";
          break;
        case '\'':
          replacement = "&#39;";
          break;
        default:
          replacement = null;
      }
      if (replacement != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(replacement);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /**
   * A string from a trace as the page shows it: control characters and bidirectional overrides
   * made visible ({@code \e}, {@code \x07}), as the terminal commands show them, then escaped.
   */
  static String fromTrace(String text) {
    return escape(TerminalText.escapeLine(text));
  }
}
