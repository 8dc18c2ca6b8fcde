package dev.cabtrace.replay.screen;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A recorded terminal byte stream that can show the screen at any moment quickly, forwards or
 * backwards. It keeps the bytes plus a keyframe (the full emulator state) every {@link
 * Builder#setKeyframeIntervalBytes(int) interval} bytes of input; {@link #screenAt(long)} restores
 * the nearest keyframe before the moment and feeds the bytes in between, so a seek costs at most
 * one interval of parsing. Keyframes share unchanged rows with each other, and are made as seeks
 * first reach them: one screen costs the bytes up to it, not the whole recording.
 *
 * <pre>{@code
 * ScreenRecording recording = ScreenRecording.builder(80, 24)
 *     .append(0, firstChunk)
 *     .append(1_500_000, secondChunk)
 *     .build();
 * Screen screen = recording.screenAt(1_000_000);  // after firstChunk only
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ScreenRecording {

  private final int columns;
  private final int rows;
  private final byte[] bytes;
  private final long[] offsets;
  private final int[] ends;
  private final int interval;
  private final TerminalEmulator[] keyframes;
  /** Keyframes made so far: the first {@code made} of {@link #keyframes}. */
  private int made;
  private final Screen empty;

  // The emulator of the last seek, reused when the next seek goes forward from it.
  private TerminalEmulator current;
  private int currentPosition = -1;

  private ScreenRecording(Builder builder) {
    TerminalEmulator emulator = TerminalEmulator.create(builder.columns, builder.rows);
    Screen blank = emulator.screen();
    this.columns = blank.columns();
    this.rows = blank.rows();
    this.empty = blank;
    this.bytes = Arrays.copyOf(builder.bytes, builder.length);
    this.offsets = Arrays.copyOf(builder.offsets, builder.chunks);
    this.ends = Arrays.copyOf(builder.ends, builder.chunks);
    this.interval = builder.interval;
    this.keyframes = new TerminalEmulator[bytes.length / interval + 1];
    keyframes[0] = emulator;
    made = 1;
  }

  /** The keyframe {@code k}, made first, and those before it, if no seek has reached it yet. */
  private TerminalEmulator keyframe(int k) {
    if (k >= made) {
      TerminalEmulator emulator = keyframes[made - 1].copy();
      for (; made <= k; made++) {
        emulator.feed(bytes, (made - 1) * interval, interval);
        keyframes[made] = emulator.copy();
      }
    }
    return keyframes[k];
  }

  /** A builder for a recording of a terminal {@code columns} by {@code rows} (each 1..1000). */
  public static Builder builder(int columns, int rows) {
    return new Builder(columns, rows);
  }

  /**
   * The screen after every chunk appended with an offset at or before {@code offsetNanos}; a
   * blank screen before the first chunk.
   */
  public synchronized Screen screenAt(long offsetNanos) {
    int chunk = lastChunkAtOrBefore(offsetNanos);
    if (chunk < 0) {
      return empty;
    }
    int position = ends[chunk];
    int keyframe = position / interval;
    int keyframePosition = keyframe * interval;
    if (current == null || currentPosition > position || currentPosition < keyframePosition) {
      current = keyframe(keyframe).copy();
      currentPosition = keyframePosition;
    }
    current.feed(bytes, currentPosition, position - currentPosition);
    currentPosition = position;
    return current.screen();
  }

  /** The offsets of the appended chunks, in order. */
  public List<Long> chunkOffsets() {
    return new OffsetList(offsets);
  }

  /** The width of the screen. */
  public int columns() {
    return columns;
  }

  /** The height of the screen. */
  public int rows() {
    return rows;
  }

  /** The number of bytes in all chunks. */
  public long totalBytes() {
    return bytes.length;
  }

  private int lastChunkAtOrBefore(long offsetNanos) {
    int low = 0;
    int high = offsets.length - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (offsets[mid] <= offsetNanos) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** Collects chunks in time order. Not thread-safe. */
  public static final class Builder {

    private static final int DEFAULT_INTERVAL = 64 * 1024;
    private static final int MAX_BYTES = Integer.MAX_VALUE - 16;

    private final int columns;
    private final int rows;
    private byte[] bytes = new byte[1024];
    private int length;
    private long[] offsets = new long[16];
    private int[] ends = new int[16];
    private int chunks;
    private int interval = DEFAULT_INTERVAL;

    private Builder(int columns, int rows) {
      this.columns = columns;
      this.rows = rows;
    }

    /**
     * Adds the bytes written at {@code offsetNanos} (any time base, as long as chunks come in
     * non-decreasing order). The bytes are copied.
     *
     * @throws IllegalArgumentException when {@code offsetNanos} is before the previous chunk's
     * @throws IllegalStateException when the recording would exceed 2 GiB
     */
    public Builder append(long offsetNanos, byte[] bytes) {
      Objects.requireNonNull(bytes, "bytes");
      if (chunks > 0 && offsetNanos < offsets[chunks - 1]) {
        throw new IllegalArgumentException(
            "chunk at " + offsetNanos + " comes before the previous one at " + offsets[chunks - 1]);
      }
      if (bytes.length > MAX_BYTES - length) {
        throw new IllegalStateException("a screen recording holds at most 2 GiB");
      }
      if (length + bytes.length > this.bytes.length) {
        long wanted = Math.max(length + (long) bytes.length, 2L * this.bytes.length);
        int capacity = (int) Math.min(MAX_BYTES, wanted);
        this.bytes = Arrays.copyOf(this.bytes, capacity);
      }
      System.arraycopy(bytes, 0, this.bytes, length, bytes.length);
      length += bytes.length;
      if (chunks == offsets.length) {
        offsets = Arrays.copyOf(offsets, chunks * 2);
        ends = Arrays.copyOf(ends, chunks * 2);
      }
      offsets[chunks] = offsetNanos;
      ends[chunks] = length;
      chunks++;
      return this;
    }

    /**
     * How many bytes of input lie between keyframes, 64 KiB by default: smaller seeks faster and
     * holds more memory.
     *
     * @throws IllegalArgumentException when {@code bytes} is less than 1
     */
    public Builder setKeyframeIntervalBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("keyframe interval must be at least 1 byte: " + bytes);
      }
      this.interval = bytes;
      return this;
    }

    /** The recording of the chunks appended so far. */
    public ScreenRecording build() {
      return new ScreenRecording(this);
    }
  }

  private static final class OffsetList extends AbstractList<Long> implements RandomAccess {
    private final long[] offsets;

    OffsetList(long[] offsets) {
      this.offsets = offsets;
    }

    @Override
    public Long get(int index) {
      return offsets[index];
    }

    @Override
    public int size() {
      return offsets.length;
    }
  }
}
