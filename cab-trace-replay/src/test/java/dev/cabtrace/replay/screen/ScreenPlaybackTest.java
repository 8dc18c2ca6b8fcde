package dev.cabtrace.replay.screen;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.SpanEvent;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScreenPlaybackTest {

  private static final long T0 = 1_781_680_663_000_000_000L;
  private static final long MS = 1_000_000L;

  /** A span from T0 to T0 + 10 s whose output events are added by the caller. */
  private static TimelineSpan.Builder container() {
    return TimelineSpan.builder().setTraceId(1, 1).setSpanId(2).setName("run")
        .putAttribute("cab.span.kind", "container")
        .setStartEpochNanos(T0 + 5 * MS).setEndEpochNanos(T0 + 10_000 * MS);
  }

  private static TimelineSpan.Builder output(TimelineSpan.Builder span, long atMs, String stream, String text) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("cab.output.stream", stream);
    attributes.put("cab.output.data", text);
    return span.addEvent(new SpanEvent(T0 + atMs * MS, "cab.output", attributes));
  }

  private static TimelineSpan.Builder bytes(TimelineSpan.Builder span, long atMs, String stream, byte[] bytes) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("cab.output.stream", stream);
    attributes.put("cab.output.data", Base64.getEncoder().encodeToString(bytes));
    attributes.put("cab.output.encoding", "base64");
    return span.addEvent(new SpanEvent(T0 + atMs * MS, "cab.output", attributes));
  }

  private static Timeline timeline(TimelineSpan.Builder container) {
    TimelineBuilder builder = new TimelineBuilder("test");
    // The root starts first, so offsets count from its start, not the container's.
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("cell")
        .setStartEpochNanos(T0).setEndEpochNanos(T0 + 10_000 * MS), 0);
    container.setParentSpanId(1);
    builder.add(container, 0);
    return builder.build();
  }

  @Test
  void ptyBytesAreFedAsTheyAreAtTheRecordedSize() {
    TimelineSpan.Builder span = container().putAttribute("cab.terminal.columns", 20L).putAttribute("cab.terminal.rows", 4L);
    output(span, 100, "pty", "\u001b[2J\u001b[Hfirst\n");
    output(span, 200, "pty", "x\u001b[31mred\u001b[0m");
    bytes(span, 300, "pty", new byte[] {'\r', '\n', (byte) 0xff, 'z'});
    ScreenPlayback playback = ScreenPlayback.of(timeline(span));

    assertThat(playback.isEmpty()).isFalse();
    assertThat(playback.columns()).isEqualTo(20);
    assertThat(playback.rows()).isEqualTo(4);
    assertThat(playback.screenAt(99 * MS).lines()).containsExactly("", "", "", "");
    // A pty's LF moves down without returning: the bytes are the terminal's own.
    assertThat(playback.screenAt(100 * MS).lines()).containsExactly("first", "", "", "");
    assertThat(playback.screenAt(250 * MS).lines()).containsExactly("first", "     xred", "", "");
    assertThat(playback.screenAt(250 * MS).cell(1, 6).style().foreground()).isEqualTo(1);
    assertThat(playback.screenAt(Long.MAX_VALUE).lines()).containsExactly("first", "     xred", "\ufffdz", "");
    // Backwards again.
    assertThat(playback.screenAt(100 * MS).lines()).containsExactly("first", "", "", "");
  }

  @Test
  void pipedStreamsGetACarriageReturnBeforeEachLoneLineFeed() {
    TimelineSpan.Builder span = container();
    output(span, 10, "stdout", "building\n");
    output(span, 20, "stderr", "warning: x\r\n");
    output(span, 30, "stdout", "\ntests passed\n");
    ScreenPlayback playback = ScreenPlayback.of(timeline(span));

    Screen screen = playback.screenAt(30 * MS);
    assertThat(screen.lines().subList(0, 5)).containsExactly("building", "warning: x", "", "tests passed", "");
    assertThat(screen.cursorRow()).isEqualTo(4);
    assertThat(screen.cursorColumn()).isZero();
  }

  @Test
  void withoutARecordedSizeTheScreenIs80By24() {
    TimelineSpan.Builder span = container();
    output(span, 10, "stdout", "x".repeat(100));
    ScreenPlayback playback = ScreenPlayback.of(timeline(span));

    assertThat(playback.columns()).isEqualTo(80);
    assertThat(playback.rows()).isEqualTo(24);
    assertThat(playback.screenAt(10 * MS).lines().subList(0, 2)).containsExactly("x".repeat(80), "x".repeat(20));
  }

  @Test
  void theSizeComesFromASizedContainerWhenTheSpanWithOutputHasNone() {
    TimelineBuilder builder = new TimelineBuilder("test");
    builder.add(container().setSpanId(1).putAttribute("cab.terminal.columns", "100").putAttribute("cab.terminal.rows", "30"), 0);
    TimelineSpan.Builder tool = TimelineSpan.builder().setTraceId(1, 1).setSpanId(3).setParentSpanId(1).setName("bash")
        .putAttribute("cab.span.kind", "tool_call").setStartEpochNanos(T0 + 10 * MS).setEndEpochNanos(T0 + 20 * MS);
    output(tool, 15, "stdout", "x\n");
    builder.add(tool, 0);
    ScreenPlayback playback = ScreenPlayback.of(builder.build());

    // Strings, as Zipkin carries every attribute, count too.
    assertThat(playback.columns()).isEqualTo(100);
    assertThat(playback.rows()).isEqualTo(30);
  }

  @Test
  void aSizeAboveTheLimitIsTheLimitAndNoneAtAllIs80By24() {
    TimelineSpan.Builder span = container().putAttribute("cab.terminal.columns", 100_000L).putAttribute("cab.terminal.rows", -3L);
    output(span, 10, "pty", "x");
    ScreenPlayback playback = ScreenPlayback.of(timeline(span));

    assertThat(playback.columns()).isEqualTo(1000);
    assertThat(playback.rows()).isEqualTo(24);

    TimelineSpan.Builder tall = container().putAttribute("cab.terminal.columns", 120L).putAttribute("cab.terminal.rows", "1001");
    output(tall, 10, "pty", "x");
    assertThat(TerminalSize.of(timeline(tall))).isEqualTo(new TerminalSize(120, 1000));

    TimelineSpan.Builder unsized = container().putAttribute("cab.terminal.columns", 0L).putAttribute("cab.terminal.rows", 0L);
    output(unsized, 10, "pty", "x");
    assertThat(TerminalSize.of(timeline(unsized))).isEqualTo(new TerminalSize(80, 24));
  }

  @Test
  void aTimelineWithoutOutputIsEmptyAndBlank() {
    ScreenPlayback playback = ScreenPlayback.of(timeline(container()));

    assertThat(playback.isEmpty()).isTrue();
    assertThat(playback.columns()).isEqualTo(80);
    assertThat(playback.screenAt(0).lines()).hasSize(24).allMatch(String::isEmpty);
  }

  @Test
  void chunksAtTheSameMomentAreAllShownInRecordedOrder() {
    TimelineSpan.Builder span = container();
    output(span, 10, "pty", "ab");
    output(span, 10, "pty", "\bc");
    ScreenPlayback playback = ScreenPlayback.of(timeline(span));

    assertThat(playback.screenAt(10 * MS).lines().get(0)).isEqualTo("ac");
    assertThat(playback.screenAt(9 * MS).lines().get(0)).isEmpty();
  }

  @Test
  void carriageReturnsAreAddedOnlyWhereMissing() {
    assertThat(new String(ScreenPlayback.withCarriageReturns("a\nb\r\n\n".getBytes(UTF_8)), UTF_8))
        .isEqualTo("a\r\nb\r\n\r\n");
    byte[] none = "abc\r\n".getBytes(UTF_8);
    assertThat(ScreenPlayback.withCarriageReturns(none)).isSameAs(none);
    assertThat(ScreenPlayback.withCarriageReturns(new byte[] {'\n'})).containsExactly('\r', '\n');
  }
}
