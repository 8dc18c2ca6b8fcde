package dev.cabtrace.replay.screen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TerminalEmulatorFuzzTest {

  @Test
  void randomStreamsLeaveAConsistentScreen() {
    Random random = new Random(20240613L);
    int checked = 0;
    for (int i = 0; i < 10_000; i++) {
      int columns = 1 + random.nextInt(30);
      int rows = 1 + random.nextInt(12);
      byte[] stream = RandomStreams.stream(random, 1024);
      TerminalEmulator terminal = TerminalEmulator.create(columns, rows);
      int position = 0;
      while (position < stream.length) {
        int length = Math.min(stream.length - position, 1 + random.nextInt(256));
        terminal.feed(stream, position, length);
        position += length;
        if (random.nextInt(20) == 0) {
          columns = 1 + random.nextInt(30);
          rows = 1 + random.nextInt(12);
          terminal.resize(columns, rows);
        }
        if (random.nextInt(8) == 0) {
          check(terminal.screen(), columns, rows, i);
          checked++;
        }
      }
      Screen end = terminal.screen();
      check(end, columns, rows, i);
      checked++;
      if (end.scrollback().size() > TerminalState.SCROLLBACK_LIMIT) {
        fail(i, "scrollback size", end);
      }
      if (terminal.bytesFed() != stream.length) {
        fail(i, "bytesFed", end);
      }
    }
    assertThat(checked).isGreaterThan(10_000);
  }

  private static void check(Screen screen, int columns, int rows, int stream) {
    if (screen.columns() != columns || screen.rows() != rows) {
      fail(stream, "size", screen);
    }
    List<String> lines = screen.lines();
    if (lines.size() != rows) {
      fail(stream, "line count", screen);
    }
    if (screen.cursorRow() < 0 || screen.cursorRow() >= rows
        || screen.cursorColumn() < 0 || screen.cursorColumn() >= columns) {
      fail(stream, "cursor", screen);
    }
    StringBuilder text = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      text.setLength(0);
      for (int c = 0; c < columns; c++) {
        ScreenCell cell = screen.cell(r, c);
        boolean good;
        if (cell.width() == 2) {
          good = c + 1 < columns && screen.cell(r, c + 1).width() == 0;
        } else if (cell.width() == 0) {
          good = c > 0 && screen.cell(r, c - 1).width() == 2 && cell.text().isEmpty();
        } else {
          good = cell.width() == 1 && !cell.text().isEmpty();
        }
        if (!good) {
          fail(stream, "cell " + r + "," + c, screen);
        }
        text.append(cell.text());
      }
      int end = text.length();
      while (end > 0 && text.charAt(end - 1) == ' ') {
        end--;
      }
      String line = lines.get(r);
      if (!line.contentEquals(text.subSequence(0, end)) || displayWidth(line) > columns) {
        fail(stream, "line " + r, screen);
      }
    }
    if (!isSafe(screen.toAnsi())) {
      fail(stream, "toAnsi " + screen.toAnsi(), screen);
    }
    if (!isSafe(screen.title()) || screen.title().indexOf('\n') >= 0) {
      fail(stream, "title", screen);
    }
  }

  /** Only printable characters, "\n", and ESC [ digits-and-semicolons m. */
  private static boolean isSafe(String ansi) {
    for (int i = 0; i < ansi.length(); i++) {
      char c = ansi.charAt(i);
      if (c == 0x1b) {
        if (i + 1 >= ansi.length() || ansi.charAt(i + 1) != '[') {
          return false;
        }
        i += 2;
        while (i < ansi.length() && (Character.isDigit(ansi.charAt(i)) || ansi.charAt(i) == ';')) {
          i++;
        }
        if (i >= ansi.length() || ansi.charAt(i) != 'm') {
          return false;
        }
      } else if ((c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f)) {
        return false;
      }
    }
    return true;
  }

  private static int displayWidth(String line) {
    int width = 0;
    for (int i = 0; i < line.length(); ) {
      int codePoint = line.codePointAt(i);
      int w = CharWidth.of(codePoint);
      if (w < 0) {
        return Integer.MAX_VALUE;
      }
      width += w;
      i += Character.charCount(codePoint);
    }
    return width;
  }

  private static void fail(int stream, String what, Screen screen) {
    throw new AssertionError("stream " + stream + ": bad " + what + " in " + screen);
  }
}
