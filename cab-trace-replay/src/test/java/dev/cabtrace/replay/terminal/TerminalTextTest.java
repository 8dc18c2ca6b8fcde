package dev.cabtrace.replay.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

  // A CSV source would trim the control characters under test, so the cases are built here.
  static Stream<Arguments> hostileText() {
    return Stream.of(
        Arguments.of("plain", "cargo test", "cargo test"),
        Arguments.of("CSI colour", "\u001b[31mred", "\\e[31mred"),
        Arguments.of("OSC title", "\u001b]0;pwned\u0007", "\\e]0;pwned\\x07"),
        Arguments.of("C1 CSI", "\u009b2J", "\\u009b2J"),
        Arguments.of("newline", "a\nb", "a\\nb"),
        Arguments.of("DEL", "a\u007fb", "a\\x7fb"),
        Arguments.of("bidi override", "abc\u202edef", "abc\\u202edef"),
        Arguments.of("bidi isolate", "a\u2067b\u2069c", "a\\u2067b\\u2069c"),
        Arguments.of("right-to-left mark", "a\u200fb", "a\\u200fb"),
        Arguments.of("arabic letter mark", "a\u061cb", "a\\u061cb"),
        Arguments.of("zero-width space", "cargo\u200btest", "cargo\\u200btest"),
        Arguments.of("word joiner", "a\u2060b", "a\\u2060b"),
        Arguments.of("line separator", "a\u2028b", "a\\u2028b"),
        Arguments.of("paragraph separator", "a\u2029b", "a\\u2029b"),
        Arguments.of("byte order mark", "\ufeffname", "\\ufeffname"),
        Arguments.of("lone high surrogate", "a\ud83db", "a\\ud83db"),
        Arguments.of("lone low surrogate", "a\ude00b", "a\\ude00b"),
        Arguments.of("reversed surrogates", "\ude00\ud83d", "\\ude00\\ud83d"),
        Arguments.of("C1 NEL", "a\u0085b", "a\\u0085b"),
        Arguments.of("backslash", "C:\\tmp\\n", "C:\\\\tmp\\\\n"),
        Arguments.of("backslash before ESC", "\\\u001b", "\\\\\\e"),
        Arguments.of("surrogate pair stays", "ok \ud83d\ude00", "ok \ud83d\ude00"),
        Arguments.of("unicode stays", "é 世界", "é 世界"));
  }

  /** Every character that would print as nothing, reorder text or act as a control. */
  private static boolean unsafe(int c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == 0x061c
        || (c >= 0x200b && c <= 0x200f)
        || (c >= 0x2028 && c <= 0x202e)
        || (c >= 0x2060 && c <= 0x2069)
        || c == 0xfeff
        || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
  }

  @Test
  void everyBmpCharacterIsSafeOrEscapedAlone() {
    for (int c = 0; c <= 0xffff; c++) {
      String escaped = TerminalText.escapeLine("[" + (char) c + "]");
      if (unsafe(c)) {
        assertThat(escaped).as("U+%04X", c).startsWith("[\\").doesNotContain(String.valueOf((char) c));
      } else if (c == '\\') {
        assertThat(escaped).isEqualTo("[\\\\]");
      } else {
        assertThat(escaped).as("U+%04X", c).isEqualTo("[" + (char) c + "]");
      }
    }
  }

  @Test
  void aBackslashFromTheTraceNeverReadsAsAnEscape() {
    // A name that spells out "\e[31m" must not look like the ESC that cab-trace escaped.
    assertThat(TerminalText.escapeLine("\\e[31m")).isEqualTo("\\\\e[31m");
    assertThat(TerminalText.escapeLine("\u001b[31m")).isEqualTo("\\e[31m");
    assertThat(TerminalText.escapeLineKeepingSgr("a\\b\u001b[1mc")).isEqualTo("a\\\\b\u001b[1mc");
    assertThat(TerminalText.screenTail("dir C:\\x\n", 80, 1)).containsExactly("dir C:\\\\x");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileText")
  void escapeLineLeavesNoControlCharacter(String name, String input, String expected) {
    String escaped = TerminalText.escapeLine(input);
    assertThat(escaped).isEqualTo(expected);
    assertThat(escaped.codePoints()).noneMatch(TerminalTextTest::unsafe);
  }

  @Test
  void screenTailKeepsTheLastLinesAsAScreenShowsThem() {
    String output = "one\ntwo\r\nthree\nprogress 10%\rprogress 99%\n\u001b[2Jtab\tend\n";
    assertThat(TerminalText.screenTail(output, 80, 3))
        .containsExactly("three", "progress 99%", "\\e[2Jtab        end");
    assertThat(TerminalText.screenTail(output, 4, 1)).containsExactly("\\e[2");
    assertThat(TerminalText.screenTail("partial", 80, 5)).containsExactly("partial");
    assertThat(TerminalText.screenTail("", 80, 5)).isEmpty();
  }

  @Test
  void charactersWhoseWidthTerminalsDisputeAreWrittenAsTheirCodePoints() {
    // A flag (two regional indicators) and a thumb with a skin tone: one column or two, by terminal.
    assertThat(TerminalText.escapeLine("us \uD83C\uDDFA\uD83C\uDDF8 ok \uD83D\uDC4D\uD83C\uDFFD 🎉"))
        .isEqualTo("us \\U0001f1fa\\U0001f1f8 ok \uD83D\uDC4D\\U0001f3fd 🎉");
  }
}
