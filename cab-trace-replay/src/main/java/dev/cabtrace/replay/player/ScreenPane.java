package dev.cabtrace.replay.player;

import dev.cabtrace.replay.screen.CellStyle;
import dev.cabtrace.replay.screen.Screen;
import dev.cabtrace.replay.screen.ScreenCell;
import dev.cabtrace.replay.terminal.TerminalText;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Draws an emulated screen into a pane of the player: the screen's cells with their colours and
 * attributes as JLine styles, cropped to the pane, the cursor's cell inverted when the cursor is
 * shown. Cells hold only decoded printable characters, and every style is built here, so nothing
 * from the recorded stream reaches the terminal as a control sequence.
 */
final class ScreenPane {

  private ScreenPane() {}

  /**
   * At most {@code height} lines of at most {@code width} columns. A screen taller than the pane
   * shows the rows that end at the cursor or at the last row with text, whichever is lower, so the
   * latest output and a full-screen program's input line stay in view; a wider one shows its left
   * part.
   */
  static List<AttributedString> lines(Screen screen, int width, int height) {
    int shown = Math.min(height, screen.rows());
    int first = Math.max(0, Math.min(lowestUsedRow(screen) - shown + 1, screen.rows() - shown));
    List<AttributedString> lines = new ArrayList<>(shown);
    for (int row = first; row < first + shown; row++) {
      lines.add(row(screen, row, width));
    }
    return lines;
  }

  private static int lowestUsedRow(Screen screen) {
    List<String> texts = screen.lines();
    int lowest = screen.cursorRow();
    for (int row = texts.size() - 1; row > lowest; row--) {
      if (!texts.get(row).isEmpty()) {
        return row;
      }
    }
    return lowest;
  }

  private static AttributedString row(Screen screen, int row, int width) {
    int columns = Math.min(width, screen.columns());
    boolean cursorOnRow = screen.cursorVisible() && screen.cursorRow() == row;
    AttributedStringBuilder out = new AttributedStringBuilder(columns);
    // Blank default cells at the end are left out; a coloured blank is drawn.
    int end = columns;
    while (end > 0 && isPlainBlank(screen.cell(row, end - 1)) && !(cursorOnRow && screen.cursorColumn() == end - 1)) {
      end--;
    }
    for (int column = 0; column < end; column++) {
      ScreenCell cell = screen.cell(row, column);
      if (cell.width() == 0) {
        continue;
      }
      boolean cursor = cursorOnRow && (screen.cursorColumn() == column || (cell.width() == 2 && screen.cursorColumn() == column + 1));
      AttributedStyle style = style(cell.style(), cursor);
      if (cell.width() == 2 && column + 1 >= columns) {
        // Half a wide character does not fit: show the cell as blank.
        out.style(style).append(' ');
      } else {
        out.style(style).append(visible(cell.text()));
      }
    }
    return out.toAttributedString();
  }

  /**
   * A cell's text without the invisible characters the emulator keeps in it (a zero-width space
   * joined to the character before it, a line separator), and with U+FFFD for a character whose
   * width terminals dispute ({@link TerminalText#isWidthDisputed}): the pane writes straight to the
   * user's terminal, where every other view escapes them. A cell left with nothing is a space.
   */
  private static String visible(String text) {
    int i = 0;
    while (i < text.length() && !TerminalText.isInvisible(text.charAt(i))
        && !(Character.isHighSurrogate(text.charAt(i)) && TerminalText.isWidthDisputed(text.codePointAt(i)))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder kept = new StringBuilder(text.length());
    for (int k = 0; k < text.length(); k += Character.charCount(text.codePointAt(k))) {
      int codePoint = text.codePointAt(k);
      if (TerminalText.isWidthDisputed(codePoint)) {
        kept.append('\ufffd'); // one column to every terminal and to JLine, which a flag's letter is not
      } else if (!TerminalText.isInvisible(text.charAt(k))) {
        kept.appendCodePoint(codePoint);
      }
    }
    return kept.length() == 0 ? " " : kept.toString();
  }

  private static boolean isPlainBlank(ScreenCell cell) {
    return cell.width() == 1 && cell.text().equals(" ") && cell.style().equals(CellStyle.DEFAULT);
  }

  /** The JLine style for {@code cell}; the cursor's cell swaps foreground and background once more. */
  static AttributedStyle style(CellStyle cell, boolean cursor) {
    int flags = cursor ? cell.flags() ^ CellStyle.INVERSE : cell.flags();
    AttributedStyle style = AttributedStyle.DEFAULT;
    if ((flags & CellStyle.BOLD) != 0) {
      style = style.bold();
    }
    if ((flags & CellStyle.DIM) != 0) {
      style = style.faint();
    }
    if ((flags & CellStyle.ITALIC) != 0) {
      style = style.italic();
    }
    if ((flags & CellStyle.UNDERLINE) != 0) {
      style = style.underline();
    }
    if ((flags & CellStyle.BLINK) != 0) {
      style = style.blink();
    }
    if ((flags & CellStyle.INVERSE) != 0) {
      style = style.inverse();
    }
    if ((flags & CellStyle.HIDDEN) != 0) {
      // SGR 8; JLine's own "hidden" would leave the characters out altogether.
      style = style.conceal();
    }
    if ((flags & CellStyle.STRIKETHROUGH) != 0) {
      style = style.crossedOut();
    }
    int foreground = cell.foreground();
    if (CellStyle.isRgb(foreground)) {
      style = style.foregroundRgb(CellStyle.rgb(foreground));
    } else if (foreground != CellStyle.DEFAULT_COLOR) {
      style = style.foreground(foreground);
    }
    int background = cell.background();
    if (CellStyle.isRgb(background)) {
      style = style.backgroundRgb(CellStyle.rgb(background));
    } else if (background != CellStyle.DEFAULT_COLOR) {
      style = style.background(background);
    }
    return style;
  }
}
