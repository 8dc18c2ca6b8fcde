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
  void theSeedCellWithTheContainerSelectedDrawsThisScreen() throws IOException {
    Timeline timeline = seedCell();
    ReplayCursor cursor = timeline.cursor();
    cursor.stepSpanForward().stepSpanForward().stepSpanForward().stepSpanForward().tickForward().tickForward();

    String screen = text(FrameRenderer.render(timeline, cursor.frame(), null, 100, 24, false, 1));

    // Written by hand: 33 columns of labels, then 65 of bars over 85.46 s (1.3 s a column), the
    // cursor at 200 ms in column 0; the cleanup span starts in the last column. The attributes go
    // on to a second line without losing a character ("...openhands_run.py" then "\", \"-t\"").
    assertThat(screen).isEqualTo("""
        cab-trace replay · expansion-20260616/openhands/qwen/qwen3-next-80b-a3b-instruct/polygl… ⏸ paused 1×
        t = 200 ms / 85.46 s   active 2 · finished 2 · not started 1
        Spans (5)                          0                                                         85.46 s
          task_setup prepare:polyglot/ru…  ┃
          adapter_run openhands:polyglot…  ┃━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━
            tool_call applied_plugins      ┃
        >   container openhands:run        ┃━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━
          cleanup cleanup:openhands        ┃                                                               ━







        Selected
          container · openhands:run · 85455 ms · starts at 1 ms
          image="codingagentbench/openhands:1.7.0"  command=["/app/.venv/bin/python", "/opt/openhands_run.py
          ", "-t", "Function uses unwrap on user input; replace with proper Result propagation", "--workspa…
        Model calls 0/0 · tokens so far: in 0 · out 0 · total 0



        space play/pause · ←/→ step span · ,/. step 100 ms · g/G start/end · +/- speed · q quit
        """);
  }

  @Test
  void tokensSoFarSayHowManyCallsReportedNoUsage() {
    TimelineBuilder builder = new TimelineBuilder("calls");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("chat m")
        .setStartEpochNanos(1_000_000_000L).setEndEpochNanos(2_000_000_000L)
        .setAttributes(java.util.Map.of("cab.span.kind", "model_call", "gen_ai.usage.input_tokens", 40L,
            "gen_ai.usage.output_tokens", 2L)), 0);
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(2).setName("chat m")
        .setStartEpochNanos(3_000_000_000L).setEndEpochNanos(4_000_000_000L)
        .setAttributes(java.util.Map.of("cab.span.kind", "model_call")), 0);
    Timeline timeline = builder.build();

    String screen = text(FrameRenderer.render(timeline, timeline.frame(timeline.durationNanos()), null, 100, 24,
        false, 1));

    assertThat(screen).contains("Model calls 2/2 · tokens so far: in 40 · out 2 · total 42 (1 without usage)");
  }

  @Test
  void aTimelineOverCenturiesDrawsItsBarsAndCursorWhereTheyAre() {
    // A span with a wild start (an unset clock) 54 years after another: offset × width overflows a long.
    TimelineBuilder builder = new TimelineBuilder("wide");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("early")
        .setStartEpochNanos(1_000_000_000L).setEndEpochNanos(2_000_000_000L), 0);
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(2).setName("late")
        .setStartEpochNanos(1_700_000_000_000_000_000L).setEndEpochNanos(1_700_000_001_000_000_000L), 0);
    Timeline timeline = builder.build();
    List<String> lines = text(FrameRenderer.render(timeline, timeline.frame(timeline.durationNanos()), null, 100, 24,
        false, 1)).lines().toList();
    String early = lines.stream().filter(l -> l.contains(" early")).findFirst().orElseThrow();
    String late = lines.stream().filter(l -> l.contains(" late")).findFirst().orElseThrow();
    int barsStart = early.indexOf("early") + "early".length();
    // At the end: the cursor in the last column, the early span a bar in the first, the late one in the last.
    assertThat(early.substring(barsStart).strip()).startsWith("━").endsWith("┃");
    assertThat(late.stripTrailing()).endsWith("┃");
    assertThat(early.substring(barsStart).indexOf('━')).isLessThan(early.substring(barsStart).indexOf('┃'));
  }

  @Test
  void theSelectedSpansAttributesWrapWithoutLosingACharacter() {
    TimelineBuilder builder = new TimelineBuilder("wrap");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("s")
        .putAttribute("k", "abcdefghijklmnopqrstuvwxyz0123456789").setStartEpochNanos(0).setEndEpochNanos(10), 0);
    Timeline timeline = builder.build();

    List<String> lines = text(FrameRenderer.render(timeline, timeline.cursor().stepSpanForward().frame(), null, 20, 16, false, 1))
        .lines().toList();
    int selected = lines.indexOf("Selected");
    assertThat(lines.subList(selected + 2, selected + 4))
        .containsExactly("  k=\"abcdefghijklmno", "  pqrstuvwxyz012345…");
  }

  @Test
  void wideCharactersTakeTwoColumnsAndAreNeverSplit() {
    assertThat(FrameRenderer.fit("世界", 6)).isEqualTo("世界  ");
    assertThat(FrameRenderer.fit("世界世界", 6)).isEqualTo("世界… ");
    assertThat(FrameRenderer.fit("ab😀cd", 5)).isEqualTo("ab😀…");
    assertThat(FrameRenderer.fit("ab😀cd", 4)).isEqualTo("ab… ");
    assertThat(FrameRenderer.fit("e\u0301e\u0301", 3)).isEqualTo("e\u0301e\u0301 ");

    TimelineBuilder builder = new TimelineBuilder("wide");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("构建 😀 测试".repeat(10))
        .putAttribute("k", "值".repeat(300)).setStartEpochNanos(0).setEndEpochNanos(10), 0);
    Timeline timeline = builder.build();
    for (int width : new int[] {20, 41, 80, 121}) {
      List<AttributedString> lines = FrameRenderer.render(timeline, timeline.cursor().stepSpanForward().frame(), null, width, 24, false, 1);
      assertThat(lines).allSatisfy(line -> assertThat(line.columnLength()).as(line.toString()).isLessThanOrEqualTo(width));
      assertThat(lines).allSatisfy(line -> assertThat(line.toString().codePoints())
          .noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE));
      // Every line but the empty ones fills the width exactly: the gantt bars stay aligned.
      assertThat(lines.get(3).columnLength()).isEqualTo(width);
    }
  }

  @Test
  void fillsExactlyTheScreenAtAnySize() throws IOException {
    Timeline timeline = seedCell();
    for (int[] size : new int[][] {{20, 10}, {80, 24}, {200, 60}, {10, 4}, {60, 8}, {20, 5}, {5, 1}}) {
      List<AttributedString> lines = FrameRenderer.render(timeline, timeline.frame(0), null, size[0], size[1], true, 2);
      assertThat(lines).hasSize(size[1]);
      assertThat(lines).allSatisfy(line -> assertThat(line.columnLength()).isLessThanOrEqualTo(size[0]));
      assertThat(lines.get(0).toString()).startsWith((size[1] > 1 ? "cab-tr" : "space").substring(0, Math.min(5, size[0])));
      assertThat(lines.get(size[1] - 1).toString()).startsWith("space play/pause".substring(0, Math.min(16, size[0])));
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
    // What it costs is ReplayBenchmark's to print; here, that the frame drawn is the one in view.
    List<String> lines = FrameRenderer.render(big, cursor.frame(), null, 120, 40, false, 1).stream()
        .map(AttributedString::toString).toList();
    assertThat(lines).hasSize(40);
    assertThat(lines.get(0)).startsWith("cab-trace replay · big");
    assertThat(lines.get(2)).startsWith("Spans (1000000)");
    assertThat(String.join("\n", lines)).contains("  unknown s499996 ").contains("  unknown s500000 ")
        .doesNotContain(" s1 ").doesNotContain(" s1000000 ");
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
  void onAShortScreenThePaneShowsTheRowsItHasRoomForAroundTheCursor() {
    Timeline timeline = TerminalTimelines.withPty(30, 4,
        100, "$ make\r\ncompiling\r\n",
        300, "\u001b[1A\u001b[2K\rlinked\r\n$ ");
    Screen at300 = ScreenPlayback.of(timeline).screenAt(300 * TerminalTimelines.MS);

    List<AttributedString> lines = FrameRenderer.render(timeline, timeline.frame(300 * TerminalTimelines.MS), at300, 100, 16,
        false, 1);

    assertThat(lines).hasSize(16);
    assertThat(lines.get(15).toString()).startsWith("space play/pause");
    assertThat(paneOf(lines)).containsExactly("Terminal at t · 30×4", "  linked", "  $");
  }

  @Test
  void aFlagOrSkinToneOnTheScreenIsOneColumnToEveryTerminal() {
    Timeline timeline = TerminalTimelines.withPty(30, 4, 100, "flag \uD83C\uDDFA\uD83C\uDDF8 tone \uD83C\uDFFD\r\n");
    Screen at100 = ScreenPlayback.of(timeline).screenAt(100 * TerminalTimelines.MS);

    List<String> pane = paneOf(FrameRenderer.render(timeline, timeline.frame(100 * TerminalTimelines.MS), at100, 100, 24,
        false, 1));

    assertThat(pane.get(1)).startsWith("  flag ").doesNotContain("\uD83C").contains("tone");
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
