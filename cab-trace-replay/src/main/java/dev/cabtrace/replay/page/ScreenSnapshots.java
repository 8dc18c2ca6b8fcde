package dev.cabtrace.replay.page;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.replay.screen.CellStyle;
import dev.cabtrace.replay.screen.Screen;
import dev.cabtrace.replay.screen.ScreenCell;
import dev.cabtrace.replay.screen.ScreenRecording;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulated screen at each moment the output changed, ready to embed in the page: one snapshot
 * for each place a replay stops that output came before (a tick boundary or a span's start: the
 * screen after the last chunk before it, shown from that chunk on, so output never shows before it
 * happened and shows at every stop after it), at most a cap of them (evenly thinned beyond).
 * Rows are runs of text in one style; identical rows are stored once, in a row table, and the
 * styles once, in a style table whose entry 0 is the default style.
 */
final class ScreenSnapshots {

  /** Snapshots beyond this many are evenly thinned. */
  static final int DEFAULT_MAX_SNAPSHOTS = 5_000;

  private static final CellStyle DEFAULT_STYLE =
      new CellStyle(0, CellStyle.DEFAULT_COLOR, CellStyle.DEFAULT_COLOR);

  /**
   * One screen.
   *
   * @param offsetNanos from when it shows
   * @param rows its rows, as indexes into the row table
   */
  record Snapshot(long offsetNanos, int cursorRow, int cursorColumn, boolean cursorVisible, int[] rows) {}

  private final int columns;
  private final int rows;
  private final List<CellStyle> styles;
  private final List<List<Object>> rowTable;
  private final List<Snapshot> snapshots;
  private final int moments;

  private ScreenSnapshots(
      int columns, int rows, List<CellStyle> styles, List<List<Object>> rowTable, List<Snapshot> snapshots, int moments) {
    this.columns = columns;
    this.rows = rows;
    this.styles = styles;
    this.rowTable = rowTable;
    this.snapshots = snapshots;
    this.moments = moments;
  }

  /**
   * Screen cells read over all snapshots, at most: a trace that declares a 1000 × 1000 terminal
   * gets fewer snapshots, not minutes of work per page (5,000 of them would read 5 × 10^9 cells).
   * 120 × 40 screens keep the full 5,000.
   */
  static final long MAX_CELLS_READ = 50_000_000L;

  /**
   * The snapshots of {@code recording} at the moments a replay can stop (see {@link #moments}), at
   * most {@code max}, and fewer for a screen so large that they would read more than {@link
   * #MAX_CELLS_READ}.
   */
  static ScreenSnapshots of(ScreenRecording recording, long tickNanos, long[] spanStarts, int max) {
    List<Long> moments = moments(recording.chunkOffsets(), tickNanos, spanStarts);
    long cells = Math.max(1, (long) recording.columns() * recording.rows());
    int affordable = (int) Math.min(Integer.MAX_VALUE, MAX_CELLS_READ / cells);
    List<Long> shown = thin(moments, Math.max(2, Math.min(max, affordable)));
    Map<CellStyle, Integer> styleIndex = new HashMap<>();
    List<CellStyle> styles = new ArrayList<>();
    styleIndex.put(DEFAULT_STYLE, 0);
    styles.add(DEFAULT_STYLE);
    Map<List<Object>, Integer> rowIndex = new HashMap<>();
    List<List<Object>> rowTable = new ArrayList<>();
    List<Snapshot> snapshots = new ArrayList<>(shown.size());
    for (long offset : shown) {
      Screen screen = recording.screenAt(offset);
      int[] rowRefs = new int[screen.rows()];
      for (int r = 0; r < screen.rows(); r++) {
        List<Object> runs = runs(screen, r, styleIndex, styles);
        Integer index = rowIndex.get(runs);
        if (index == null) {
          index = rowTable.size();
          rowIndex.put(runs, index);
          rowTable.add(runs);
        }
        rowRefs[r] = index;
      }
      snapshots.add(
          new Snapshot(offset, screen.cursorRow(), screen.cursorColumn(), screen.cursorVisible(), rowRefs));
    }
    return new ScreenSnapshots(
        recording.columns(), recording.rows(), styles, rowTable, snapshots, moments.size());
  }

