package dev.cabtrace.replay.page;

import dev.cabtrace.replay.internal.CharEscaper;
import dev.cabtrace.replay.terminal.TerminalText;

/** Text made safe for HTML: element content and quoted attribute values alike. */
final class HtmlText {

  private static final CharEscaper HTML = (text, i) -> {
    switch (text.charAt(i)) {
      case '&':
        return "&amp;";
      case '<':
        return "&lt;";
      case '>':
        return "&gt;";
      case '"':
        return "&quot;";
      case '\'':
        return "&#39;";
      default:
        return null;
    }
  };

  private HtmlText() {}

  /** {@code text} with {@code & < > " '} escaped; "" for null. */
  static String escape(String text) {
    return HTML.escape(text);
  }

  /**
   * A string from a trace as the page shows it: control characters and bidirectional overrides
   * made visible ({@code \e}, {@code \x07}), as the terminal commands show them, then escaped.
   */
  static String fromTrace(String text) {
    return escape(TerminalText.escapeLine(text));
  }
}
