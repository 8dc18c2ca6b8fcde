package dev.cabtrace.replay.screen;

/**
 * Draws rows as text with SGR sequences generated here: {@code ESC [ ... m} before each change of
 * style, a reset at the end of any line that ended styled, and {@code \n} between lines. Only the
 * decoded printable characters of the cells come from the recorded stream.
 */
final class AnsiRenderer {

  private AnsiRenderer() {}

  static String render(Row[] rows) {
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.length; r++) {
      if (r > 0) {
        out.append('\n');
      }
      appendRow(out, rows[r]);
    }
    return out.toString();
  }

  private static void appendRow(StringBuilder out, Row row) {
    int end = row.columns();
    // Blank, unstyled cells at the end add nothing; a styled blank (a coloured background) does.
    while (end > 0 && row.isBlank(end - 1)) {
      end--;
    }
    long current = PackedStyle.DEFAULT;
    for (int c = 0; c < end; c++) {
      if (row.isContinuation(c)) {
        continue;
      }
      long style = row.style(c);
      if (style != current) {
        appendSgr(out, style);
        current = style;
      }
      row.appendText(out, c);
    }
    if (current != PackedStyle.DEFAULT) {
      out.append("\u001b[0m");
    }
  }

  static void appendSgr(StringBuilder out, long style) {
    out.append("\u001b[0");
    int flags = PackedStyle.flags(style);
    appendFlag(out, flags, CellStyle.BOLD, 1);
    appendFlag(out, flags, CellStyle.DIM, 2);
    appendFlag(out, flags, CellStyle.ITALIC, 3);
    appendFlag(out, flags, CellStyle.UNDERLINE, 4);
    appendFlag(out, flags, CellStyle.BLINK, 5);
    appendFlag(out, flags, CellStyle.INVERSE, 7);
    appendFlag(out, flags, CellStyle.HIDDEN, 8);
    appendFlag(out, flags, CellStyle.STRIKETHROUGH, 9);
    appendColor(out, PackedStyle.foreground(style), 30, 90, 38);
    appendColor(out, PackedStyle.background(style), 40, 100, 48);
    out.append('m');
  }

  private static void appendFlag(StringBuilder out, int flags, int flag, int code) {
    if ((flags & flag) != 0) {
      out.append(';').append(code);
    }
  }

  private static void appendColor(StringBuilder out, int color, int base, int brightBase, int extended) {
    if (color == CellStyle.DEFAULT_COLOR) {
      return;
    }
    out.append(';');
    if (CellStyle.isRgb(color)) {
      int rgb = CellStyle.rgb(color);
      out.append(extended).append(";2;")
          .append(rgb >> 16 & 0xff).append(';')
          .append(rgb >> 8 & 0xff).append(';')
          .append(rgb & 0xff);
    } else if (color < 8) {
      out.append(base + color);
    } else if (color < 16) {
      out.append(brightBase + color - 8);
    } else {
      out.append(extended).append(";5;").append(color);
    }
  }
}