  /**
   * The moments whose screens a replay can show: the screen as it stands at each place a replay
   * stops, a tick boundary ({@code k × tickNanos}) or a span's start ({@code spanStarts}, sorted),
   * is the screen after the last chunk at or before it. So a chunk is a moment when a stop falls
   * between it and the next chunk, and the last chunk is one; the page shows, at t, the latest
   * moment at or before t.
   */
  static List<Long> moments(List<Long> chunkOffsets, long tickNanos, long[] spanStarts) {
    long[] sorted = new long[chunkOffsets.size()];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = chunkOffsets.get(i);
    }
    Arrays.sort(sorted);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < sorted.length; i++) {
      long offset = sorted[i];
      if (i == sorted.length - 1) {
        out.add(offset);
        break;
      }
      long next = sorted[i + 1];
      if (next == offset) {
        continue; // the screen after both
      }
      long tickStop = -Math.floorDiv(-offset, tickNanos) * tickNanos;
      if (next > tickStop || stopBetween(spanStarts, offset, next)) {
        out.add(offset);
      }
    }
    return out;
  }

  /** Whether a span starts in [from, to). */
  private static boolean stopBetween(long[] spanStarts, long from, long to) {
    int at = Arrays.binarySearch(spanStarts, from);
    if (at < 0) {
      return -at - 1 < spanStarts.length && spanStarts[-at - 1] < to;
    }
    return true;
  }

  /** At most {@code max} of {@code moments}, evenly spread, the first and the last always kept. */
  static List<Long> thin(List<Long> moments, int max) {
    int n = moments.size();
    if (n <= max) {
      return moments;
    }
    List<Long> out = new ArrayList<>(max);
    for (int k = 0; k < max; k++) {
      out.add(moments.get((int) Math.round((double) k * (n - 1) / (max - 1))));
    }
    return out;
  }

  /** Row {@code r} as runs [text, style, text, style, ...], trailing default blanks dropped. */
  private static List<Object> runs(
      Screen screen, int r, Map<CellStyle, Integer> styleIndex, List<CellStyle> styles) {
    List<Object> runs = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int current = -1;
    // The style of the cell before, and its index: a row is mostly runs of one style, and 5,000
    // snapshots read millions of cells, each a lookup otherwise.
    CellStyle previous = null;
    int index = -1;
    for (int c = 0; c < screen.columns(); c++) {
      ScreenCell cell = screen.cell(r, c);
      if (cell == null || cell.width() == 0) {
        continue;
      }
      CellStyle style = cell.style() == null ? DEFAULT_STYLE : cell.style();
      if (!style.equals(previous)) {
        Integer found = styleIndex.get(style);
        if (found == null) {
          found = styles.size();
          styleIndex.put(style, found);
          styles.add(style);
        }
        previous = style;
        index = found;
      }
      if (index != current && text.length() > 0) {
        runs.add(text.toString());
        runs.add(current);
        text.setLength(0);
      }
      current = index;
      text.append(cell.text() == null || cell.text().isEmpty() ? " " : cell.text());
    }
    if (text.length() > 0) {
      runs.add(text.toString());
      runs.add(current);
    }
    // Blanks in the default style at the end of a row show as nothing at all.
    while (!runs.isEmpty() && (Integer) runs.get(runs.size() - 1) == 0) {
      String last = ((String) runs.get(runs.size() - 2)).stripTrailing();
      if (!last.isEmpty()) {
        runs.set(runs.size() - 2, last);
        break;
      }
      runs.remove(runs.size() - 1);
      runs.remove(runs.size() - 1);
    }
    return runs;
  }

  int columns() {
    return columns;
  }

  int rows() {
    return rows;
  }

  List<Snapshot> snapshots() {
    return snapshots;
  }

  List<List<Object>> rowTable() {
    return rowTable;
  }

  List<CellStyle> styles() {
    return styles;
  }

  /** How many moments the output changed at (per tick), before thinning. */
  int moments() {
    return moments;
  }

  /** Whether some moments were left out to stay under the cap. */
  boolean thinned() {
    return snapshots.size() < moments;
  }

  /** Writes the snapshots as the page's {@code terminal} object. */
  void write(JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeNumberField("columns", columns);
    json.writeNumberField("rows", rows);
    json.writeNumberField("moments", moments);
    json.writeArrayFieldStart("styles");
    for (CellStyle style : styles) {
      json.writeStartArray();
      json.writeNumber(style.flags());
      json.writeNumber(style.foreground());
      json.writeNumber(style.background());
      json.writeEndArray();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("rowTable");
    for (List<Object> runs : rowTable) {
      json.writeStartArray();
      for (Object part : runs) {
        if (part instanceof String) {
          json.writeString((String) part);
        } else {
          json.writeNumber((Integer) part);
        }
      }
      json.writeEndArray();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("snapshots");
    for (Snapshot snapshot : snapshots) {
      json.writeStartArray();
      json.writeNumber(snapshot.offsetNanos());
      json.writeNumber(snapshot.cursorRow());
      json.writeNumber(snapshot.cursorColumn());
      json.writeNumber(snapshot.cursorVisible() ? 1 : 0);
      for (int row : snapshot.rows()) {
        json.writeNumber(row);
      }
      json.writeEndArray();
    }
    json.writeEndArray();
    json.writeEndObject();
  }
}
