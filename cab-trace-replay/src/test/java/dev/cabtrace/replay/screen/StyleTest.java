package dev.cabtrace.replay.screen;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class StyleTest {

  private static final String CSI = "\u001b[";

  private static Screen screen(int columns, int rows, String input) {
    TerminalEmulator terminal = TerminalEmulator.create(columns, rows);
    terminal.feed(input.getBytes(UTF_8));
    return terminal.screen();
  }

  /** The style of the first cell after {@code sgr} is applied to an "x". */
  private static CellStyle styleOf(String sgr) {
    return screen(5, 1, sgr + "x").cell(0, 0).style();
  }

  static Stream<Arguments> sgrCases() {
    int rgb = 0x1000000;
    return Stream.of(
        Arguments.of("bold", CSI + "1m", new CellStyle(CellStyle.BOLD, -1, -1)),
        Arguments.of("all attributes", CSI + "1;2;3;4;5;7;8;9m", new CellStyle(255, -1, -1)),
        Arguments.of("rapid blink is blink", CSI + "6m", new CellStyle(CellStyle.BLINK, -1, -1)),
        Arguments.of("21 is double underline", CSI + "21m", new CellStyle(CellStyle.UNDERLINE, -1, -1)),
        Arguments.of("22 ends bold and dim", CSI + "1;2;3m" + CSI + "22m",
            new CellStyle(CellStyle.ITALIC, -1, -1)),
        Arguments.of("resets", CSI + "1;2;3;4;5;7;8;9m" + CSI + "23;24;25;27;28;29m",
            new CellStyle(CellStyle.BOLD | CellStyle.DIM, -1, -1)),
        Arguments.of("0 resets all", CSI + "1;31;42m" + CSI + "0m", CellStyle.DEFAULT),
        Arguments.of("empty resets all", CSI + "1;31;42m" + CSI + "m", CellStyle.DEFAULT),
        Arguments.of("standard colours", CSI + "31;42m", new CellStyle(0, 1, 2)),
        Arguments.of("bright colours", CSI + "97;100m", new CellStyle(0, 15, 8)),
        Arguments.of("default colours", CSI + "31;42m" + CSI + "39;49m", CellStyle.DEFAULT),
        Arguments.of("256 colours", CSI + "38;5;208;48;5;17m", new CellStyle(0, 208, 17)),
        Arguments.of("24-bit", CSI + "38;2;255;128;0;48;2;1;2;3m",
            new CellStyle(0, rgb | 0xff8000, rgb | 0x010203)),
        Arguments.of("24-bit colon with colour space", CSI + "38:2::255:128:0m",
            new CellStyle(0, rgb | 0xff8000, -1)),
        Arguments.of("24-bit colon without colour space", CSI + "48:2:10:20:30;1m",
            new CellStyle(CellStyle.BOLD, -1, rgb | 0x0a141e)),
        Arguments.of("256 colon", CSI + "38:5:99m", new CellStyle(0, 99, -1)),
        Arguments.of("curly underline", CSI + "4:3m", new CellStyle(CellStyle.UNDERLINE, -1, -1)),
        Arguments.of("no underline", CSI + "4m" + CSI + "4:0m", CellStyle.DEFAULT),
        Arguments.of("underline colour ignored", CSI + "58;5;3;1m", new CellStyle(CellStyle.BOLD, -1, -1)),
        Arguments.of("index out of range ignored", CSI + "38;5;300;1m", new CellStyle(CellStyle.BOLD, -1, -1)),
        Arguments.of("component out of range ignored", CSI + "38;2;256;0;0m", CellStyle.DEFAULT),
        Arguments.of("truncated extended colour", CSI + "1;38;5m", new CellStyle(CellStyle.BOLD, -1, -1)),
        Arguments.of("unknown codes ignored", CSI + "1;53;73;200m", new CellStyle(CellStyle.BOLD, -1, -1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sgrCases")
  void sgrSetsTheCellStyle(String name, String sgr, CellStyle expected) {
    assertThat(styleOf(sgr)).isEqualTo(expected);
  }

  @Test
  void cellStyleHelpers() {
    CellStyle style = new CellStyle(CellStyle.BOLD | CellStyle.INVERSE, 0x1abcdef, 7);
    assertThat(style.has(CellStyle.BOLD)).isTrue();
    assertThat(style.has(CellStyle.INVERSE)).isTrue();
    assertThat(style.has(CellStyle.DIM)).isFalse();
    assertThat(CellStyle.isRgb(style.foreground())).isTrue();
    assertThat(CellStyle.rgb(style.foreground())).isEqualTo(0xabcdef);
    assertThat(CellStyle.isRgb(style.background())).isFalse();
    assertThat(CellStyle.isRgb(CellStyle.DEFAULT_COLOR)).isFalse();
    assertThatThrownBy(() -> new CellStyle(256, -1, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CellStyle(0, 256, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CellStyle(0, -1, -2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void packedStylesRoundTrip() {
    CellStyle[] styles = {
      CellStyle.DEFAULT,
      new CellStyle(255, 255, 0),
      new CellStyle(CellStyle.HIDDEN, 0x1ffffff, 0x1000000),
      new CellStyle(0, -1, 0x1123456),
    };
    for (CellStyle style : styles) {
      assertThat(PackedStyle.unpack(PackedStyle.pack(style))).isEqualTo(style);
    }
    assertThat(PackedStyle.pack(CellStyle.DEFAULT)).isEqualTo(PackedStyle.DEFAULT);
  }

  @Test
  void styleStaysWithTheTextAndLinesIgnoreIt() {
    Screen screen = screen(10, 1, "a" + CSI + "1;31mb" + CSI + "0mc");
    assertThat(screen.lines()).containsExactly("abc");
    assertThat(screen.cell(0, 0).style()).isEqualTo(CellStyle.DEFAULT);
    assertThat(screen.cell(0, 1).style()).isEqualTo(new CellStyle(CellStyle.BOLD, 1, -1));
    assertThat(screen.cell(0, 2).style()).isEqualTo(CellStyle.DEFAULT);
  }

  @Test
  void erasingFillsWithTheBackgroundColourOnly() {
    Screen screen = screen(6, 3, "abcdef\r\nghi" + CSI + "1;31;44m" + CSI + "K" + CSI + "3;1H" + CSI + "2X");
    assertThat(screen.lines()).containsExactly("abcdef", "ghi", "");
    assertThat(screen.cell(1, 2).style()).isEqualTo(CellStyle.DEFAULT);
    assertThat(screen.cell(1, 3)).isEqualTo(new ScreenCell(" ", 1, new CellStyle(0, -1, 4)));
    assertThat(screen.cell(1, 5).style()).isEqualTo(new CellStyle(0, -1, 4));
    assertThat(screen.cell(2, 1).style()).isEqualTo(new CellStyle(0, -1, 4));
    assertThat(screen.cell(2, 2).style()).isEqualTo(CellStyle.DEFAULT);
    // New lines scrolled in take the background too.
    Screen scrolled = screen(3, 2, CSI + "41m\r\n\r\n");
    assertThat(scrolled.cell(1, 0).style().background()).isEqualTo(1);
  }

  @Test
  void toAnsiGeneratesItsOwnSgrAndResetsEachLine() {
    Screen screen = screen(10, 3, "a" + CSI + "1;31mhi" + CSI + "0m x\r\n" + CSI + "38;5;200;48;2;1;2;3mz");
    assertThat(screen.toAnsi())
        .isEqualTo(
            "a\u001b[0;1;31mhi\u001b[0m x\n"
                + "\u001b[0;38;5;200;48;2;1;2;3mz\u001b[0m\n");
    // Trailing blanks with a background are drawn; trailing plain blanks are not.
    assertThat(screen(4, 1, CSI + "44m" + CSI + "2K").toAnsi()).isEqualTo("\u001b[0;44m    \u001b[0m");
    assertThat(screen(4, 2, "").toAnsi()).isEqualTo("\n");
  }

  @Test
  void toAnsiRoundTripsTheScreen() {
    String input =
        CSI + "1;3;4;38;2;10;20;30mbold rgb" + CSI + "0m plain "
            + CSI + "7;9;38;5;123;48;5;231minverse" + CSI + "m\r\n"
            + CSI + "2;5;8;92;104mdim\u4e16\u754c" + CSI + "22;25;28m"
            + "e\u0301 \ud83d\udc4d" + CSI + "m\r\n"
            + CSI + "46m" + CSI + "K" + CSI + "0m"
            + CSI + "4;1H" + "\u001b(0lqqk\u001b(B" + CSI + "4;20H" + CSI + "33mlast column!"
            + CSI + "6;3H" + CSI + "48;2;200;0;0m  ";
    Screen original = screen(20, 6, input);
    assertThat(original.lines().get(0)).isEqualTo("bold rgb plain inver");
    String ansi = original.toAnsi();
    // A terminal turns "\n" into a new line; the emulator, like a raw terminal, needs "\r\n".
    Screen redrawn = screen(20, 6, ansi.replace("\n", "\r\n"));
    assertThat(redrawn.lines()).isEqualTo(original.lines());
    for (int r = 0; r < original.rows(); r++) {
      for (int c = 0; c < original.columns(); c++) {
        assertThat(redrawn.cell(r, c)).as("cell %d,%d", r, c).isEqualTo(original.cell(r, c));
      }
    }
  }
}
