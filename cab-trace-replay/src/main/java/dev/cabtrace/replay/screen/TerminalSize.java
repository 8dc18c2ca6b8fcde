package dev.cabtrace.replay.screen;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.timeline.OutputChunk;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.util.Objects;

/**
 * The size of the terminal a timeline's output was recorded on: {@code cab.terminal.columns} ×
 * {@code cab.terminal.rows} of the first span with output that recorded one, else of a container
 * span that recorded one; 80 × 24 when none did. A dimension above the emulator's 1,000 is taken
 * as 1,000; one of 0 or less counts as not recorded. {@link ScreenPlayback} and the cell page draw
 * at this size and {@code cab-trace cast} writes it in its header, so that all show the same
 * screen.
 *
 * @param columns the width in cells
 * @param rows the height in cells
 */
public record TerminalSize(int columns, int rows) {

  static final int DEFAULT_COLUMNS = 80;
  static final int DEFAULT_ROWS = 24;
  private static final String COLUMNS_KEY = "cab.terminal.columns";
  private static final String ROWS_KEY = "cab.terminal.rows";

  /** The size {@code timeline}'s output was recorded at. */
  public static TerminalSize of(Timeline timeline) {
    Objects.requireNonNull(timeline, "timeline");
    TimelineSpan sized = null;
    for (OutputChunk chunk : timeline.output()) {
      if (dimension(chunk.span(), COLUMNS_KEY) > 0) {
        sized = chunk.span();
        break;
      }
    }
    if (sized == null) {
      for (TimelineSpan span : timeline.spans()) {
        if (span.kind() == CabSpanKind.CONTAINER && dimension(span, COLUMNS_KEY) > 0) {
          sized = span;
          break;
        }
      }
    }
    return of(sized, new TerminalSize(DEFAULT_COLUMNS, DEFAULT_ROWS));
  }

  /** The size {@code span} recorded (none when null), each dimension it lacks taken from {@code otherwise}. */
  public static TerminalSize of(TimelineSpan span, TerminalSize otherwise) {
    Objects.requireNonNull(otherwise, "otherwise");
    int columns = dimension(span, COLUMNS_KEY);
    int rows = dimension(span, ROWS_KEY);
    return new TerminalSize(columns > 0 ? columns : otherwise.columns(), rows > 0 ? rows : otherwise.rows());
  }

  /** A recorded dimension, at most the emulator's limit, or 0 when the span has none. */
  private static int dimension(TimelineSpan span, String key) {
    Object value = span == null ? null : span.attribute(key);
    long size = 0;
    if (value instanceof Number) {
      size = ((Number) value).longValue();
    } else if (value instanceof String) {
      // Zipkin and some Jaeger exports carry every attribute as a string.
      try {
        size = Long.parseLong(((String) value).trim());
      } catch (NumberFormatException e) {
        size = 0;
      }
    }
    // Past the emulator's limit it draws the left and top 1,000, as it would a screen resized
    // down to it, rather than a reflowed 80 x 24; 0 or less is a pty that reported no size.
    return size <= 0 ? 0 : (int) Math.min(size, TerminalEmulator.MAX_SIZE);
  }
}
