package dev.cabtrace.replay.screen;

import java.util.Objects;

/**
 * A terminal screen model: feed it the bytes a program wrote to its terminal, ask it what the
 * screen shows. It understands the VT100/xterm controls that terminal programs use (cursor
 * movement, erasing, scroll regions, SGR colours and attributes, the alternate screen, DEC line
 * drawing, UTF-8 with wide characters and combining marks) and consumes everything else without
 * effect. It never answers queries and never passes input bytes through.
 *
 * <p>Choices where terminals differ:
 *
 * <ul>
 *   <li>Input is decoded as UTF-8 first. Invalid bytes show as U+FFFD, so a lone 8-bit C1 control
 *       byte (0x80-0x9F) prints U+FFFD; C1 controls never act, only their 7-bit {@code ESC} forms
 *       do.
 *   <li>Erasing, scrolling and inserting fill with the current background colour (xterm's "bce").
 *   <li>After a character in the last column the cursor stays there with a pending wrap, as in
 *       xterm; any cursor movement, CR, LF or BS cancels the wrap.
 *   <li>SGR 21 is double underline (ECMA-48, xterm, tmux), kept as {@link CellStyle#UNDERLINE}.
 *   <li>Lines scrolled off the top of the main screen are kept (1000 at most) only when the scroll
 *       region is the whole screen.
 *   <li>Bidirectional control characters are dropped; combining marks join the cell before the
 *       cursor.
 * </ul>
 *
 * <p>Mutable and not thread-safe; the {@link Screen}s it returns are immutable and may be shared.
 *
 * <pre>{@code
 * TerminalEmulator terminal = TerminalEmulator.create(80, 24);
 * terminal.feed(recordedBytes);
 * List<String> lines = terminal.screen().lines();
 * }</pre>
 */
public final class TerminalEmulator {

  static final int MAX_SIZE = 1000;

  private final TerminalState state;
  private final ControlParser parser;
  private long bytesFed;
  private Screen screen;

  private TerminalEmulator(TerminalState state, ControlParser parser, long bytesFed) {
    this.state = state;
    this.parser = parser;
    this.bytesFed = bytesFed;
  }

  private TerminalEmulator(TerminalState state) {
    this.state = state;
    this.parser = new ControlParser(state);
  }

  /**
   * An emulator with a blank screen of {@code columns} by {@code rows}, each clamped to 1..1000,
   * the cursor at the top left.
   */
  public static TerminalEmulator create(int columns, int rows) {
    return new TerminalEmulator(new TerminalState(clampSize(columns), clampSize(rows)));
  }

  /** Interprets {@code bytes}; a sequence cut at the end continues with the next call. */
  public void feed(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    feed(bytes, 0, bytes.length);
  }

  /**
   * Interprets {@code length} bytes of {@code bytes} from {@code offset}.
   *
   * @throws IndexOutOfBoundsException when the range is not inside {@code bytes}
   */
  public void feed(byte[] bytes, int offset, int length) {
    Objects.requireNonNull(bytes, "bytes");
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length == 0) {
      return;
    }
    screen = null;
    parser.feed(bytes, offset, length);
    bytesFed += length;
  }

  /**
   * Changes the screen size (each clamped to 1..1000). Content stays anchored at the top left and
   * is cut or padded; the cursor is moved inside; the scroll region becomes the whole screen.
   */
  public void resize(int columns, int rows) {
    screen = null;
    state.resize(clampSize(columns), clampSize(rows));
  }

  /** The screen as it is now. Cheap: rows are shared with the emulator until it changes them. */
  public Screen screen() {
    Screen current = screen;
    if (current == null) {
      current = state.snapshot();
      screen = current;
    }
    return current;
  }

  /** How many bytes have been fed since creation. */
  public long bytesFed() {
    return bytesFed;
  }

  /** An independent emulator in exactly this state, mid-sequence parser state included. */
  TerminalEmulator copy() {
    TerminalState stateCopy = state.copy();
    TerminalEmulator copy =
        new TerminalEmulator(stateCopy, parser.copy(stateCopy), bytesFed);
    copy.screen = screen;
    return copy;
  }

  private static int clampSize(int size) {
    return Math.max(1, Math.min(MAX_SIZE, size));
  }
}
