package dev.cabtrace.replay.player;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.screen.Screen;
import dev.cabtrace.replay.screen.ScreenPlayback;
import dev.cabtrace.replay.timeline.ReplayCursor;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

class FrameRendererTest {

  static Timeline seedCell() throws IOException {
    try (InputStream in = FrameRendererTest.class.getResourceAsStream("/dev/cabtrace/replay/read/seed-cell.otlp.jsonl")) {
      return TraceReader.create().read(in, "seed-cell.otlp.jsonl");
    }
  }

  private static String text(List<AttributedString> lines) {
    return lines.stream().map(AttributedString::toString).map(String::stripTrailing).collect(Collectors.joining("\n")) + "\n";
  }

  @Test
  void theSeedCellWithTheContainerSelectedMatchesTheGoldenScreen() throws IOException {
    Timeline timeline = seedCell();
    ReplayCursor cursor = timeline.cursor();
    cursor.stepSpanForward().stepSpanForward().stepSpanForward().stepSpanForward().tickForward().tickForward();

    String screen = text(FrameRenderer.render(timeline, cursor.frame(), null, 100, 24, false, 1));

    Path golden = Path.of("src/test/resources/dev/cabtrace/replay/player/seed-container-100x24.txt");
    if (Boolean.getBoolean("cabtrace.updateGolden")) {
      Files.writeString(golden, screen);
    }
    try (InputStream in = getClass().getResourceAsStream("seed-container-100x24.txt")) {
      assertThat(in).as("golden screen").isNotNull();
      assertThat(screen).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertThat(screen).contains("t = 200 ms / 85.46 s").contains("container · openhands:run · 85455 ms");
  }

  @Test
  void fillsExactlyTheScreenAtAnySize() throws IOException {
    Timeline timeline = seedCell();
    for (int[] size : new int[][] {{20, 10}, {80, 24}, {200, 60}}) {
      List<AttributedString> lines = FrameRenderer.render(timeline, timeline.frame(0), null, size[0], size[1], true, 2);
      assertThat(lines).hasSize(size[1]);
      assertThat(lines).allSatisfy(line -> assertThat(line.columnLength()).isLessThanOrEqualTo(size[0]));
      assertThat(lines.get(0).toString()).contains("▶ playing 2×");
      assertThat(lines.get(size[1] - 1).toString()).startsWith("space play/pause");
    }
  }

  @Test
  void drawsOnlyWhatFitsSoAMillionSpansCostTheSameAsTen() {
    TimelineBuilder builder = new TimelineBuilder("big");
    for (int i = 1; i <= 1_000_000; i++) {
      builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(i).setName("s" + i)
          .setStartEpochNanos(i * 1_000L).setEndEpochNanos(i * 1_000L + 5_000), 0);
    }
    Timeline big = builder.build();
    ReplayCursor cursor = big.cursor().seek(500_000_000L);
    // Warm up, then time: a frame of a million spans must draw in well under 16 ms.
    for (int i = 0; i < 200; i++) {
      FrameRenderer.render(big, cursor.frame(), null, 120, 40, false, 1);
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 50; i++) {
      long start = System.nanoTime();
      List<AttributedString> lines = FrameRenderer.render(big, cursor.frame(), null, 120, 40, false, 1);
      best = Math.min(best, System.nanoTime() - start);
      assertThat(lines).hasSize(40);
    }
    assertThat(best).as("ns to draw a frame of 1,000,000 spans").isLessThan(16_000_000L);
  }

  @Test
  void namesFromTheTraceCannotDriveTheTerminal() {
    TimelineBuilder builder = new TimelineBuilder("evil");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("\u001b]0;pwned\u0007\u009b2J")
        .putAttribute("k", "\u001b[31mred").setStartEpochNanos(0).setEndEpochNanos(10), 0);
    Timeline evil = builder.build();
    ReplayCursor cursor = evil.cursor().stepSpanForward();

    String screen = text(FrameRenderer.render(evil, cursor.frame(), null, 100, 20, false, 1));
    assertThat(screen.chars()).noneMatch(c -> c == 0x1b || c == 0x07 || (c >= 0x80 && c <= 0x9f));
    assertThat(screen).contains("\\e]0;pwned\\x07\\u009b2J");
  }

  @Test
  void theTerminalPaneShowsTheEmulatedScreenAtT() {
    Timeline timeline = TerminalTimelines.withPty(30, 4,
        100, "\u001b]0;build\u0007$ make\r\ncompiling \u001b[32mok\u001b[0m\r\n",
        300, "\u001b[1A\u001b[2K\rlinked\r\n$ ");
    Screen at200 = ScreenPlayback.of(timeline).screenAt(200 * TerminalTimelines.MS);
    Screen at300 = ScreenPlayback.of(timeline).screenAt(300 * TerminalTimelines.MS);

    List<String> before = paneOf(FrameRenderer.render(timeline, timeline.frame(200 * TerminalTimelines.MS), at200, 100, 24, false, 1));
    List<String> after = paneOf(FrameRenderer.render(timeline, timeline.frame(300 * TerminalTimelines.MS), at300, 100, 24, false, 1));

    assertThat(before).containsExactly(
        "Terminal at t · 30×4 · build",
        "  $ make",
        "  compiling ok",
        "",
        "");
    // The second chunk moved up, erased the line and wrote over it: a screen, not a log.
    assertThat(after).containsExactly(
        "Terminal at t · 30×4 · build",
        "  $ make",
        "  linked",
        "  $",
        "");
  }

  @Test
  void aTimelineWithoutOutputHasNoTerminalPane() throws IOException {
    String screen = text(FrameRenderer.render(seedCell(), seedCell().frame(0), null, 100, 24, false, 1));
    assertThat(screen).doesNotContain("Terminal at t");
  }

  @Test
  void hostileOutputReachesTheScreenOnlyAsTextAndGeneratedStyles() {
    Timeline timeline = TerminalTimelines.withPty(40, 5, 10, TerminalTimelines.HOSTILE);
    Screen screen = ScreenPlayback.of(timeline).screenAt(10 * TerminalTimelines.MS);
    List<AttributedString> lines = FrameRenderer.render(timeline, timeline.frame(10 * TerminalTimelines.MS), screen, 100, 24, false, 1);

    String ansi = lines.stream().map(AttributedString::toAnsi).collect(Collectors.joining("\n"));
    assertThat(ansi).containsPattern("\u001b\\[[0-9;]*m");
    assertThat(java.util.regex.Pattern.compile("\u001b(?!\\[[0-9;]*m)").matcher(ansi).find()).as(ansi).isFalse();
    assertThat(ansi.chars()).noneMatch(c -> (c < 0x20 && c != 0x1b && c != '\n') || (c >= 0x7f && c <= 0x9f));
    assertThat(text(lines)).contains("Terminal at t · 40×5 · alternate screen · evil").contains("  ok\n");
  }

  /** The terminal pane of a rendered screen, trailing spaces cut: its heading and the lines under it. */
  private static List<String> paneOf(List<AttributedString> lines) {
    List<String> texts = lines.stream().map(AttributedString::toString).toList();
    int heading = 0;
    while (!texts.get(heading).startsWith("Terminal at t")) {
      heading++;
    }
    return texts.subList(heading, texts.size() - 1).stream().map(String::stripTrailing).toList();
  }
}
