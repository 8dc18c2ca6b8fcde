package dev.cabtrace.replay.player;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.screen.CellStyle;
import dev.cabtrace.replay.screen.Screen;
import dev.cabtrace.replay.screen.TerminalEmulator;
import dev.cabtrace.replay.terminal.TerminalText;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

class ScreenPaneTest {

  private static Screen screen(int columns, int rows, String input) {
    TerminalEmulator terminal = TerminalEmulator.create(columns, rows);
    terminal.feed(input.getBytes(UTF_8));
    return terminal.screen();
  }

  private static List<String> texts(List<AttributedString> lines) {
    return lines.stream().map(AttributedString::toString).toList();
  }

  @Test
  void drawsTheCellsWithTheirStylesAndTheCursorInverted() {
    Screen screen = screen(12, 3, "plain \u001b[1;31mred\u001b[0m\r\n\u001b[44m  \u001b[0m\u001b[7mrev\u001b[0m\r\nab");
    List<AttributedString> lines = ScreenPane.lines(screen, 12, 3);

    assertThat(texts(lines)).containsExactly("plain red", "  rev", "ab ");
    assertThat(lines.get(0).styleAt(0)).isEqualTo(AttributedStyle.DEFAULT);
    assertThat(lines.get(0).styleAt(6)).isEqualTo(AttributedStyle.DEFAULT.bold().foreground(AttributedStyle.RED));
    assertThat(lines.get(1).styleAt(0)).isEqualTo(AttributedStyle.DEFAULT.background(AttributedStyle.BLUE));
    assertThat(lines.get(1).styleAt(2)).isEqualTo(AttributedStyle.DEFAULT.inverse());
    // The cursor sits after "ab", on a blank cell, which is drawn inverted.
    assertThat(lines.get(2).styleAt(2)).isEqualTo(AttributedStyle.DEFAULT.inverse());
    assertThat(lines.get(2).styleAt(1)).isEqualTo(AttributedStyle.DEFAULT);
  }

  @Test
  void aHiddenCursorIsNotDrawnAndAnInverseCellUnderTheCursorTurnsBack() {
    Screen hidden = screen(5, 1, "\u001b[?25lab");
    assertThat(texts(ScreenPane.lines(hidden, 5, 1))).containsExactly("ab");

    Screen inverse = screen(5, 1, "\u001b[7mabc\u001b[2G");
    AttributedString line = ScreenPane.lines(inverse, 5, 1).get(0);
    assertThat(line.styleAt(0)).isEqualTo(AttributedStyle.DEFAULT.inverse());
    assertThat(line.styleAt(1)).isEqualTo(AttributedStyle.DEFAULT);
  }

  @Test
  void everyColourKindAndAttributeBecomesAJLineStyle() {
    int rgb = 0x1000000;
    assertThat(ScreenPane.style(new CellStyle(0, 3, 12), false))
        .isEqualTo(AttributedStyle.DEFAULT.foreground(3).background(12));
    assertThat(ScreenPane.style(new CellStyle(0, 208, rgb | 0x010203), false))
        .isEqualTo(AttributedStyle.DEFAULT.foreground(208).backgroundRgb(0x010203));
    assertThat(ScreenPane.style(new CellStyle(255, rgb | 0xff8000, -1), false))
        .isEqualTo(AttributedStyle.DEFAULT.bold().faint().italic().underline().blink().inverse().conceal().crossedOut()
            .foregroundRgb(0xff8000));
    assertThat(ScreenPane.style(CellStyle.DEFAULT, true)).isEqualTo(AttributedStyle.DEFAULT.inverse());
  }

  @Test
  void aTallScreenShowsTheRowsEndingAtTheCursorOrTheLastText() {
    StringBuilder input = new StringBuilder();
    for (int i = 1; i <= 6; i++) {
      input.append("line ").append(i).append("\r\n");
    }
    Screen streaming = screen(10, 10, input.toString());
    // The cursor is on row 6, below the last text: rows 4-6 show.
    assertThat(texts(ScreenPane.lines(streaming, 10, 3))).containsExactly("line 5", "line 6", " ");

    // A full-screen program's text below its cursor stays in view.
    Screen tui = screen(10, 10, "\u001b[10;1Hstatus\u001b[2;1Hinput");
    assertThat(texts(ScreenPane.lines(tui, 10, 3))).containsExactly("", "", "status");

    Screen top = screen(10, 10, "first");
    assertThat(texts(ScreenPane.lines(top, 10, 3))).containsExactly("first ", "", "");
    assertThat(ScreenPane.lines(top, 10, 20)).hasSize(10);
  }

  @Test
  void invisibleCharactersTheEmulatorKeepsAreNotWrittenToTheTerminal() {
    // A zero-width space and a word joiner joined to the letters before them, a line separator,
    // a right-to-left override and a byte order mark in cells of their own or joined.
    Screen screen = screen(12, 1, "a\u200bb\u2060c\u2028d\u202ee\ufefff");
    String drawn = texts(ScreenPane.lines(screen, 12, 1)).get(0);
    assertThat(drawn).startsWith("ab").contains("c").contains("d").contains("e").contains("f");
    assertThat(drawn.chars().filter(c -> TerminalText.isInvisible((char) c))).isEmpty();
  }

  @Test
  void aWideScreenIsCutToThePaneAndAWideCharacterCutInHalfIsBlank() {
    Screen screen = screen(20, 2, "abcd\u4e16\u754cxyz\r\n0123456789");
    List<AttributedString> lines = ScreenPane.lines(screen, 7, 2);

    assertThat(texts(lines)).containsExactly("abcd\u4e16 ", "0123456");
    assertThat(lines).allSatisfy(line -> assertThat(line.columnLength()).isLessThanOrEqualTo(7));
  }
}
