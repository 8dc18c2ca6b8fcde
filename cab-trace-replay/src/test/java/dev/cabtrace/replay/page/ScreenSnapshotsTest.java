package dev.cabtrace.replay.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.screen.CellStyle;
import dev.cabtrace.replay.screen.ScreenRecording;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScreenSnapshotsTest {

  private static final long MS = 1_000_000L;
  private static final long TICK = 100 * MS;
  private static final long[] NO_SPANS = {};

  @Test
  void oneMomentPerTickAtItsLastChunk() {
    // (0, 100] holds 10, 60 and 100 ms; (100, 200] holds 101 ms; (200, 300] holds 250 ms.
    assertThat(ScreenSnapshots.moments(List.of(10 * MS, 60 * MS, 100 * MS, 101 * MS, 250 * MS), TICK, NO_SPANS))
        .containsExactly(100 * MS, 101 * MS, 250 * MS);
    assertThat(ScreenSnapshots.moments(List.of(0L, 0L), TICK, NO_SPANS)).containsExactly(0L);
    assertThat(ScreenSnapshots.moments(List.of(), TICK, NO_SPANS)).isEmpty();
  }

  @Test
  void aSpanStartBetweenTwoChunksOfOneTickIsAMomentToo() {
    // A span starts at 20 ms: stopped there, a replay shows the screen after the chunk at 10 ms.
    assertThat(ScreenSnapshots.moments(List.of(10 * MS, 90 * MS), TICK, new long[] {0, 20 * MS, 95 * MS}))
        .containsExactly(10 * MS, 90 * MS);
    // One that starts with a chunk shows it; one after the tick's last chunk shows what the tick's end does.
    assertThat(ScreenSnapshots.moments(List.of(10 * MS, 40 * MS, 90 * MS), TICK, new long[] {40 * MS, 95 * MS}))
        .containsExactly(40 * MS, 90 * MS);
  }

  @Test
  void thinningKeepsTheFirstAndLastEvenlySpread() {
    List<Long> moments = List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(ScreenSnapshots.thin(moments, 3)).containsExactly(0L, 5L, 10L);
    assertThat(ScreenSnapshots.thin(moments, 11)).isEqualTo(moments);
    assertThat(ScreenSnapshots.thin(moments, 6)).containsExactly(0L, 2L, 4L, 6L, 8L, 10L);
  }

  @Test
  void lineFeedsFromPipesBecomeCrLf() {
    assertThat(new String(OutputRecording.crlf("a\nb\r\nc\n".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
        .isEqualTo("a\r\nb\r\nc\r\n");
  }

  @Test
  void aHugeScreenGetsFewerSnapshotsNotMinutesOfWork() {
    // 1000 x 1000 cells, output in 600 ticks: 50 snapshots fit the cells a page may read.
    ScreenRecording.Builder huge = ScreenRecording.builder(1000, 1000);
    ScreenRecording.Builder usual = ScreenRecording.builder(120, 40);
    for (int i = 0; i < 600; i++) {
      byte[] line = ("line " + i + "\r\n").getBytes(StandardCharsets.UTF_8);
      huge.append(i * TICK, line);
      usual.append(i * TICK, line);
    }

    ScreenSnapshots few = ScreenSnapshots.of(huge.build(), TICK, NO_SPANS, ScreenSnapshots.DEFAULT_MAX_SNAPSHOTS);
    ScreenSnapshots all = ScreenSnapshots.of(usual.build(), TICK, NO_SPANS, ScreenSnapshots.DEFAULT_MAX_SNAPSHOTS);

    assertThat(few.snapshots()).hasSize((int) (ScreenSnapshots.MAX_CELLS_READ / 1_000_000));
    assertThat(few.thinned()).isTrue();
    assertThat(few.snapshots().get(few.snapshots().size() - 1).offsetNanos()).isEqualTo(599 * TICK);
    assertThat(all.snapshots()).hasSize(600);
    assertThat(all.thinned()).isFalse();
  }

  @Test
  void rowsAreRunsOfStyledTextStoredOnce() {
    ScreenRecording recording = ScreenRecording.builder(20, 4)
        .append(10 * MS, "same\r\nsame\r\n".getBytes(StandardCharsets.UTF_8))
        .append(250 * MS, "\u001b[31mred\u001b[0m plain".getBytes(StandardCharsets.UTF_8))
        .build();

    ScreenSnapshots snapshots = ScreenSnapshots.of(recording, TICK, NO_SPANS, 100);

    assertThat(snapshots.snapshots()).hasSize(2);
    assertThat(snapshots.styles().get(0)).isEqualTo(new CellStyle(0, CellStyle.DEFAULT_COLOR, CellStyle.DEFAULT_COLOR));
    int[] first = snapshots.snapshots().get(0).rows();
    assertThat(first[0]).isEqualTo(first[1]);
    assertThat(snapshots.rowTable().get(first[0])).containsExactly("same", 0);
    // The blank rows are one empty row.
    assertThat(first[2]).isEqualTo(first[3]);
    assertThat(snapshots.rowTable().get(first[2])).isEmpty();
    int[] second = snapshots.snapshots().get(1).rows();
    List<Object> red = snapshots.rowTable().get(second[2]);
    assertThat(red).hasSize(4);
    assertThat(red.get(0)).isEqualTo("red");
    assertThat(snapshots.styles().get((Integer) red.get(1)).foreground()).isEqualTo(1);
    assertThat(red.get(2)).isEqualTo(" plain");
    assertThat(red.get(3)).isEqualTo(0);
    assertThat(snapshots.snapshots().get(1).offsetNanos()).isEqualTo(250 * MS);
    assertThat(snapshots.moments()).isEqualTo(2);
    assertThat(snapshots.thinned()).isFalse();
  }
}
