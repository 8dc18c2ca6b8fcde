package dev.cabtrace.replay.screen;

import java.util.List;
import java.util.Objects;

/**
 * What a terminal showed at one moment: an immutable snapshot taken by {@link
 * TerminalEmulator#screen()}. Rows, columns and the cursor are 0-based.
 *
 * <p>Two screens are equal when they have the same size, cells (characters and styles), cursor,
 * cursor visibility, buffer, title and scrollback.
 *
 * <pre>{@code
 * TerminalEmulator terminal = TerminalEmulator.create(80, 24);
 * terminal.feed("\033[1mhello\033[0m".getBytes(UTF_8));
 * Screen screen = terminal.screen();
 * screen.lines().get(0);                          // "hello"
 * screen.cell(0, 0).style().has(CellStyle.BOLD);  // true
 * }</pre>
 */
public final class Screen {

  private final int columns;
  private final int rows;
  private final Row[] lines;
  private final Row[] scrollback;
  private final int cursorRow;
  private final int cursorColumn;
  private final boolean cursorVisible;
  private final boolean alternateScreen;
  private final String title;

  // Computed on first use; racing threads compute equal immutable lists.
  private List<String> lineTexts;
  private List<String> scrollbackTexts;

  Screen(
      int columns,
      int rows,
      Row[] lines,
      Row[] scrollback,
      int cursorRow,
      int cursorColumn,
      boolean cursorVisible,
      boolean alternateScreen,
      String title) {
    this.columns = columns;
    this.rows = rows;
    this.lines = lines;
    this.scrollback = scrollback;
    this.cursorRow = cursorRow;
    this.cursorColumn = cursorColumn;
    this.cursorVisible = cursorVisible;
    this.alternateScreen = alternateScreen;
    this.title = title;
  }

  /** The width in cells. */
  public int columns() {
    return columns;
  }

  /** The height in cells. */
  public int rows() {
    return rows;
  }

  /**
   * The text of each row, {@link #rows()} strings, trailing spaces removed. A wide character
   * appears once; combining marks follow the character they belong to. Only characters count:
   * styles and the cursor do not change these strings.
   */
  public List<String> lines() {
    List<String> result = lineTexts;
    if (result == null) {
      result = texts(lines);
      lineTexts = result;
    }
    return result;
  }

  /** {@link #lines()} joined with {@code "\n"}. */
  public String text() {
    return String.join("\n", lines());
  }

  /**
   * The cell at {@code row}, {@code column}.
   *
   * @throws IndexOutOfBoundsException when the position is outside the screen
   */
  public ScreenCell cell(int row, int column) {
    Objects.checkIndex(row, rows);
    Objects.checkIndex(column, columns);
    Row line = lines[row];
    CellStyle style = PackedStyle.unpack(line.style(column));
    if (line.isContinuation(column)) {
      return new ScreenCell("", 0, style);
    }
    return new ScreenCell(line.text(column), line.isWide(column) ? 2 : 1, style);
  }

  /** The cursor's row. */
  public int cursorRow() {
    return cursorRow;
  }

  /**
   * The cursor's column. After a character is written in the last column the cursor stays there
   * (the next character wraps), so this is always less than {@link #columns()}.
   */
  public int cursorColumn() {
    return cursorColumn;
  }

  /** Whether the cursor is shown ({@code CSI ? 25 h/l}). */
  public boolean cursorVisible() {
    return cursorVisible;
  }

  /** Whether the alternate screen buffer is showing ({@code CSI ? 1049 h} and friends). */
  public boolean alternateScreen() {
    return alternateScreen;
  }

  /**
   * The last title set by OSC 0 or OSC 2, {@code ""} if none: data from the stream, without
   * control characters but otherwise untrusted.
   */
  public String title() {
    return title;
  }

  /**
   * The lines that scrolled off the top of the main screen, oldest first, trailing spaces
   * removed; at most the last 1000. Scrolling inside a partial scroll region or on the alternate
   * screen keeps nothing.
   */
  public List<String> scrollback() {
    List<String> result = scrollbackTexts;
    if (result == null) {
      result = texts(scrollback);
      scrollbackTexts = result;
    }
    return result;
  }

  /**
   * The screen drawn again as text with styles: plain characters, {@code ESC [ ... m} sequences
   * this class generates, and {@code \n} between rows; every row that ends styled ends with a
   * reset. Nothing else from the recorded stream is passed through. Trailing blank cells without
   * style are left out; the cursor is not drawn. A terminal that turns {@code \n} into a new line
   * (the usual tty output mode) shows the same cells as this screen.
   */
  public String toAnsi() {
    return AnsiRenderer.render(lines);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Screen)) {
      return false;
    }
    Screen other = (Screen) o;
    return columns == other.columns
        && rows == other.rows
        && cursorRow == other.cursorRow
        && cursorColumn == other.cursorColumn
        && cursorVisible == other.cursorVisible
        && alternateScreen == other.alternateScreen
        && title.equals(other.title)
        && rowsEqual(lines, other.lines)
        && rowsEqual(scrollback, other.scrollback);
  }

  @Override
  public int hashCode() {
    int hash = Objects.hash(columns, rows, cursorRow, cursorColumn, cursorVisible, alternateScreen);
    for (Row line : lines) {
      hash = 31 * hash + line.contentHash();
    }
    return 31 * hash + scrollback.length;
  }

  @Override
  public String toString() {
    return "Screen{"
        + columns
        + "x"
        + rows
        + ", cursor="
        + cursorRow
        + ","
        + cursorColumn
        + (alternateScreen ? ", alternate" : "")
        + "}\n"
        + text();
  }

  private static List<String> texts(Row[] rows) {
    String[] texts = new String[rows.length];
    for (int i = 0; i < rows.length; i++) {
      texts[i] = rows[i].toLine();
    }
    return List.of(texts);
  }

  private static boolean rowsEqual(Row[] a, Row[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i] && !a[i].contentEquals(b[i])) {
        return false;
      }
    }
    return true;
  }
}
