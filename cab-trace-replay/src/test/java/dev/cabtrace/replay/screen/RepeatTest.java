package dev.cabtrace.replay.screen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * REP ({@code CSI n b}) against what it stands for, the character it repeats printed n times: the
 * screens are equal after any state a random stream leaves (autowrap off, insert mode, the line
 * drawing set, wide characters under the cursor, the cursor at the bottom), whichever way the
 * emulator does it.
 */
class RepeatTest {

  private static final String ESC = "\u001b";
  private static final String[] SETUP = {
    "", ESC + "[?7l", ESC + "[4h", ESC + "(0", "\u4e16\u754c\u4e16", ESC + "[31;1m", ESC + "[999;1H", ESC + "[5;10r",
    ESC + "[?1049h", "\r\n\r\n", ESC + "[3;70H", ESC + "[2;4r" + ESC + "[9;1H", ESC + "[1;999H",
    ESC + "[1;999Hx", ESC + "[999;999Hx", ESC + "[1;999H\u4e16", ESC + "[?7h", ESC + "[4l", ESC + "[2J"
  };
  private static final String[] REPEATED = {"x", "q", "\u4e16", "e\u0301", "\u00e9", " "};

  @Test
  void repeatingIsPrintingTheCharacterThatManyTimes() {
    Random random = new Random(29);
    for (int round = 0; round < 6_000; round++) {
      String character = REPEATED[random.nextInt(REPEATED.length)];
      // A wide character does not print on one column: REP would repeat the one before it.
      int columns = (character.equals("\u4e16") ? 2 : 1) + random.nextInt(90);
      int rows = 1 + random.nextInt(30);
      // CAN ends whatever sequence the random stream left open: what follows is read the same both ways.
      byte[] prefix = (new String(RandomStreams.stream(random, random.nextInt(300)), StandardCharsets.ISO_8859_1) + "\u0018")
          .getBytes(StandardCharsets.ISO_8859_1);
      String setup = SETUP[random.nextInt(SETUP.length)] + SETUP[random.nextInt(SETUP.length)];
      int times = switch (random.nextInt(5)) {
        case 0 -> 1 + random.nextInt(columns * rows);
        case 1 -> columns * rows + random.nextInt(3 * columns * rows + 3);
        default -> 1 + random.nextInt(3 * columns + 2);
      };

      TerminalEmulator repeated = TerminalEmulator.create(columns, rows);
      repeated.feed(prefix);
      repeated.feed((setup + character + ESC + "[" + times + "b").getBytes(StandardCharsets.UTF_8));
      TerminalEmulator printed = TerminalEmulator.create(columns, rows);
      printed.feed(prefix);
      // REP repeats the last character printed: for "e\u0301", the e (the mark joined it, it was not printed).
      String last = character.equals("e\u0301") ? "e" : character;
      printed.feed((setup + character + last.repeat(times)).getBytes(StandardCharsets.UTF_8));
      assertThat(repeated.screen()).as("round %d: %dx%d, %s then %s REP %d", round, columns, rows,
          setup.replace(ESC, "ESC"), character, times).isEqualTo(printed.screen());
    }
  }

  @Test
  void everyRepeatCountsHoweverManyTheScreenHolds() {
    // Where the cursor ends (and the scrollback) depends on all of them: 65,536 b's leave it at
    // column 6 of the last line, a screenful at column 1.
    for (String setup : new String[] {"", ESC + "[1;2r" + ESC + "[2;1H", ESC + "[?1049h"}) {
      TerminalEmulator repeated = TerminalEmulator.create(10, 3);
      repeated.feed((setup + "ab" + ESC + "[65535b").getBytes(StandardCharsets.UTF_8));
      TerminalEmulator printed = TerminalEmulator.create(10, 3);
      printed.feed((setup + "a" + "b".repeat(65_536)).getBytes(StandardCharsets.UTF_8));
      assertThat(repeated.screen()).as(setup.replace(ESC, "ESC")).isEqualTo(printed.screen());
      assertThat(repeated.screen().scrollback()).isEqualTo(printed.screen().scrollback());
    }
    TerminalEmulator tmuxsCase = TerminalEmulator.create(40, 12);
    tmuxsCase.feed(("a" + ESC + "[500bZ").getBytes(StandardCharsets.UTF_8));
    assertThat(tmuxsCase.screen().lines().get(11)).isEqualTo("a".repeat(21) + "Z");
  }
}
