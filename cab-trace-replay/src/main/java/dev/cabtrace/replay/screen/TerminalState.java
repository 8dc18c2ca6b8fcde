package dev.cabtrace.replay.screen;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The screen state the parser's actions change: two buffers of rows, the cursor, modes, margins,
 * tab stops, saved cursors and the scrollback. Coordinates are 0-based; the cursor is always
 * inside the screen, with xterm's pending-wrap flag standing for "one past the last column".
 *
 * <p>Erasing, scrolling and inserting fill with the current background colour and no other
 * attribute (xterm's "bce"), as xterm and tmux do.
 */
final class TerminalState implements ControlParser.Handler {

  static final int SCROLLBACK_LIMIT = 1000;

  private static final int ASCII = 0;
  private static final int DEC_GRAPHICS = 1;

  /** What DECSC saves and DECRC restores. */
  private record SavedCursor(
      int row, int column, boolean pendingWrap, long style, boolean originMode, int g0, int g1,
      boolean shiftOut) {}

  private int columns;
  private int rows;
  private Row[] main;
  private Row[] alternate;
  private boolean alternateActive;
  private final ArrayDeque<Row> scrollback;
  private Object owner = new Object();

  private int row;
  private int column;
  private boolean pendingWrap;
  private long style = PackedStyle.DEFAULT;
  private int g0 = ASCII;
  private int g1 = ASCII;
  private boolean shiftOut;
  private boolean autowrap = true;
  private boolean originMode;
  private boolean cursorVisible = true;
  private boolean insertMode;
  private boolean newLineMode;
  private int top;
  private int bottom;
  private boolean[] tabStops;
  private SavedCursor savedMain;
  private SavedCursor savedAlternate;
  private String title = "";
  private int lastPrinted = -1;
  // One shared blank row for the current width and erase style: clearing a screen costs no copy.
  private Row blank;

  TerminalState(int columns, int rows) {
    this.columns = columns;
    this.rows = rows;
    this.main = blankRows(rows);
    this.alternate = blankRows(rows);
    this.scrollback = new ArrayDeque<>();
    this.bottom = rows - 1;
    this.tabStops = defaultTabStops(columns, null);
  }

  private TerminalState(TerminalState source) {
    columns = source.columns;
    rows = source.rows;
    main = source.main.clone();
    alternate = source.alternate.clone();
    alternateActive = source.alternateActive;
    scrollback = new ArrayDeque<>(source.scrollback);
    row = source.row;
    column = source.column;
    pendingWrap = source.pendingWrap;
    style = source.style;
    g0 = source.g0;
    g1 = source.g1;
    shiftOut = source.shiftOut;
    autowrap = source.autowrap;
    originMode = source.originMode;
    cursorVisible = source.cursorVisible;
    insertMode = source.insertMode;
    newLineMode = source.newLineMode;
    top = source.top;
    bottom = source.bottom;
    tabStops = source.tabStops.clone();
    savedMain = source.savedMain;
    savedAlternate = source.savedAlternate;
    title = source.title;
    lastPrinted = source.lastPrinted;
    blank = source.blank;
  }

  /** A deep copy; both this and the copy then treat every row they share as read-only. */
  TerminalState copy() {
    owner = new Object();
    return new TerminalState(this);
  }

  Screen snapshot() {
    owner = new Object();
    return new Screen(
        columns,
        rows,
        active().clone(),
        scrollback.toArray(new Row[0]),
        row,
        column,
        cursorVisible,
        alternateActive,
        title);
  }

  void resize(int newColumns, int newRows) {
    if (newColumns == columns && newRows == rows) {
      return;
    }
    main = resized(main, newColumns, newRows);
    alternate = resized(alternate, newColumns, newRows);
    tabStops = defaultTabStops(newColumns, tabStops);
    columns = newColumns;
    rows = newRows;
    top = 0;
    bottom = rows - 1;
    row = Math.min(row, rows - 1);
    column = Math.min(column, columns - 1);
    pendingWrap = false;
  }

  // ---- parser actions

  @Override
  public void print(int codePoint) {
    if ((shiftOut ? g1 : g0) == DEC_GRAPHICS) {
      codePoint = DecSpecialGraphics.map(codePoint);
    }
    int width = CharWidth.of(codePoint);
    if (width == 0) {
      joinMark(codePoint);
      return;
    }
    if (width < 0 || width > columns) {
      return;
    }
    lastPrinted = codePoint;
    if (pendingWrap) {
      pendingWrap = false;
      if (autowrap) {
        column = 0;
        index();
      }
    }
    if (column + width > columns) {
      if (!autowrap) {
        return; // a wide character that does not fit is not printed (xterm, tmux)
      }
      column = 0;
      index();
    }
    Row line = writable(row);
    if (insertMode) {
      line.insertBlanks(column, width, PackedStyle.eraseStyle(style));
    }
    line.set(column, width == 2 ? codePoint | Row.WIDE : codePoint, style);
    if (width == 2) {
      line.set(column + 1, Row.CONTINUATION, style);
    }
    line.repair(column - 1, column + width);
    if (column + width >= columns) {
      column = columns - 1;
      // Set with autowrap off too, as xterm does: the next character goes in the last column
      // again, unless autowrap is back on by then.
      pendingWrap = true;
    } else {
      column += width;
    }
  }

  @Override
  public void execute(int control) {
    switch (control) {
      case 0x08: // BS
        pendingWrap = false;
        column = Math.max(0, column - 1);
        break;
      case 0x09: // HT
        int next = nextTabStop(column, 1);
        if (next != column) {
          column = next;
          pendingWrap = false;
        }
        break;
      case 0x0a: // LF
      case 0x0b: // VT
      case 0x0c: // FF
        pendingWrap = false;
        index();
        if (newLineMode) {
          column = 0;
        }
        break;
      case 0x0d: // CR
        pendingWrap = false;
        column = 0;
        break;
      case 0x0e: // SO
        shiftOut = true;
        break;
      case 0x0f: // SI
        shiftOut = false;
        break;
      default:
        // BEL and the rest: nothing a replay shows.
        break;
    }
  }

  @Override
  public void escDispatch(int intermediates, int finalChar) {
    if (intermediates == '(') {
      g0 = finalChar == '0' ? DEC_GRAPHICS : ASCII;
      return;
    }
    if (intermediates == ')') {
      g1 = finalChar == '0' ? DEC_GRAPHICS : ASCII;
      return;
    }
    if (intermediates == '#' && finalChar == '8') {
      screenAlignment();
      return;
    }
    if (intermediates != 0) {
      return;
    }
    switch (finalChar) {
      case '7':
        saveCursor();
        break;
      case '8':
        restoreCursor();
        break;
      case 'D': // IND
        pendingWrap = false;
        index();
        break;
      case 'E': // NEL
        pendingWrap = false;
        column = 0;
        index();
        break;
      case 'M': // RI
        pendingWrap = false;
        reverseIndex();
        break;
      case 'H': // HTS
        tabStops[column] = true;
        break;
      case 'c': // RIS
        fullReset();
        break;
      default:
        // ESC = / ESC > (keypad), ESC \ (ST), single shifts and the rest: nothing to show.
        break;
    }
  }

  @Override
  public void csiDispatch(int privateMarker, int intermediates, CsiParams params, int finalChar) {
    if (intermediates != 0) {
      if (privateMarker == 0 && intermediates == '!' && finalChar == 'p') {
        softReset();
      }
      return;
    }
    if (privateMarker == '?') {
      privateSequence(params, finalChar);
      return;
    }
    if (privateMarker != 0) {
      return;
    }
    int n = params.get(0, 1);
    switch (finalChar) {
      case '@': // ICH
        pendingWrap = false;
        writable(row).insertBlanks(column, n, eraseStyle());
        break;
      case 'A': // CUU
        cursorUp(n);
        break;
      case 'B': // CUD
      case 'e': // VPR
        cursorDown(n);
        break;
      case 'C': // CUF
      case 'a': // HPR
        moveTo(row, column + Math.min(n, columns));
        break;
      case 'D': // CUB
        moveTo(row, column - Math.min(n, columns));
        break;
      case 'E': // CNL
        cursorDown(n);
        column = 0;
        break;
      case 'F': // CPL
        cursorUp(n);
        column = 0;
        break;
      case 'G': // CHA
      case '`': // HPA
        moveTo(row, n - 1);
        break;
      case 'H': // CUP
      case 'f': // HVP
        cursorPosition(params.get(0, 1), params.get(1, 1));
        break;
      case 'I': // CHT
        pendingWrap = false;
        column = nextTabStop(column, Math.min(n, columns));
        break;
      case 'Z': // CBT
        pendingWrap = false;
        column = previousTabStop(column, Math.min(n, columns));
        break;
      case 'J': // ED
        eraseInDisplay(params.raw(0));
        break;
      case 'K': // EL
        eraseInLine(params.raw(0));
        break;
      case 'X': // ECH
        pendingWrap = false;
        writable(row).erase(column, column + Math.min(n, columns), eraseStyle());
        break;
      case 'L': // IL
        insertLines(n);
        break;
      case 'M': // DL
        deleteLines(n);
        break;
      case 'P': // DCH
        pendingWrap = false;
        writable(row).delete(column, n, eraseStyle());
        break;
      case 'S': // SU
        scrollUp(n);
        break;
      case 'T': // SD; with more parameters it is xterm's mouse highlight tracking
        if (params.count() <= 1) {
          scrollDown(n);
        }
        break;
      case 'b': // REP
        repeat(n);
        break;
      case 'd': // VPA
        cursorPosition(n, column + 1);
        break;
      case 'g': // TBC
        clearTabStops(params.raw(0));
        break;
      case 'h': // SM
      case 'l': // RM
        setAnsiModes(params, finalChar == 'h');
        break;
      case 'm': // SGR
        style = Sgr.apply(style, params);
        break;
      case 'r': // DECSTBM
        setMargins(params.get(0, 1), params.get(1, rows));
        break;
      case 's': // SCOSC
        saveCursor();
        break;
      case 'u': // SCORC
        restoreCursor();
        break;
      default:
        // DA, DSR and other queries are never answered; unknown sequences are consumed.
        break;
    }
  }

  @Override
  public void oscDispatch(String data) {
    int separator = data.indexOf(';');
    String command = separator < 0 ? data : data.substring(0, separator);
    if (command.equals("0") || command.equals("2")) {
      title = separator < 0 ? "" : data.substring(separator + 1);
    }
  }

  // ---- cursor movement

  private void cursorUp(int n) {
    int limit = row >= top ? top : 0;
    moveTo(Math.max(limit, row - Math.min(n, rows)), column);
  }

  private void cursorDown(int n) {
    int limit = row <= bottom ? bottom : rows - 1;
    moveTo(Math.min(limit, row + Math.min(n, rows)), column);
  }

  /** CUP, 1-based, relative to the top margin in origin mode. */
  private void cursorPosition(int oneBasedRow, int oneBasedColumn) {
    int newRow;
    if (originMode) {
      newRow = Math.min(bottom, top + oneBasedRow - 1);
    } else {
      newRow = oneBasedRow - 1;
    }
    moveTo(newRow, oneBasedColumn - 1);
  }

  private void moveTo(int newRow, int newColumn) {
    row = clamp(newRow, 0, rows - 1);
    column = clamp(newColumn, 0, columns - 1);
    pendingWrap = false;
  }

  private void home() {
    moveTo(originMode ? top : 0, 0);
  }

  /** Moves down a line, scrolling the region when at its bottom margin. */
  private void index() {
    if (row == bottom) {
      scrollUp(1);
    } else if (row < rows - 1) {
      row++;
    }
  }

  private void reverseIndex() {
    if (row == top) {
      scrollDown(1);
    } else if (row > 0) {
      row--;
    }
  }

  private int nextTabStop(int from, int count) {
    int c = from;
    for (int i = 0; i < count && c < columns - 1; i++) {
      c++;
      while (c < columns - 1 && !tabStops[c]) {
        c++;
      }
    }
    return c;
  }

  private int previousTabStop(int from, int count) {
    int c = from;
    for (int i = 0; i < count && c > 0; i++) {
      c--;
      while (c > 0 && !tabStops[c]) {
        c--;
      }
    }
    return c;
  }

  private void clearTabStops(int mode) {
    if (mode == 0) {
      tabStops[column] = false;
    } else if (mode == 3) {
      Arrays.fill(tabStops, false);
    }
  }

  private void saveCursor() {
    SavedCursor saved =
        new SavedCursor(row, column, pendingWrap, style, originMode, g0, g1, shiftOut);
    if (alternateActive) {
      savedAlternate = saved;
    } else {
      savedMain = saved;
    }
  }

  private void restoreCursor() {
    SavedCursor saved = alternateActive ? savedAlternate : savedMain;
    if (saved == null) {
      // xterm: restoring with nothing saved homes the cursor with default attributes.
      saved = new SavedCursor(0, 0, false, PackedStyle.DEFAULT, false, ASCII, ASCII, false);
    }
    originMode = saved.originMode();
    moveTo(saved.row(), saved.column());
    pendingWrap = saved.pendingWrap() && column == saved.column();
    style = saved.style();
    g0 = saved.g0();
    g1 = saved.g1();
    shiftOut = saved.shiftOut();
  }

  // ---- editing

  private void joinMark(int mark) {
    int target;
    if (pendingWrap) {
      target = column;
    } else if (column > 0) {
      target = column - 1;
    } else {
      return;
    }
    if (active()[row].isContinuation(target) && target > 0) {
      target--;
    }
    writable(row).appendMark(target, mark);
  }

  /**
   * REP: prints the last printed character {@code n} times. A recording can ask for 65,535 repeats
   * in 8 bytes, again and again, so this writes a line's run at a time and, for whole lines
   * scrolled in, shares one filled row: the cost is at most a screenful of lines and the
   * scrollback's, not the characters. All {@code n} count: where the cursor ends is where n
   * prints would leave it.
   */
  private void repeat(int n) {
    if (lastPrinted < 0) {
      return;
    }
    int width = CharWidth.of(lastPrinted);
    if (width > columns) {
      return; // print drops it
    }
    int left = n;
    int perLine = columns / width;
    // With autowrap off every print after the line is full lands on the same cells (or, wide, is
    // dropped): after the pass that fills the line and one more at its end, the rest change
    // nothing.
    int passes = autowrap ? Integer.MAX_VALUE : 2;
    while (left > 0 && passes-- > 0) {
      if (pendingWrap) {
        pendingWrap = false;
        if (autowrap) {
          column = 0;
          index();
        }
      }
      if (column + width > columns) {
        if (!autowrap) {
          return; // print drops a wide character that does not fit
        }
        column = 0;
        index();
      }
      int count = Math.min(left, (columns - column) / width);
      printRun(count, width);
      left -= count;
      if (autowrap && left > perLine) {
        // Keep the last line, full or not, for printRun: it leaves the cursor as print would.
        int fullLines = (left - 1) / perLine;
        printFullLines(fullLines, width);
        left -= fullLines * perLine;
      }
    }
  }

  /**
   * What printing {@code count} copies of the last printed character does when they fit on the
   * cursor's line from the cursor (and no wrap is pending).
   */
  private void printRun(int count, int width) {
    int span = count * width;
    Row line = writable(row);
    if (insertMode) {
      line.insertBlanks(column, span, eraseStyle());
    }
    writeCopies(line, column, count, width);
    line.repair(column - 1, column + span);
    if (column + span >= columns) {
      column = columns - 1;
      pendingWrap = true;
    } else {
      column += span;
    }
  }

  private void writeCopies(Row line, int from, int count, int width) {
    if (width == 1) {
      line.fill(from, from + count, lastPrinted, style);
      return;
    }
    for (int i = 0; i < count; i++) {
      line.set(from + 2 * i, lastPrinted | Row.WIDE, style);
      line.set(from + 2 * i + 1, Row.CONTINUATION, style);
    }
  }

  /**
   * What {@code count} lines of the repeated character, each a new line after a wrap at the end
   * of the one before, do: the cursor moves down, then the region scrolls. Every line that
   * scrolls in is the same row, shared; so is every line written whole over an old one, unless
   * an odd last column keeps what it had, when that line is written in place.
   */
  private void printFullLines(int count, int width) {
    int perLine = columns / width;
    Row filled = new Row(columns, eraseStyle(), Row.SHARED);
    writeCopies(filled, 0, perLine, width);
    boolean covers = perLine * width == columns;
    while (count > 0 && row != bottom && row < rows - 1) {
      row++;
      count--;
      writeFullLine(filled, covers, perLine, width);
    }
    if (count > 0) {
      if (row == bottom) {
        scrollUpInto(count, filled);
      } else {
        // Below the region at the last row: each line overwrites the one before in place.
        writeFullLine(filled, covers, perLine, width);
      }
    }
    column = covers ? columns - 1 : perLine * width;
    pendingWrap = covers;
  }

  private void writeFullLine(Row filled, boolean covers, int perLine, int width) {
    if (covers) {
      active()[row] = filled;
      return;
    }
    column = 0;
    pendingWrap = false;
    printRun(perLine, width);
  }

  /** {@code n} times: scroll the region up one line, then put {@code incoming} at its bottom. */
  private void scrollUpInto(int n, Row incoming) {
    Row[] buffer = active();
    int height = bottom - top + 1;
    if (!alternateActive && top == 0 && bottom == rows - 1) {
      // Of more lines than the scrollback holds, only its last ones would stay.
      int from = Math.max(0, n - SCROLLBACK_LIMIT);
      if (from > 0) {
        scrollback.clear();
      }
      for (int i = from; i < n; i++) {
        if (scrollback.size() == SCROLLBACK_LIMIT) {
          scrollback.removeFirst();
        }
        scrollback.addLast(i < height ? buffer[top + i] : incoming);
      }
    }
    int shift = Math.min(n, height);
    System.arraycopy(buffer, top + shift, buffer, top, height - shift);
    Arrays.fill(buffer, bottom - shift + 1, bottom + 1, incoming);
  }

  private void eraseInDisplay(int mode) {
    pendingWrap = false;
    long blank = eraseStyle();
    switch (mode) {
      case 0:
        writable(row).erase(column, columns, blank);
        for (int r = row + 1; r < rows; r++) {
          active()[r] = blankRow();
        }
        break;
      case 1:
        for (int r = 0; r < row; r++) {
          active()[r] = blankRow();
        }
        writable(row).erase(0, column + 1, blank);
        break;
      case 2:
        for (int r = 0; r < rows; r++) {
          active()[r] = blankRow();
        }
        break;
      case 3:
        scrollback.clear();
        break;
      default:
        break;
    }
  }

  private void eraseInLine(int mode) {
    pendingWrap = false;
    long blank = eraseStyle();
    switch (mode) {
      case 0:
        writable(row).erase(column, columns, blank);
        break;
      case 1:
        writable(row).erase(0, column + 1, blank);
        break;
      case 2:
        writable(row).erase(0, columns, blank);
        break;
      default:
        break;
    }
  }

  private void insertLines(int n) {
    if (row < top || row > bottom) {
      return;
    }
    pendingWrap = false;
    column = 0;
    shiftDown(row, n);
  }

  private void deleteLines(int n) {
    if (row < top || row > bottom) {
      return;
    }
    pendingWrap = false;
    column = 0;
    shiftUp(row, n, false);
  }

  private void scrollUp(int n) {
    boolean toScrollback = !alternateActive && top == 0 && bottom == rows - 1;
    shiftUp(top, n, toScrollback);
  }

  private void scrollDown(int n) {
    shiftDown(top, n);
  }

  /** Moves rows {@code from..bottom} up by {@code n}, blank rows coming in at the bottom. */
  private void shiftUp(int from, int n, boolean toScrollback) {
    Row[] buffer = active();
    int height = bottom - from + 1;
    n = Math.min(n, height);
    if (toScrollback) {
      for (int i = 0; i < n; i++) {
        if (scrollback.size() == SCROLLBACK_LIMIT) {
          scrollback.removeFirst();
        }
        scrollback.addLast(buffer[from + i]);
      }
    }
    System.arraycopy(buffer, from + n, buffer, from, height - n);
    for (int r = bottom - n + 1; r <= bottom; r++) {
      buffer[r] = blankRow();
    }
  }

  /** Moves rows {@code from..bottom} down by {@code n}, blank rows coming in at {@code from}. */
  private void shiftDown(int from, int n) {
    Row[] buffer = active();
    int height = bottom - from + 1;
    n = Math.min(n, height);
    System.arraycopy(buffer, from, buffer, from + n, height - n);
    for (int r = from; r < from + n; r++) {
      buffer[r] = blankRow();
    }
  }

  private void setMargins(int oneBasedTop, int oneBasedBottom) {
    int newTop = oneBasedTop - 1;
    int newBottom = Math.min(oneBasedBottom, rows) - 1;
    if (newTop < newBottom) {
      top = newTop;
      bottom = newBottom;
      home();
    }
  }

  private void screenAlignment() {
    Row line = new Row(columns, PackedStyle.DEFAULT, Row.SHARED);
    for (int c = 0; c < columns; c++) {
      line.set(c, 'E', PackedStyle.DEFAULT);
    }
    Arrays.fill(active(), line);
    top = 0;
    bottom = rows - 1;
    originMode = false;
    home();
  }

  // ---- modes

  private void setAnsiModes(CsiParams params, boolean set) {
    for (int i = 0; i < params.count(); i++) {
      int mode = params.raw(i);
      if (mode == 4) {
        insertMode = set;
      } else if (mode == 20) {
        newLineMode = set;
      }
    }
  }

  private void privateSequence(CsiParams params, int finalChar) {
    switch (finalChar) {
      case 'h':
      case 'l':
        for (int i = 0; i < params.count(); i++) {
          setPrivateMode(params.raw(i), finalChar == 'h');
        }
        break;
      case 'J': // DECSED: without protected cells it is ED
        eraseInDisplay(params.raw(0));
        break;
      case 'K': // DECSEL
        eraseInLine(params.raw(0));
        break;
      default:
        break;
    }
  }

  private void setPrivateMode(int mode, boolean set) {
    switch (mode) {
      case 6: // DECOM
        originMode = set;
        home();
        break;
      case 7: // DECAWM
        // A pending wrap stays (xterm): it wraps the next character only if autowrap is on then.
        autowrap = set;
        break;
      case 25: // DECTCEM
        cursorVisible = set;
        break;
      case 47:
        switchBuffer(set);
        break;
      case 1047:
        if (!set && alternateActive) {
          clearBuffer(alternate);
        }
        switchBuffer(set);
        break;
      case 1048:
        if (set) {
          saveCursor();
        } else {
          restoreCursor();
        }
        break;
      case 1049:
        if (set) {
          saveCursor();
          switchBuffer(true);
          clearBuffer(alternate);
        } else {
          switchBuffer(false);
          restoreCursor();
        }
        break;
      default:
        // Keypad, mouse, focus and bracketed paste modes change input, not the screen.
        break;
    }
  }

  private void switchBuffer(boolean toAlternate) {
    if (alternateActive != toAlternate) {
      alternateActive = toAlternate;
      pendingWrap = false;
    }
  }

  private void clearBuffer(Row[] buffer) {
    for (int r = 0; r < rows; r++) {
      buffer[r] = blankRow();
    }
  }

  private void softReset() {
    cursorVisible = true;
    originMode = false;
    autowrap = true;
    insertMode = false;
    newLineMode = false;
    top = 0;
    bottom = rows - 1;
    style = PackedStyle.DEFAULT;
    g0 = ASCII;
    g1 = ASCII;
    shiftOut = false;
    pendingWrap = false;
    if (alternateActive) {
      savedAlternate = null;
    } else {
      savedMain = null;
    }
  }

  private void fullReset() {
    softReset();
    main = blankRows(rows);
    alternate = blankRows(rows);
    alternateActive = false;
    savedMain = null;
    savedAlternate = null;
    tabStops = defaultTabStops(columns, null);
    lastPrinted = -1;
    row = 0;
    column = 0;
  }

  // ---- rows

  private Row[] active() {
    return alternateActive ? alternate : main;
  }

  /** The row at {@code r}, copied first if a snapshot may still be reading it. */
  private Row writable(int r) {
    Row[] buffer = active();
    Row line = buffer[r];
    if (line.owner != owner) {
      line = line.copy(owner);
      buffer[r] = line;
    }
    return line;
  }

  private long eraseStyle() {
    return PackedStyle.eraseStyle(style);
  }

  /** A blank row in the erase style, shared and never written in place. */
  private Row blankRow() {
    long erase = eraseStyle();
    if (blank == null || blank.columns() != columns || blank.style(0) != erase) {
      blank = new Row(columns, erase, Row.SHARED);
    }
    return blank;
  }

  private Row[] blankRows(int count) {
    Row[] buffer = new Row[count];
    Arrays.fill(buffer, new Row(columns, PackedStyle.DEFAULT, Row.SHARED));
    return buffer;
  }

  private Row[] resized(Row[] buffer, int newColumns, int newRows) {
    Row[] result = new Row[newRows];
    for (int r = 0; r < newRows; r++) {
      result[r] =
          r < buffer.length
              ? buffer[r].resized(newColumns, owner)
              : new Row(newColumns, PackedStyle.DEFAULT, owner);
    }
    return result;
  }

  private static boolean[] defaultTabStops(int columns, boolean[] existing) {
    boolean[] stops = new boolean[columns];
    for (int c = 0; c < columns; c++) {
      stops[c] = existing != null && c < existing.length ? existing[c] : c % 8 == 0;
    }
    return stops;
  }

  private static int clamp(int value, int min, int max) {
    return Math.max(min, Math.min(max, value));
  }
}
