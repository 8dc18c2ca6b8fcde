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
        Arguments.of("unicode stays", "é 世界", "é 世界"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileText")
  void escapeLineLeavesNoControlCharacter(String name, String input, String expected) {
    String escaped = TerminalText.escapeLine(input);
    assertThat(escaped).isEqualTo(expected);
    assertThat(escaped.chars()).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
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
}
