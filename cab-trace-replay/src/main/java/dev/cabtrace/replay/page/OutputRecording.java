package dev.cabtrace.replay.page;

import dev.cabtrace.replay.screen.ScreenRecording;
import dev.cabtrace.replay.screen.TerminalSize;
import dev.cabtrace.replay.timeline.OutputChunk;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.ByteArrayOutputStream;

/**
 * A timeline's terminal output as a screen recording: every chunk, timed from the timeline's start;
 * pseudo-terminal bytes as they are, stdout and stderr with each lone line feed made CR LF (what a
 * terminal's output processing would have shown); at the size the output was recorded at ({@link
 * TerminalSize}).
 */
// Kept on its own so that it can move into the screen package as it is.
final class OutputRecording {

  private OutputRecording() {}

  /** The recording of every chunk of {@code timeline}'s output; empty when there is none. */
  static ScreenRecording of(Timeline timeline) {
    TerminalSize size = TerminalSize.of(timeline);
    ScreenRecording.Builder recording = ScreenRecording.builder(size.columns(), size.rows());
    for (OutputChunk chunk : timeline.output()) {
      byte[] bytes = chunk.bytes();
      recording.append(
          timeline.offsetNanos(chunk.epochNanos()), "pty".equals(chunk.stream()) ? bytes : crlf(bytes));
    }
    return recording.build();
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
}
