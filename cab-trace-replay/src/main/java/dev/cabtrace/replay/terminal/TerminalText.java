package dev.cabtrace.replay.terminal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Neutralises text that came from a trace before it reaches a terminal. ESC, CSI, OSC and every
 * other C0 or C1 control character, DEL, and the Unicode bidirectional overrides are shown as
 * visible escapes ({@code \e}, {@code \x07}, {@code \u009b}, ...), never sent as they are.
 */
public final class TerminalText {

  private TerminalText() {}

  /** {@code text} on one line: every control character, newlines included, made visible. */
  public static String escapeLine(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = replacement(c, false);
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
   * The last {@code maxLines} lines of recorded terminal output as a screen would show them: line
   * feeds break lines, a carriage return starts the line over, tabs become spaces to the next
   * multiple of 8, other control characters are made visible, lines are cut at {@code width}.
   */
  public static List<String> screenTail(CharSequence output, int width, int maxLines) {
    Deque<String> lines = new ArrayDeque<>();
    StringBuilder line = new StringBuilder();
    int safeWidth = Math.max(1, width);
    for (int i = 0; i < output.length(); i++) {
      char c = output.charAt(i);
      if (c == '\n') {
        push(lines, line, safeWidth, maxLines);
      } else if (c == '\r') {
        if (i + 1 < output.length() && output.charAt(i + 1) == '\n') {
          continue;
        }
        line.setLength(0);
      } else if (c == '\t') {
        do {
          line.append(' ');
        } while (line.length() % 8 != 0);
      } else {
        String replacement = replacement(c, true);
        if (replacement != null) {
          line.append(replacement);
        } else {
          line.append(c);
        }
      }
    }
    if (line.length() > 0) {
      push(lines, line, safeWidth, maxLines);
    }
    return new ArrayList<>(lines);
  }

  private static void push(Deque<String> lines, StringBuilder line, int width, int maxLines) {
    String text = line.length() > width ? line.substring(0, width) : line.toString();
    lines.addLast(text);
    while (lines.size() > Math.max(0, maxLines)) {
      lines.removeFirst();
    }
    line.setLength(0);
  }

  /** The visible form of {@code c}, or null when it is safe to print as it is. */
  private static String replacement(char c, boolean multiline) {
    if (c < 0x20) {
      switch (c) {
        case '\n':
          return multiline ? null : "\\n";
        case '\t':
          return "\\t";
        case '\r':
          return "\\r";
        case 0x1b:
          return "\\e";
        default:
          return String.format("\\x%02x", (int) c);
      }
    }
    if (c == 0x7f) {
      return "\\x7f";
    }
    if (c >= 0x80 && c <= 0x9f) {
      return String.format("\\u%04x", (int) c);
    }
    // Bidirectional overrides and isolates can reorder what the eye reads.
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      return String.format("\\u%04x", (int) c);
    }
    return null;
  }
}
