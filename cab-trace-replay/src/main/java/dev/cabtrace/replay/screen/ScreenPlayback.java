package dev.cabtrace.replay.screen;

import dev.cabtrace.replay.timeline.OutputChunk;
import dev.cabtrace.replay.timeline.Timeline;
import java.util.Objects;

/**
 * The terminal of a recorded cell, screen by screen: every {@code cab.output} chunk of a {@link
 * Timeline}, in arrival order, fed into one emulated terminal, so that {@link #screenAt(long)} shows
 * what the terminal showed at any moment, forwards or backwards, in about the same time wherever
 * it lands.
 *
 * <ul>
 *   <li>{@code pty} chunks are a pseudo-terminal's raw bytes and are fed as they are.
 *   <li>{@code stdout} and {@code stderr} chunks were read from a pipe, before any terminal output
 *       processing: each line feed not preceded by a carriage return in the same chunk gets one, as
 *       a terminal's {@code onlcr} would have shown it and as {@code cab-trace cast} exports it.
 *   <li>The size is {@code cab.terminal.columns} × {@code cab.terminal.rows} of the first span with
 *       output that recorded one (where {@code TerminalRecorder.recordSize} puts it), else of a
 *       container span that recorded one; 80 × 24 when none did, the size {@code cab-trace cast}
 *       writes in its header then too.
 * </ul>
 *
 * <pre>{@code
 * ScreenPlayback playback = ScreenPlayback.of(timeline);   // build once per timeline, then keep
 * Screen screen = playback.screenAt(Duration.ofMillis(1200).toNanos());
 * screen.lines();                                         // the rows of text at 1.2 s
 * }</pre>
 *
 * <p>Building costs one pass over the recorded bytes; keep one playback per timeline. Thread-safe.
 */
public final class ScreenPlayback {

  // A seek restores a keyframe and parses at most this many bytes, 0.1-0.2 ms; the keyframes of a
  // 4 MiB recording of a 120 x 40 full-screen program hold about 25 MiB (ScreenBenchmark).
  static final int KEYFRAME_INTERVAL_BYTES = 16 * 1024;


  private final ScreenRecording recording;
  private final boolean empty;

  private ScreenPlayback(ScreenRecording recording, boolean empty) {
    this.recording = recording;
    this.empty = empty;
  }

  /** The playback of every output chunk of {@code timeline}, timed from its start. */
  public static ScreenPlayback of(Timeline timeline) {
    Objects.requireNonNull(timeline, "timeline");
    TerminalSize size = TerminalSize.of(timeline);
    ScreenRecording.Builder builder = ScreenRecording.builder(size.columns(), size.rows())
        .setKeyframeIntervalBytes(KEYFRAME_INTERVAL_BYTES);
    for (OutputChunk chunk : timeline.output()) {
      byte[] bytes = chunk.bytes();
      builder.append(
          timeline.offsetNanos(chunk.epochNanos()), "pty".equals(chunk.stream()) ? bytes : withCarriageReturns(bytes));
    }
    return new ScreenPlayback(builder.build(), timeline.output().isEmpty());
  }

  /**
   * The screen after every chunk recorded at or before {@code offsetNanos} from the timeline's
   * start; a blank screen before the first chunk, or when nothing was recorded.
   */
  public Screen screenAt(long offsetNanos) {
    return recording.screenAt(offsetNanos);
  }

  /** Whether the timeline recorded no terminal output at all. */
  public boolean isEmpty() {
    return empty;
  }

  /** The width of the screen in cells. */
  public int columns() {
    return recording.columns();
  }

  /** The height of the screen in cells. */
  public int rows() {
    return recording.rows();
  }

  /** {@code bytes} with a CR put before every LF that does not follow one. */
  static byte[] withCarriageReturns(byte[] bytes) {
    int lone = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
        lone++;
      }
    }
    if (lone == 0) {
      return bytes;
    }
    byte[] out = new byte[bytes.length + lone];
    int o = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
        out[o++] = '\r';
      }
      out[o++] = bytes[i];
    }
    return out;
  }
}
