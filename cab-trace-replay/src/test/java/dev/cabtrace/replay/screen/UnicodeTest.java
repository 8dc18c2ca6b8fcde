package dev.cabtrace.replay.screen;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class UnicodeTest {

  private static final String ESC = "\u001b";

  private static Screen screen(int columns, int rows, String input) {
    return screen(columns, rows, input.getBytes(UTF_8));
  }

  private static Screen screen(int columns, int rows, byte[] input) {
    TerminalEmulator terminal = TerminalEmulator.create(columns, rows);
    terminal.feed(input);
    return terminal.screen();
  }

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String) {
        out.writeBytes(((String) part).getBytes(UTF_8));
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  @Test
  void wideCharactersTakeTwoCells() {
    Screen screen = screen(10, 2, "a\u4e16\u754c!");
    assertThat(screen.lines()).containsExactly("a\u4e16\u754c!", "");
    assertThat(screen.cell(0, 1)).isEqualTo(new ScreenCell("\u4e16", 2, CellStyle.DEFAULT));
    assertThat(screen.cell(0, 2)).isEqualTo(new ScreenCell("", 0, CellStyle.DEFAULT));
    assertThat(screen.cell(0, 3).text()).isEqualTo("\u754c");
    assertThat(screen.cell(0, 5).text()).isEqualTo("!");
    assertThat(screen.cursorColumn()).isEqualTo(6);
    // Emoji and fullwidth forms are wide too.
    Screen emoji = screen(10, 1, "\ud83d\ude00\uff21x");
    assertThat(emoji.cell(0, 0).width()).isEqualTo(2);
    assertThat(emoji.cell(0, 2).width()).isEqualTo(2);
    assertThat(emoji.cell(0, 4).text()).isEqualTo("x");
  }

  @Test
  void aWideCharacterAtTheLastColumnWrapsFirst() {
    Screen screen = screen(5, 2, "abcd\u4e16");
    assertThat(screen.lines()).containsExactly("abcd", "\u4e16");
    assertThat(screen.cell(0, 4).text()).isEqualTo(" ");
    // Without autowrap it is not drawn at all (xterm, tmux, xterm.js): what follows goes in the
    // last column, where it was drawn over the last two and half of it overwritten.
    Screen unwrapped = screen(5, 2, ESC + "[?7labcd\u4e16");
    assertThat(unwrapped.lines()).containsExactly("abcd", "");
    assertThat(unwrapped.cursorColumn()).isEqualTo(4);
    assertThat(screen(5, 2, ESC + "[?7labcd\u4e16X").lines()).containsExactly("abcdX", "");
    assertThat(screen(5, 2, ESC + "[?7labcd\u4e16" + ESC + "[3b").lines()).containsExactly("abcd", "");
    // On a one-column screen it cannot be drawn at all.
    assertThat(screen(1, 1, "\u4e16").lines()).containsExactly("");
  }

  @Test
  void overwritingHalfAWideCharacterBlanksTheOtherHalf() {
    assertThat(screen(6, 1, "\u4e16\u754c\rx").lines()).containsExactly("x \u754c");
    assertThat(screen(6, 1, "\u4e16\u754c" + ESC + "[1;4Hy").lines()).containsExactly("\u4e16 y");
    Screen screen = screen(6, 1, "\u4e16\u754c" + ESC + "[1;2H\u4e00");
    assertThat(screen.lines()).containsExactly(" \u4e00");
    assertThat(screen.cell(0, 3)).isEqualTo(new ScreenCell(" ", 1, CellStyle.DEFAULT));
    // Deleting or inserting through a wide character does not leave half of it.
    assertThat(screen(6, 1, "a\u4e16b" + ESC + "[1;3H" + ESC + "[P").lines()).containsExactly("a b");
    assertThat(screen(6, 1, "a\u4e16b" + ESC + "[1;3H" + ESC + "[@").lines()).containsExactly("a   b");
    assertThat(screen(6, 1, "a\u4e16b" + ESC + "[1;3H" + ESC + "[K").lines()).containsExactly("a");
  }

  @Test
  void combiningMarksJoinThePreviousCell() {
    Screen screen = screen(10, 1, "e\u0301a\u0308\u0323!");
    assertThat(screen.lines()).containsExactly("e\u0301a\u0308\u0323!");
    assertThat(screen.cell(0, 0)).isEqualTo(new ScreenCell("e\u0301", 1, CellStyle.DEFAULT));
    assertThat(screen.cell(0, 1).text()).isEqualTo("a\u0308\u0323");
    assertThat(screen.cursorColumn()).isEqualTo(3);
    // A variation selector and ZWJ join; the next emoji takes its own cells.
    Screen zwj = screen(10, 1, "\u2764\ufe0f\ud83d\udc69\u200d\ud83d\udcbb");
    assertThat(zwj.lines()).containsExactly("\u2764\ufe0f\ud83d\udc69\u200d\ud83d\udcbb");
    assertThat(zwj.cell(0, 0).text()).isEqualTo("\u2764\ufe0f");
    assertThat(zwj.cell(0, 1).text()).isEqualTo("\ud83d\udc69\u200d");
    assertThat(zwj.cell(0, 3).text()).isEqualTo("\ud83d\udcbb");
    // At the last column (wrap pending) the mark joins that cell; at column 0 there is nothing.
    assertThat(screen(3, 2, "abc\u0301").lines()).containsExactly("abc\u0301", "");
    assertThat(screen(3, 2, "\u0301x").lines()).containsExactly("x", "");
    // After a wide character the mark joins it, not its right half.
    assertThat(screen(4, 1, "\u4e16\u0301").cell(0, 0).text()).isEqualTo("\u4e16\u0301");
    // A cell holds a bounded number of marks.
    Screen many = screen(4, 1, "a" + "\u0301".repeat(1000));
    assertThat(many.cell(0, 0).text().length()).isLessThanOrEqualTo(Row.MAX_CLUSTER_CHARS);
  }

  @Test
  void bidirectionalControlsAreDropped() {
    assertThat(screen(10, 1, "abc\u202edef\u2066g").lines()).containsExactly("abcdefg");
  }

  @Test
  void decSpecialGraphicsDrawsLines() {
    Screen screen = screen(10, 3, ESC + "(0lqwqk\r\nx x x\r\nmqvqj" + ESC + "(Bq");
    assertThat(screen.lines()).containsExactly(
        "\u250c\u2500\u252c\u2500\u2510",
        "\u2502 \u2502 \u2502",
        "\u2514\u2500\u2534\u2500\u2518q");
    assertThat(screen(20, 1, ESC + "(0`afgntuy{|}~" + ESC + "(B").lines())
        .containsExactly("\u25c6\u2592\u00b0\u00b1\u253c\u251c\u2524\u2264\u03c0\u2260\u00a3\u00b7");
    // G1 through SO and SI.
    assertThat(screen(10, 1, ESC + ")0a\u000eqq\u000fqq").lines())
        .containsExactly("a\u2500\u2500qq");
  }

  @Test
  void utf8SplitAcrossFeedsDecodes() {
    String text = "h\u00e9llo \u4e16\u754c \ud83d\udc4d " + ESC + "[31mred" + ESC + "]0;t\u00eftle\u0007";
    byte[] bytes = text.getBytes(UTF_8);
    Screen whole = screen(30, 2, bytes);
    TerminalEmulator terminal = TerminalEmulator.create(30, 2);
    for (int i = 0; i < bytes.length; i++) {
      terminal.feed(bytes, i, 1);
    }
    assertThat(terminal.screen()).isEqualTo(whole);
    assertThat(whole.lines()).containsExactly("h\u00e9llo \u4e16\u754c \ud83d\udc4d red", "");
    assertThat(whole.title()).isEqualTo("t\u00eftle");
    assertThat(terminal.bytesFed()).isEqualTo(bytes.length);
  }

  @Test
  void invalidUtf8BecomesReplacementCharacters() {
    String r = "\ufffd";
    // A stray continuation byte, a byte never valid, a truncated sequence, an overlong form and
    // an encoded surrogate.
    assertThat(screen(20, 1, bytes("a", 0x80, "b", 0xff, "c", 0xe4, 0xb8, "d")).lines())
        .containsExactly("a" + r + "b" + r + "c" + r + "d");
    assertThat(screen(20, 1, bytes(0xc0, 0x80, "|", 0xed, 0xa0, 0x80)).lines())
        .containsExactly(r + r + "|" + r + r + r);
    // ESC inside a broken sequence still starts a control sequence.
    Screen screen = screen(20, 1, bytes("x", 0xe4, ESC + "[31my"));
    assertThat(screen.lines()).containsExactly("x" + r + "y");
    assertThat(screen.cell(0, 2).style().foreground()).isEqualTo(1);
    // A lone 8-bit C1 byte (here CSI) prints U+FFFD and does not act.
    assertThat(screen(20, 1, bytes("abc", 0x9b, "2J")).lines()).containsExactly("abc" + r + "2J");
    // A C1 control encoded in UTF-8 does not act either and is not shown.
    assertThat(screen(20, 1, "abc\u009b2J").lines()).containsExactly("abc2J");
  }

  @Test
  void charWidthTable() {
    assertThat(CharWidth.of('a')).isEqualTo(1);
    assertThat(CharWidth.of(0x00e9)).isEqualTo(1);
    assertThat(CharWidth.of(0x00ad)).isEqualTo(1);
    assertThat(CharWidth.of(0x0301)).isEqualTo(0);
    assertThat(CharWidth.of(0x200d)).isEqualTo(0);
    assertThat(CharWidth.of(0xfe0f)).isEqualTo(0);
    assertThat(CharWidth.of(0x1160)).isEqualTo(0);
    assertThat(CharWidth.of(0x1100)).isEqualTo(2);
    assertThat(CharWidth.of(0x3000)).isEqualTo(2);
    assertThat(CharWidth.of(0x303f)).isEqualTo(1);
    assertThat(CharWidth.of(0xac00)).isEqualTo(2);
    assertThat(CharWidth.of(0xff01)).isEqualTo(2);
    assertThat(CharWidth.of(0xff61)).isEqualTo(1);
    assertThat(CharWidth.of(0x1f600)).isEqualTo(2);
    assertThat(CharWidth.of(0x1f1e6)).isEqualTo(1);
    assertThat(CharWidth.of(0x2500)).isEqualTo(1);
    assertThat(CharWidth.of(0x20000)).isEqualTo(2);
    assertThat(CharWidth.of(0x1b)).isEqualTo(-1);
    assertThat(CharWidth.of(0x85)).isEqualTo(-1);
    assertThat(CharWidth.of(0xd800)).isEqualTo(-1);
    assertThat(CharWidth.of(0x202e)).isEqualTo(-1);
  }
}
