package dev.cabtrace.replay.page;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.screen.ScreenRecording;
import dev.cabtrace.replay.timeline.OutputChunk;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.ByteArrayOutputStream;

/**
 * A timeline's terminal output as a screen recording: every chunk, timed from the timeline's start;
 * pseudo-terminal bytes as they are, stdout and stderr with each lone line feed made CR LF (what a
 * terminal's output processing would have shown); the size the container span recorded ({@code
 * cab.terminal.columns} × {@code cab.terminal.rows}), else 80 × 24.
 */
// Kept on its own so that it can move into the screen package as it is.
final class OutputRecording {

  static final int DEFAULT_COLUMNS = 80;
  static final int DEFAULT_ROWS = 24;

  private OutputRecording() {}

  /** The recording of every chunk of {@code timeline}'s output; empty when there is none. */
  static ScreenRecording of(Timeline timeline) {
    TimelineSpan sized = sizedSpan(timeline);
    int columns = dimension(sized, "cab.terminal.columns", DEFAULT_COLUMNS);
    int rows = dimension(sized, "cab.terminal.rows", DEFAULT_ROWS);
    ScreenRecording.Builder recording = ScreenRecording.builder(columns, rows);
    for (OutputChunk chunk : timeline.output()) {
      byte[] bytes = chunk.bytes();
      recording.append(
          timeline.offsetNanos(chunk.epochNanos()), "pty".equals(chunk.stream()) ? bytes : crlf(bytes));
    }
    return recording.build();
  }

  /** The span whose terminal size applies: the first with output and a size, else a sized container. */
  private static TimelineSpan sizedSpan(Timeline timeline) {
    for (OutputChunk chunk : timeline.output()) {
      if (dimension(chunk.span(), "cab.terminal.columns", 0) > 0) {
        return chunk.span();
      }
    }
    for (TimelineSpan span : timeline.spans()) {
      if (span.kind() == CabSpanKind.CONTAINER && dimension(span, "cab.terminal.columns", 0) > 0) {
        return span;
      }
    }
    return null;
  }

  /** {@code bytes} with every line feed not preceded by a carriage return made CR LF. */
  static byte[] crlf(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 16);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
        out.write('\r');
      }
      out.write(bytes[i]);
    }
    return out.toByteArray();
  }

  private static int dimension(TimelineSpan span, String key, int fallback) {
    Object value = span == null ? null : span.attribute(key);
    long parsed = 0;
    if (value instanceof Number) {
      parsed = ((Number) value).longValue();
    } else if (value instanceof String) {
      try {
        parsed = Long.parseLong(((String) value).trim());
      } catch (NumberFormatException e) {
        parsed = 0;
      }
    }
    // A terminal larger than this is a recording error, not a screen to draw.
    return parsed > 0 && parsed <= 1000 ? (int) parsed : fallback;
  }
}
