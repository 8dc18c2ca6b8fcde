package dev.cabtrace.replay.player;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.Timeline;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Key handling on a virtual JLine terminal fed scripted input. */
@Timeout(30)
class TerminalPlayerTest {

  private static final long MS = 1_000_000L;

  private static Terminal virtualTerminal(InputStream keys, ByteArrayOutputStream screen) throws IOException {
    return virtualTerminal(keys, screen, "xterm-256color");
  }

  private static Terminal virtualTerminal(InputStream keys, ByteArrayOutputStream screen, String type)
      throws IOException {
    // A terminal on plain streams, with no pty: what the test writes is what the player reads.
    // Raw before the first key arrives, as a real terminal is by the time a person presses one;
    // in cooked mode the line discipline would hold the keys back until a newline.
    Terminal terminal =
        new ExternalTerminal(null, "test", type, keys, screen, StandardCharsets.UTF_8,
            Terminal.SignalHandler.SIG_DFL, true);
    terminal.setSize(new Size(100, 30));
    org.jline.terminal.Attributes attributes = terminal.getAttributes();
    attributes.setControlChar(org.jline.terminal.Attributes.ControlChar.VINTR, 3); // ^C, as stty sets it
    terminal.setAttributes(attributes);
    terminal.enterRawMode();
    terminal.resume();
    return terminal;
  }

