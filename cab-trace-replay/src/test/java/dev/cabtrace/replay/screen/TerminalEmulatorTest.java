package dev.cabtrace.replay.screen;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminalEmulatorTest {

  private static final String ESC = "\u001b";
  private static final String CSI = ESC + "[";

  private static TerminalEmulator terminal(int columns, int rows, String input) {
    TerminalEmulator terminal = TerminalEmulator.create(columns, rows);
    terminal.feed(input.getBytes(UTF_8));
    return terminal;
  }

  private static void assertCursor(Screen screen, int row, int column) {
    assertThat(new int[] {screen.cursorRow(), screen.cursorColumn()})
        .as("cursor (row, column)")
        .containsExactly(row, column);
  }

  @Test
  void printsTextAndMovesTheCursor() {
    TerminalEmulator terminal = terminal(10, 3, "abc");
    Screen screen = terminal.screen();
    assertThat(screen.lines()).containsExactly("abc", "", "");
    assertThat(screen.text()).isEqualTo("abc\n\n");
    assertCursor(screen, 0, 3);
    assertThat(screen.columns()).isEqualTo(10);
    assertThat(screen.rows()).isEqualTo(3);
    assertThat(screen.cell(0, 1)).isEqualTo(new ScreenCell("b", 1, CellStyle.DEFAULT));
    assertThat(screen.cell(0, 5)).isEqualTo(new ScreenCell(" ", 1, CellStyle.DEFAULT));
    assertThat(terminal.bytesFed()).isEqualTo(3);
  }

  @Test
  void createClampsTheSize() {
    assertThat(TerminalEmulator.create(0, -5).screen().lines()).hasSize(1);
    Screen huge = TerminalEmulator.create(5000, 2000).screen();
    assertThat(huge.columns()).isEqualTo(1000);
    assertThat(huge.rows()).isEqualTo(1000);
  }

  @Test
  void c0ControlsMoveTheCursor() {
    // CR returns, BS steps back, BEL does nothing, LF/VT/FF go down without returning.
    Screen screen = terminal(20, 5, "abc\rX\u0007\bY\nd\u000be\u000cf\r\ng\th").screen();
    assertThat(screen.lines()).containsExactly("Ybc", " d", "  e", "   f", "g       h");
    assertCursor(screen, 4, 9);

    assertThat(terminal(5, 1, "\b\b\ba").screen().lines()).containsExactly("a");
    // A tab never goes past the last column.
    Screen tabs = terminal(10, 1, "\t\t\tx").screen();
    assertThat(tabs.lines()).containsExactly("         x");
  }

  @Test
  void lineFeedScrollsAtTheBottomAndFeedsTheScrollback() {
    Screen screen = terminal(10, 3, "1\r\n2\r\n3\r\n4\r\n5").screen();
    assertThat(screen.lines()).containsExactly("3", "4", "5");
    assertThat(screen.scrollback()).containsExactly("1", "2");
    assertCursor(screen, 2, 1);
  }

  @Test
  void scrollbackIsCapped() {
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 1205; i++) {
      input.append(i).append("\r\n");
    }
    Screen screen = terminal(10, 3, input.toString()).screen();
    assertThat(screen.scrollback()).hasSize(1000);
    assertThat(screen.scrollback().get(0)).isEqualTo("203");
    assertThat(screen.scrollback().get(999)).isEqualTo("1202");
    assertThat(screen.lines()).containsExactly("1203", "1204", "");
  }

  @Test
  void cursorMovementIsClampedToTheScreen() {
    // CUP is 1-based; missing or 0 parameters mean 1.
    assertCursor(terminal(10, 5, CSI + "3;4H").screen(), 2, 3);
    assertCursor(terminal(10, 5, CSI + "3;4f").screen(), 2, 3);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "H").screen(), 0, 0);
    assertCursor(terminal(10, 5, CSI + "99;99H").screen(), 4, 9);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "A").screen(), 1, 3);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "9A").screen(), 0, 3);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "0B").screen(), 3, 3);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "9B").screen(), 4, 3);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "2C").screen(), 2, 5);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "99C").screen(), 2, 9);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "2D").screen(), 2, 1);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "99D").screen(), 2, 0);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "E").screen(), 3, 0);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "2F").screen(), 0, 0);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "7G").screen(), 2, 6);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "7`").screen(), 2, 6);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "5d").screen(), 4, 3);
    assertCursor(terminal(10, 5, CSI + "3;4H" + CSI + "2e" + CSI + "3a").screen(), 4, 6);

    Screen drawn = terminal(10, 3, CSI + "2;3Hx" + CSI + "1;1Hy" + CSI + "3;10Hz").screen();
    assertThat(drawn.lines()).containsExactly("y", "  x", "         z");
  }

  @Test
  void aColonOutsideSgrIgnoresTheSequence() {
    // tmux and the vt100.net parser: only SGR has sub-parameters; CSI 1:5 H is not CSI 1;5 H.
    Screen moved = terminal(10, 5, "X" + CSI + "1:5HZ").screen();
    assertThat(moved.lines()).containsExactly("XZ", "", "", "", "");
    assertCursor(moved, 0, 2);
    assertThat(terminal(10, 2, "ab" + CSI + "2:1J" + CSI + "1;2:3H" + CSI + "K" + CSI + ":P").screen().lines())
        .containsExactly("ab", "");
    assertThat(terminal(10, 2, "ab" + CSI + "3:b").screen().lines()).containsExactly("ab", "");
    // A colon past the last kept parameter counts too.
    assertThat(terminal(10, 2, "ab" + CSI + "1;".repeat(40) + ":1H" + "c").screen().lines())
        .containsExactly("abc", "");
    // SGR keeps them.
    assertThat(terminal(10, 2, CSI + "38:5:99mx").screen().cell(0, 0).style()).isEqualTo(new CellStyle(0, 99, -1));
  }

  @Test
  void eraseInDisplay() {
    String filled = "aaaa\r\nbbbb\r\ncccc" + CSI + "2;3H";
    assertThat(terminal(4, 3, filled + CSI + "J").screen().lines()).containsExactly("aaaa", "bb", "");
    assertThat(terminal(4, 3, filled + CSI + "0J").screen().lines())
        .containsExactly("aaaa", "bb", "");
    assertThat(terminal(4, 3, filled + CSI + "1J").screen().lines())
        .containsExactly("", "   b", "cccc");
    Screen all = terminal(4, 3, filled + CSI + "2J").screen();
    assertThat(all.lines()).containsExactly("", "", "");
    assertCursor(all, 1, 2);

    Screen scrolled = terminal(4, 2, "1\r\n2\r\n3").screen();
    assertThat(scrolled.scrollback()).containsExactly("1");
    TerminalEmulator cleared = terminal(4, 2, "1\r\n2\r\n3" + CSI + "3J");
    assertThat(cleared.screen().scrollback()).isEmpty();
    assertThat(cleared.screen().lines()).containsExactly("2", "3");
  }

  @Test
  void eraseInLineAndEraseCharacters() {
    String line = "abcdef" + CSI + "3G";
    assertThat(terminal(6, 1, line + CSI + "K").screen().lines()).containsExactly("ab");
    assertThat(terminal(6, 1, line + CSI + "1K").screen().lines()).containsExactly("   def");
    assertThat(terminal(6, 1, line + CSI + "2K").screen().lines()).containsExactly("");
    assertThat(terminal(6, 1, line + CSI + "2X").screen().lines()).containsExactly("ab  ef");
    assertThat(terminal(6, 1, line + CSI + "X").screen().lines()).containsExactly("ab def");
    assertThat(terminal(6, 1, line + CSI + "99X").screen().lines()).containsExactly("ab");
    assertCursor(terminal(6, 1, line + CSI + "2X").screen(), 0, 2);
  }

  @Test
  void insertAndDeleteCharacters() {
    String line = "abcdef" + CSI + "3G";
    assertThat(terminal(6, 1, line + CSI + "2@").screen().lines()).containsExactly("ab  cd");
    assertThat(terminal(6, 1, line + CSI + "2P").screen().lines()).containsExactly("abef");
    assertThat(terminal(6, 1, line + CSI + "P").screen().lines()).containsExactly("abdef");
    assertThat(terminal(6, 1, line + CSI + "99P").screen().lines()).containsExactly("ab");
    // Insert mode (IRM) shifts the rest of the line instead of overwriting.
    assertThat(terminal(6, 1, line + CSI + "4hXY" + CSI + "4lZ").screen().lines())
        .containsExactly("abXYZd");
  }

  @Test
  void insertAndDeleteLines() {
    String rows = "1\r\n2\r\n3\r\n4" + CSI + "2;3H";
    Screen inserted = terminal(4, 4, rows + CSI + "L").screen();
    assertThat(inserted.lines()).containsExactly("1", "", "2", "3");
    assertCursor(inserted, 1, 0);
    assertThat(terminal(4, 4, rows + CSI + "2M").screen().lines()).containsExactly("1", "4", "", "");
    assertThat(terminal(4, 4, rows + CSI + "9L").screen().lines()).containsExactly("1", "", "", "");
    // Inside a scroll region, lines below it do not move.
    assertThat(terminal(4, 4, rows + CSI + "1;3r" + CSI + "2;1H" + CSI + "L").screen().lines())
        .containsExactly("1", "", "2", "4");
    // Outside the region, IL and DL do nothing.
    assertThat(terminal(4, 4, rows + CSI + "1;2r" + CSI + "4;1H" + CSI + "M").screen().lines())
        .containsExactly("1", "2", "3", "4");
    assertThat(terminal(4, 4, rows).screen().scrollback()).isEmpty();
  }

  @Test
  void scrollRegionScrollsOnlyItsLinesAndKeepsNoScrollback() {
    String rows = "1\r\n2\r\n3\r\n4\r\n5";
    Screen screen = terminal(4, 5, rows + CSI + "2;4r").screen();
    assertCursor(screen, 0, 0);
    Screen scrolled = terminal(4, 5, rows + CSI + "2;4r" + CSI + "4;1H\r\nx\r\ny").screen();
    assertThat(scrolled.lines()).containsExactly("1", "4", "x", "y", "5");
    assertThat(scrolled.scrollback()).isEmpty();
    // RI at the top margin scrolls the region down.
    assertThat(terminal(4, 5, rows + CSI + "2;4r" + CSI + "2;1H" + ESC + "M").screen().lines())
        .containsExactly("1", "", "2", "3", "5");
    // SU and SD scroll the region without moving the cursor.
    Screen up = terminal(4, 5, rows + CSI + "2;4r" + CSI + "3;2H" + CSI + "2S").screen();
    assertThat(up.lines()).containsExactly("1", "4", "", "", "5");
    assertCursor(up, 2, 1);
    assertThat(terminal(4, 5, rows + CSI + "2;4r" + CSI + "T").screen().lines())
        .containsExactly("1", "", "2", "3", "5");
    // An invalid region (top not above bottom) is ignored.
    Screen ignored = terminal(4, 5, rows + CSI + "3;3r" + CSI + "5;1H\nz").screen();
    assertThat(ignored.lines()).containsExactly("2", "3", "4", "5", "z");
    // Below the region, LF stops at the last row without scrolling.
    assertThat(terminal(4, 5, rows + CSI + "1;3r" + CSI + "5;1H\n\nq").screen().lines())
        .containsExactly("1", "2", "3", "4", "q");
    // SU on the full screen saves to the scrollback, as a line feed at the bottom does.
    assertThat(terminal(4, 5, rows + CSI + "2S").screen().scrollback()).containsExactly("1", "2");
  }

  @Test
  void indexReverseIndexAndNextLine() {
    Screen screen = terminal(4, 3, "ab" + ESC + "Dc" + ESC + "Ed" + ESC + "M" + ESC + "Me").screen();
    assertThat(screen.lines()).containsExactly("ae", "  c", "d");
    // RI at the top scrolls the screen down.
    assertThat(terminal(4, 3, "1\r\n2\r\n3" + CSI + "H" + ESC + "M").screen().lines())
        .containsExactly("", "1", "2");
  }

  @Test
  void autowrapWaitsAtTheLastColumn() {
    TerminalEmulator terminal = terminal(5, 3, "abcde");
    assertThat(terminal.screen().lines()).containsExactly("abcde", "", "");
    assertCursor(terminal.screen(), 0, 4);
    terminal.feed("f".getBytes(UTF_8));
    assertThat(terminal.screen().lines()).containsExactly("abcde", "f", "");
    assertCursor(terminal.screen(), 1, 1);

    // CR (or any cursor movement) cancels the pending wrap.
    assertThat(terminal(5, 3, "abcde\r\nf").screen().lines()).containsExactly("abcde", "f", "");
    assertThat(terminal(5, 3, "abcde" + CSI + "Dx").screen().lines()).containsExactly("abcxe", "", "");
    // Without autowrap, the last column is overwritten.
    assertThat(terminal(5, 3, CSI + "?7labcdefg").screen().lines()).containsExactly("abcdg", "", "");
    // The wrap is still pending there, as in xterm and xterm.js: with autowrap back on, the next
    // character wraps, where it overwrote the last column.
    assertThat(terminal(5, 3, CSI + "?7labcdefg" + CSI + "?7hhi").screen().lines())
        .containsExactly("abcdg", "hi", "");
    // Turning autowrap off and on keeps a wrap that was pending.
    assertThat(terminal(5, 3, "abcde" + CSI + "?7lX" + CSI + "?7hY").screen().lines())
        .containsExactly("abcdX", "Y", "");
    assertThat(terminal(5, 3, "abcde" + CSI + "?7l" + CSI + "?7hY").screen().lines())
        .containsExactly("abcde", "Y", "");
    // A combining mark joins the character in the last column, where it joined the one before.
    assertThat(terminal(5, 3, CSI + "?7labcde\u0301").screen().lines())
        .containsExactly("abcde\u0301", "", "");
    // Wrapping at the bottom scrolls.
    Screen scrolled = terminal(3, 2, "abcdefg").screen();
    assertThat(scrolled.lines()).containsExactly("def", "g");
    assertThat(scrolled.scrollback()).containsExactly("abc");
  }

  @Test
  void tabStopsCanBeSetAndCleared() {
    assertThat(terminal(20, 1, "a\tb\tc").screen().lines()).containsExactly("a       b       c");
    // HTS at column 3, then clear the default stop at 8.
    String custom = CSI + "4G" + ESC + "H" + CSI + "9G" + CSI + "g" + "\r";
    assertThat(terminal(20, 1, custom + "\tx\ty").screen().lines())
        .containsExactly("   x" + " ".repeat(12) + "y");
    assertThat(terminal(20, 1, CSI + "3g\tx").screen().lines()).containsExactly(" ".repeat(19) + "x");
    // CHT and CBT move by several stops.
    assertCursor(terminal(30, 1, CSI + "2I").screen(), 0, 16);
    assertCursor(terminal(30, 1, CSI + "20G" + CSI + "2Z").screen(), 0, 8);
  }

  @Test
  void saveAndRestoreCursorKeepPositionStyleAndCharset() {
    Screen screen =
        terminal(10, 3, CSI + "2;3H" + CSI + "1m" + ESC + "(0" + ESC + "7"
            + CSI + "H" + CSI + "0m" + ESC + "(B" + "q" + ESC + "8" + "q").screen();
    assertThat(screen.lines()).containsExactly("q", "  \u2500", "");
    assertThat(screen.cell(1, 2).style().has(CellStyle.BOLD)).isTrue();
    assertThat(screen.cell(0, 0).style()).isEqualTo(CellStyle.DEFAULT);

    Screen sco = terminal(10, 3, CSI + "2;5H" + CSI + "s" + CSI + "H" + "ab" + CSI + "u" + "x").screen();
    assertThat(sco.lines()).containsExactly("ab", "    x", "");
    // Restoring without a save homes the cursor.
    assertCursor(terminal(10, 3, CSI + "2;5H" + ESC + "8").screen(), 0, 0);
    // Private CSI ... u (kitty keyboard) is not a restore.
    assertCursor(terminal(10, 3, CSI + "s" + CSI + "2;5H" + CSI + ">1u").screen(), 1, 4);
  }

  @Test
  void alternateScreen1049RestoresTheMainScreenAndCursor() {
    TerminalEmulator terminal = terminal(10, 3, "hello\r\nshell$ ");
    Screen before = terminal.screen();
    terminal.feed((CSI + "?1049h").getBytes(UTF_8));
    Screen entered = terminal.screen();
    assertThat(entered.alternateScreen()).isTrue();
    assertThat(entered.lines()).containsExactly("", "", "");
    assertCursor(entered, 1, 7);

    terminal.feed((CSI + "H" + "vim" + CSI + "3;1H~" + "\r\n").getBytes(UTF_8));
    assertThat(terminal.screen().lines()).containsExactly("", "~", "");
    assertThat(terminal.screen().scrollback()).as("the alternate screen has no scrollback").isEmpty();

    terminal.feed((CSI + "?1049l").getBytes(UTF_8));
    Screen left = terminal.screen();
    assertThat(left.alternateScreen()).isFalse();
    assertThat(left.lines()).isEqualTo(before.lines());
    assertCursor(left, 1, 7);
    assertThat(left).isEqualTo(before);

    // Entering again starts from a clear alternate screen.
    terminal.feed((CSI + "?1049h").getBytes(UTF_8));
    assertThat(terminal.screen().lines()).containsExactly("", "", "");
  }

  @Test
  void alternateScreen47And1047() {
    TerminalEmulator terminal = terminal(6, 2, "main");
    terminal.feed((CSI + "?47h" + CSI + "Halt" + CSI + "?47l").getBytes(UTF_8));
    assertThat(terminal.screen().lines()).containsExactly("main", "");
    assertCursor(terminal.screen(), 0, 3);
    // 47 keeps the alternate content; 1047 clears it when leaving.
    terminal.feed((CSI + "?47h").getBytes(UTF_8));
    assertThat(terminal.screen().lines()).containsExactly("alt", "");
    terminal.feed((CSI + "?47l" + CSI + "?1047h").getBytes(UTF_8));
    assertThat(terminal.screen().lines()).containsExactly("alt", "");
    terminal.feed((CSI + "?1047l" + CSI + "?47h").getBytes(UTF_8));
    assertThat(terminal.screen().lines()).containsExactly("", "");
  }

  @Test
  void originModeMakesPositionsRelativeToTheScrollRegion() {
    Screen screen = terminal(6, 5, CSI + "2;4r" + CSI + "?6h" + CSI + "1;1Hx" + CSI + "9;2Hy").screen();
    assertThat(screen.lines()).containsExactly("", "x", "", " y", "");
    Screen off = terminal(6, 5, CSI + "2;4r" + CSI + "?6h" + CSI + "?6l" + "z").screen();
    assertThat(off.lines()).containsExactly("z", "", "", "", "");
  }

  @Test
  void cursorVisibilityAndIgnoredModes() {
    assertThat(terminal(5, 2, CSI + "?25l").screen().cursorVisible()).isFalse();
    assertThat(terminal(5, 2, CSI + "?25l" + CSI + "?25h").screen().cursorVisible()).isTrue();
    Screen modes = terminal(5, 2, CSI + "?1;1000;1006;2004h" + CSI + "?12l" + ESC + "=" + "ok").screen();
    assertThat(modes.lines()).containsExactly("ok", "");
  }

  @Test
  void repeatRepeatsTheLastCharacter() {
    assertThat(terminal(10, 2, "ab" + CSI + "3b").screen().lines()).containsExactly("abbbb", "");
    assertThat(terminal(10, 2, CSI + "3b").screen().lines()).containsExactly("", "");
    assertThat(terminal(4, 2, "x" + CSI + "6b").screen().lines()).containsExactly("xxxx", "xxx");
    // Every repeat counts: 65,536 x's fill 16,384 lines, the last full, and the scrollback its limit.
    Screen huge = terminal(4, 2, "x" + CSI + "65535b").screen();
    assertThat(huge.lines()).containsExactly("xxxx", "xxxx");
    assertThat(huge.scrollback()).hasSize(TerminalState.SCROLLBACK_LIMIT).containsOnly("xxxx");
  }

  @Test
  void resetsRestoreDefaults() {
    Screen reset = terminal(6, 2, CSI + "1;31m" + CSI + "?25l" + "abc" + ESC + "c" + "x").screen();
    assertThat(reset.lines()).containsExactly("x", "");
    assertThat(reset.cell(0, 0).style()).isEqualTo(CellStyle.DEFAULT);
    assertThat(reset.cursorVisible()).isTrue();
    // DECSTR keeps the text but resets modes and attributes.
    Screen soft = terminal(6, 2, "abc" + CSI + "1m" + CSI + "?7l" + CSI + "!p" + "defgh").screen();
    assertThat(soft.lines()).containsExactly("abcdef", "gh");
    assertThat(soft.cell(0, 3).style()).isEqualTo(CellStyle.DEFAULT);
    // DECALN fills the screen with E.
    assertThat(terminal(3, 2, ESC + "#8").screen().lines()).containsExactly("EEE", "EEE");
  }

  @Test
  void resizeKeepsTheTopLeftAndClampsTheCursor() {
    TerminalEmulator terminal = terminal(6, 3, "abcdef\r\nghij\r\nkl");
    terminal.resize(3, 2);
    Screen smaller = terminal.screen();
    assertThat(smaller.lines()).containsExactly("abc", "ghi");
    assertCursor(smaller, 1, 2);
    terminal.resize(5, 4);
    Screen larger = terminal.screen();
    assertThat(larger.lines()).containsExactly("abc", "ghi", "", "");
    assertThat(larger.columns()).isEqualTo(5);
    terminal.feed("\r\n\r\n\r\nxyz".getBytes(UTF_8));
    assertThat(terminal.screen().lines()).containsExactly("ghi", "", "", "xyz");
    // A wide character cut in half by the new edge disappears.
    TerminalEmulator wide = terminal(4, 1, "a\u4e16b");
    wide.resize(2, 1);
    assertThat(wide.screen().lines()).containsExactly("a");
  }

  @Test
  void snapshotsDoNotChangeWhenTheEmulatorMovesOn() {
    TerminalEmulator terminal = terminal(8, 3, "one\r\ntwo");
    Screen first = terminal.screen();
    assertThat(terminal.screen()).isSameAs(first);
    List<Screen> screens = new ArrayList<>();
    String[] steps = {"\r\nthree", CSI + "H" + CSI + "2K", CSI + "31mred", CSI + "?1049hx", "\r\n\r\n\r\n"};
    List<String> texts = new ArrayList<>();
    for (String step : steps) {
      terminal.feed(step.getBytes(UTF_8));
      Screen screen = terminal.screen();
      screens.add(screen);
      texts.add(screen.text());
    }
    assertThat(first.lines()).containsExactly("one", "two", "");
    for (int i = 0; i < screens.size(); i++) {
      assertThat(screens.get(i).text()).isEqualTo(texts.get(i));
    }
    assertThat(screens.get(2).cell(0, 0).style().foreground()).isEqualTo(1);
  }

  @Test
  void copiesAreIndependent() {
    TerminalEmulator terminal = terminal(8, 2, "abc" + ESC + "[3");
    TerminalEmulator copy = terminal.copy();
    terminal.feed("1mX".getBytes(UTF_8));
    copy.feed("2mY".getBytes(UTF_8));
    assertThat(terminal.screen().lines()).containsExactly("abcX", "");
    assertThat(copy.screen().lines()).containsExactly("abcY", "");
    assertThat(terminal.screen().cell(0, 3).style().foreground()).isEqualTo(1);
    assertThat(copy.screen().cell(0, 3).style().foreground()).isEqualTo(2);
    assertThat(copy.bytesFed()).isEqualTo(terminal.bytesFed());
  }
}
