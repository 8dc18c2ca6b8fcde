package dev.cabtrace.replay.screen;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostileInputTest {

  private static final String ESC = "\u001b";
  private static final String CSI = ESC + "[";
  private static final String ST = ESC + "\\";

  /** Every ESC in our output starts an SGR sequence we generated. */
  private static final Pattern FOREIGN_ESCAPE = Pattern.compile("\u001b(?!\\[[0-9;]*m)");

  /** C0 other than LF, DEL and C1. */
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x09\\x0b-\\x1a\\x1c-\\x1f\\x7f-\\x9f]");

  static void assertSafe(Screen screen) {
    String ansi = screen.toAnsi();
    assertThat(FOREIGN_ESCAPE.matcher(ansi).find()).as("foreign escape in %s", ansi).isFalse();
    assertThat(CONTROL.matcher(ansi).find()).as("control character in %s", ansi).isFalse();
    for (String line : screen.lines()) {
      assertThat(line).doesNotContain(ESC);
      assertThat(CONTROL.matcher(line).find()).as("control character in %s", line).isFalse();
    }
    assertThat(CONTROL.matcher(screen.title()).find()).isFalse();
  }

  private static Screen screen(byte[] input) {
    TerminalEmulator terminal = TerminalEmulator.create(40, 4);
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

  static Stream<Arguments> hostileSequences() {
    return Stream.of(
        Arguments.of("OSC 0 title with BEL", bytes("a", ESC + "]0;evil\u0007", "b")),
        Arguments.of("OSC 2 title with ST", bytes("a", ESC + "]2;evil" + ST, "b")),
        Arguments.of("OSC 52 clipboard", bytes("a", ESC + "]52;c;cm0gLXJmIH4=\u0007", "b")),
        Arguments.of("OSC 8 hyperlink", bytes("a", ESC + "]8;;http://x/\u0007", "b", ESC + "]8;;" + ST)),
        Arguments.of("OSC with escapes inside", bytes("a", ESC + "]0;\u0008\u0009x\u0007", "b")),
        Arguments.of("DCS", bytes("a", ESC + "P1$r0m\u0007\r\n[31m" + ST, "b")),
        Arguments.of("DCS tmux passthrough", bytes("a", ESC + "Ptmux;" + ESC + ESC + "]52;c;eA==\u0007" + ST, "b")),
        Arguments.of("APC", bytes("a", ESC + "_Gf=100;AAAA\u0007\r\n" + ST, "b")),
        Arguments.of("PM and SOS", bytes("a", ESC + "^pm\u0007" + ST, ESC + "Xsos" + ST, "b")),
        Arguments.of("bracketed paste", bytes("a", CSI + "?2004h" + CSI + "200~", "b", CSI + "201~")),
        Arguments.of("device attribute queries", bytes("a", CSI + "c" + CSI + ">c" + CSI + "=c", "b")),
        Arguments.of("status reports", bytes("a", CSI + "6n" + CSI + "5n" + CSI + "?6n", "b")),
        Arguments.of("window operations", bytes("a", CSI + "21t" + CSI + "8;100;100t", "b")),
        Arguments.of("kitty keyboard", bytes("a", CSI + ">1u" + CSI + "<u" + CSI + "?u", "b")),
        Arguments.of("cursor style", bytes("a", CSI + "2 q", "b")),
        Arguments.of("BEL, NUL, DEL", bytes("a", 0x07, 0x00, 0x7f, "b")),
        Arguments.of("CAN aborts a sequence", bytes("a", CSI + "3\u0018", "b")),
        Arguments.of("SUB aborts an OSC", bytes("a", ESC + "]0;x\u001a", "b")),
        Arguments.of("too many intermediates", bytes("a", ESC + "!!!x", CSI + "1 !!m", "b")),
        Arguments.of("huge parameters", bytes("a", CSI + "99999999999999999999;99999999999999999999m", "b")),
        Arguments.of("many parameters", bytes("a", CSI + "1;".repeat(200) + "m" + CSI + "0m", "b")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileSequences")
  void consumedWithoutEffect(String name, byte[] input) {
    Screen screen = screen(input);
    assertThat(screen.lines()).containsExactly("ab", "", "", "");
    assertSafe(screen);
  }

  @Test
  void c1ControlsNeverAct() {
    // Raw 8-bit C1 bytes are invalid UTF-8: each shows as U+FFFD, the rest is plain text.
    Screen raw = screen(bytes("a", 0x9b, "31m", 0x9d, "0;x", 0x07, 0x90, 0x9c, "b"));
    assertThat(raw.lines().get(0)).isEqualTo("a\ufffd31m\ufffd0;x\ufffd\ufffdb");
    assertThat(raw.title()).isEmpty();
    assertThat(raw.cell(0, 2).style()).isEqualTo(CellStyle.DEFAULT);
    assertSafe(raw);
    // C1 code points encoded in UTF-8 are dropped; what follows them is plain text.
    Screen encoded = screen(bytes("a", "\u009b31m\u009d0;x\u0007\u0090\u009c", "b"));
    assertThat(encoded.lines().get(0)).isEqualTo("a31m0;xb");
    assertSafe(encoded);
  }

  @Test
  void titleIsKeptAsData() {
    Screen screen = screen(bytes(ESC + "]0;first\u0007", ESC + "]2;sec" + ESC + "[31mond" + ST, "x"));
    // ESC ends the OSC (so the CSI acts), leaving "ond" printed in red.
    assertThat(screen.title()).isEqualTo("sec");
    assertThat(screen.lines().get(0)).isEqualTo("ondx");
    assertThat(screen(bytes(ESC + "]1;icon\u0007")).title()).isEmpty();
    assertThat(screen(bytes(ESC + "]0;a\u0000b\u0007")).title()).isEqualTo("ab");
    assertThat(screen(bytes(ESC + "]0\u0007")).title()).isEmpty();
  }

  @Test
  void unterminatedStringsStayBounded() {
    byte[] huge = bytes(ESC + "]0;" + "x".repeat(100_000));
    TerminalEmulator terminal = TerminalEmulator.create(10, 2);
    terminal.feed(huge);
    terminal.feed(bytes("\u0007ok"));
    // The limit counts the whole OSC string, "0;" included.
    assertThat(terminal.screen().title()).isEqualTo("x".repeat(ControlParser.OSC_LIMIT - 2));
    assertThat(terminal.screen().lines()).containsExactly("ok", "");

    TerminalEmulator dcs = TerminalEmulator.create(10, 2);
    dcs.feed(bytes(ESC + "P" + "q#0;2;0;0;0".repeat(10_000)));
    assertThat(dcs.screen().lines()).containsExactly("", "");
    dcs.feed(bytes(ST + "ok"));
    assertThat(dcs.screen().lines()).containsExactly("ok", "");
  }

  @Test
  void everythingInOneStreamIsSafe() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    hostileSequences().forEach(arguments -> all.writeBytes((byte[]) arguments.get()[1]));
    all.writeBytes(bytes(CSI + "1;38;2;1;2;3;48;5;9m", "styled", CSI + "0m"));
    Screen screen = screen(all.toByteArray());
    assertSafe(screen);
    assertThat(screen.toAnsi()).contains("\u001b[0;1;38;2;1;2;3;101mstyled\u001b[0m");
  }
}