  private static TerminalPlayer play(String keys, ByteArrayOutputStream screen, AtomicLong clock) throws IOException {
    Timeline timeline = FrameRendererTest.seedCell();
    try (Terminal terminal = virtualTerminal(new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)), screen)) {
      TerminalPlayer player = TerminalPlayer.create(terminal, timeline, clock::get);
      player.run();
      return player;
    }
  }

  @Test
  void arrowsStepBySpanAndCommaDotTickBy100Ms() throws IOException {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    TerminalPlayer player = play("\033[C\033[C\033[C\033[D..q", screen, new AtomicLong());

    assertThat(player.cursor().selected().kindName()).isEqualTo("adapter_run");
    assertThat(player.cursor().offsetNanos()).isEqualTo(200 * MS);
    String raw = screen.toString(StandardCharsets.UTF_8);
    assertThat(withoutEscapes(raw)).contains("space play/pause").contains("Selected");
    // Leaving restores the terminal: back from the alternate screen, cursor visible.
    assertThat(raw).startsWith("\033[?1049h").endsWith("\033[?1049l").contains("25h");
  }

  @Test
  void ctrlCQuitsAndRestoresTheTerminalWithACursorUnderScreenAndTmuxToo() throws IOException {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    java.io.PipedOutputStream keys = new java.io.PipedOutputStream();
    TerminalPlayer player;
    // The line discipline raises SIGINT for Ctrl-C, as a real terminal's does in raw mode.
    try (Terminal terminal = virtualTerminal(new java.io.PipedInputStream(keys), screen, "screen")) {
      player = TerminalPlayer.create(terminal, FrameRendererTest.seedCell(), new AtomicLong()::get);
      java.util.concurrent.CompletableFuture<Void> running = java.util.concurrent.CompletableFuture.runAsync(() -> {
        try {
          player.run();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      // Ctrl-C once the player handles it: it switches to the alternate screen after that.
      while (!screen.toString(StandardCharsets.UTF_8).contains("\033[?1049h")) {
        Thread.onSpinWait();
      }
      keys.write(3);
      keys.close();
      running.join();
    }

    assertThat(player.interrupted()).isTrue();
    String raw = screen.toString(StandardCharsets.UTF_8);
    // screen's cnorm; its cvvis (\e[34l) would leave the cursor hidden.
    assertThat(raw).endsWith("\033[34h\033[?25h\033[?1049l");
    assertThat(play("q", new ByteArrayOutputStream(), new AtomicLong()).interrupted()).isFalse();
  }

  @Test
  void steppingPastBothEndsStaysPut() throws IOException {
    TerminalPlayer atStart = play("\033[D\033[D,,q", new ByteArrayOutputStream(), new AtomicLong());
    assertThat(atStart.cursor().selected().kindName()).isEqualTo("task_setup");
    assertThat(atStart.cursor().offsetNanos()).isZero();

    TerminalPlayer atEnd = play("G\033[C\033[C..q", new ByteArrayOutputStream(), new AtomicLong());
    assertThat(atEnd.cursor().selected().kindName()).isEqualTo("cleanup");
    assertThat(atEnd.cursor().offsetNanos()).isEqualTo(atEnd.cursor().timeline().durationNanos());

    TerminalPlayer home = play("G\033[Hq", new ByteArrayOutputStream(), new AtomicLong());
    assertThat(home.cursor().offsetNanos()).isZero();
    TerminalPlayer speed = play("+++-q", new ByteArrayOutputStream(), new AtomicLong());
    assertThat(speed.cursor().speed()).isEqualTo(4.0);
  }

  @Test
  void playRunsToTheEndAndStops() throws IOException, InterruptedException {
    Timeline timeline = FrameRendererTest.seedCell();
    CountDownLatch reachedEnd = new CountDownLatch(1);
    AtomicLong now = new AtomicLong();
    // A virtual clock: every reading is 10 s later; once past the cell's end it lets the 'q' through.
    AtomicLong readings = new AtomicLong();
    dev.cabtrace.replay.timeline.ReplayClock clock = () -> {
      long t = now.addAndGet(10_000 * MS);
      if (readings.incrementAndGet() > 2 && t >= timeline.durationNanos()) {
        reachedEnd.countDown();
      }
      return t;
    };
    InputStream keys = new InputStream() {
      private final byte[] script = {' ', 'q'};
      private int next;

      @Override
      public int read() throws IOException {
        if (next == 1) {
          try {
            if (!reachedEnd.await(20, TimeUnit.SECONDS)) {
              return -1;
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
          }
        }
        return next < script.length ? script[next++] : -1;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int b = read();
        if (b < 0) {
          return -1;
        }
        buffer[offset] = (byte) b;
        return 1;
      }
    };
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    TerminalPlayer player;
    try (Terminal terminal = virtualTerminal(keys, screen)) {
      player = TerminalPlayer.create(terminal, timeline, clock);
      player.run();
    }
    assertThat(player.cursor().isPlaying()).isFalse();
    assertThat(player.cursor().offsetNanos()).isEqualTo(timeline.durationNanos());
    String shown = withoutEscapes(screen.toString(StandardCharsets.UTF_8));
    // Only what changes is redrawn, so the screen shows play starting; the cursor shows the end.
    assertThat(shown).contains("▶ playing");
  }

  @Test
  void aResizedTerminalIsRedrawnAtItsNewSize() throws IOException {
    Timeline timeline = FrameRendererTest.seedCell();
    java.util.concurrent.atomic.AtomicReference<Terminal> terminal = new java.util.concurrent.atomic.AtomicReference<>();
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    // Once the first frame is on the screen, the window shrinks, as when a person resizes it; the
    // next key makes the player look again, and the frame it draws must fit the new size.
    InputStream keys = new InputStream() {
      private final byte[] script = {'.', 'q'};
      private int next;

      @Override
      public int read() {
        if (next == 0) {
          long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
          while (!withoutEscapes(screen.toString(StandardCharsets.UTF_8)).contains(FrameRenderer.LEGEND)
              && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
          }
          terminal.get().setSize(new Size(60, 20));
        }
        return next < script.length ? script[next++] : -1;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) {
        int b = read();
        if (b < 0) {
          return -1;
        }
        buffer[offset] = (byte) b;
        return 1;
      }
    };
    try (Terminal virtual = virtualTerminal(keys, screen)) {
      terminal.set(virtual);
      TerminalPlayer.create(virtual, timeline, new AtomicLong()::get).run();
    }
    String shown = withoutEscapes(screen.toString(StandardCharsets.UTF_8));
    // At 100 columns the legend fits whole; at 60 it is cut with an ellipsis.
    assertThat(shown).contains(FrameRenderer.LEGEND);
    assertThat(shown).contains(FrameRenderer.LEGEND.substring(0, 59) + "…");
  }

  @Test
  void aHostileRecordingReachesTheTerminalOnlyAsTextAndThePlayersOwnSequences() throws IOException {
    Timeline timeline = TerminalTimelines.withPty(40, 6, 10, TerminalTimelines.HOSTILE);
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    try (Terminal terminal = virtualTerminal(new ByteArrayInputStream("G.q".getBytes(StandardCharsets.UTF_8)), screen)) {
      TerminalPlayer.create(terminal, timeline, new AtomicLong()::get).run();
    }
    String raw = screen.toString(StandardCharsets.UTF_8);
    // The pane drew the recorded screen: the title as text, "ok" in bold red on the alternate screen.
    assertThat(raw).contains("alternate screen · evil").contains("\u001b[31;1mok");
    assertThat(raw.chars()).noneMatch(c -> (c < 0x20 && c != 0x1b && c != '\r' && c != '\n' && c != '\b') || (c >= 0x7f && c <= 0x9f));
    // Every escape is a control sequence JLine's display uses: moves, erases, styles, its own modes.
    java.util.regex.Matcher escape = java.util.regex.Pattern.compile("\u001b(\\[(\\??)([0-9;]*)([@-~]))?").matcher(raw);
    java.util.Set<String> privateModes = new java.util.TreeSet<>();
    while (escape.find()) {
      assertThat(escape.group(1)).as("escape at %d: %s", escape.start(), raw.substring(escape.start(), Math.min(raw.length(), escape.start() + 12)))
          .isNotNull();
      if (escape.group(2).isEmpty()) {
        assertThat(escape.group(4)).isIn("m", "A", "B", "C", "D", "G", "H", "J", "K", "@", "P", "X");
      } else {
        assertThat(escape.group(4)).isIn("h", "l");
        privateModes.addAll(List.of(escape.group(3).split(";")));
      }
    }
    assertThat(privateModes).isSubsetOf("1049", "25", "12", "1");
  }

  /** The text a person would read: cursor moves and styles taken out. */
  private static String withoutEscapes(String output) {
    return output.replaceAll("\u001b\\[[0-9;?]*[ -/]*[@-~]", "");
  }
}
