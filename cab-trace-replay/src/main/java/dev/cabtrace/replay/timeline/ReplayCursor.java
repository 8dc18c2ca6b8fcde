package dev.cabtrace.replay.timeline;

import java.util.Objects;

/**
 * Steps and plays through a {@link Timeline}, like the cell page's trace replay: step span
 * forward/back (select the next/previous span in start order and move to its start), tick
 * forward/back by 100 ms (landing on exact multiples, clamped to the timeline), seek, and play at a
 * speed on a {@link ReplayClock}. Playing stops at the end. Not thread-safe: one cursor per player.
 *
 * <p>A span step goes on from the selected span while the cursor stands at its start, and from the
 * cursor once a tick, a seek or playing has moved it off: forward never moves the cursor back,
 * back never moves it forward. The cursor stays within [0, duration] whatever the clock does.
 */
public final class ReplayCursor {

  /** The default tick: 100 ms. */
  public static final long DEFAULT_TICK_NANOS = 100_000_000L;

  private static final double[] SPEEDS = {0.25, 0.5, 1, 2, 4, 8, 16, 32, 64};

  private final Timeline timeline;
  private final ReplayClock clock;
  private final long tickNanos;
  private long offsetNanos;
  private int selected = -1;
  private boolean playing;
  private int speedIndex = 2;
  private long lastClockNanos;

  private ReplayCursor(Builder builder) {
    this.timeline = builder.timeline;
    this.clock = builder.clock;
    this.tickNanos = builder.tickNanos;
  }

  /** A builder for a cursor over {@code timeline}. */
  public static Builder builder(Timeline timeline) {
    return new Builder(Objects.requireNonNull(timeline, "timeline"));
  }

  /** The timeline. */
  public Timeline timeline() {
    return timeline;
  }

  /** Where the cursor is, in nanoseconds from the start. Advances first if playing. */
  public long offsetNanos() {
    advance();
    return offsetNanos;
  }

  /** The selected span, or null. */
  public TimelineSpan selected() {
    return selected < 0 ? null : timeline.span(selected);
  }

  /** Whether it is playing. */
  public boolean isPlaying() {
    advance();
    return playing;
  }

  /** The play speed: 1 is real time. */
  public double speed() {
    return SPEEDS[speedIndex];
  }

  /** The tick size in nanoseconds. */
  public long tickNanos() {
    return tickNanos;
  }

  /** The frame where the cursor is. */
  public Frame frame() {
    advance();
    return timeline.frame(offsetNanos, selected());
  }

  /**
   * Selects the next span in start order and moves to its start: the one after the selected span
   * while the cursor stands at that span's start, else the first starting at or after the cursor.
   * Stays put when no span starts there or later.
   */
  public ReplayCursor stepSpanForward() {
    advance();
    int next = onSelected() ? selected + 1 : firstStartingAtOrAfter(offsetNanos);
    if (next < timeline.size()) {
      select(next);
    }
    return this;
  }

  /**
   * Selects the previous span in start order and moves to its start: the one before the selected
   * span while the cursor stands at that span's start, else the last starting before the cursor.
   * Stays put at the first.
   */
  public ReplayCursor stepSpanBack() {
    advance();
    if (timeline.size() == 0) {
      return this;
    }
    int previous = onSelected() ? Math.max(selected - 1, 0) : Math.max(firstStartingAtOrAfter(offsetNanos) - 1, 0);
    select(previous);
    return this;
  }

  /** Moves one tick forward, to the next exact multiple of the tick, at most to the end. */
  public ReplayCursor tickForward() {
    advance();
    long multiple = Math.floorDiv(offsetNanos, tickNanos) * tickNanos;
    // Compared before adding: a tick past a duration near Long.MAX_VALUE must not wrap around.
    long end = timeline.durationNanos();
    offsetNanos = multiple > end - tickNanos ? end : multiple + tickNanos;
    return this;
  }

  /** Moves one tick back, to the previous exact multiple of the tick, at least to 0. */
  public ReplayCursor tickBack() {
    advance();
    long multiple = Math.floorDiv(offsetNanos, tickNanos) * tickNanos;
    offsetNanos = Math.max(0, multiple == offsetNanos ? offsetNanos - tickNanos : multiple);
    return this;
  }

  /** Moves to {@code offsetNanos} from the start, clamped to the timeline. */
  public ReplayCursor seek(long offsetNanos) {
    advance();
    this.offsetNanos = clamp(offsetNanos);
    return this;
  }

  /** Moves to the start and selects the first span. */
  public ReplayCursor home() {
    pause();
    offsetNanos = 0;
    selected = timeline.size() == 0 ? -1 : 0;
    return this;
  }

  /** Moves to the end and selects the last span. */
  public ReplayCursor end() {
    pause();
    offsetNanos = timeline.durationNanos();
    selected = timeline.size() - 1;
    return this;
  }

  /** Starts playing from where it is; from the end, starts over. */
  public ReplayCursor play() {
    advance();
    if (offsetNanos >= timeline.durationNanos()) {
      offsetNanos = 0;
    }
    playing = timeline.durationNanos() > 0;
    lastClockNanos = clock.nanoTime();
    return this;
  }

  /** Stops playing where it is. */
  public ReplayCursor pause() {
    advance();
    playing = false;
    return this;
  }

  /** Plays if paused, pauses if playing. */
  public ReplayCursor togglePlay() {
    return isPlaying() ? pause() : play();
  }

  /** Doubles the speed, up to 64×. */
  public ReplayCursor faster() {
    advance();
    speedIndex = Math.min(speedIndex + 1, SPEEDS.length - 1);
    return this;
  }

  /** Halves the speed, down to 0.25×. */
  public ReplayCursor slower() {
    advance();
    speedIndex = Math.max(speedIndex - 1, 0);
    return this;
  }

  /**
   * Brings a playing cursor up to the clock; stops at the end. A clock that went back moves it
   * nowhere; a leap moves it at most to the end.
   */
  public void advance() {
    if (!playing) {
      return;
    }
    long now = clock.nanoTime();
    long elapsed = now - lastClockNanos;
    boolean wentBack = now < lastClockNanos;
    lastClockNanos = now;
    // A difference past Long.MAX_VALUE wraps negative; a double held at a long's bound does not.
    long moved = wentBack ? 0 : elapsed < 0 ? Long.MAX_VALUE : (long) (elapsed * SPEEDS[speedIndex]);
    long left = timeline.durationNanos() - offsetNanos;
    if (moved >= left) {
      offsetNanos = timeline.durationNanos();
      playing = false;
    } else {
      offsetNanos += moved;
    }
  }

  private void select(int index) {
    selected = index;
    offsetNanos = startOf(index);
  }

  /** Whether a span is selected and the cursor stands at its start. */
  private boolean onSelected() {
    return selected >= 0 && offsetNanos == startOf(selected);
  }

  private long startOf(int index) {
    return clamp(timeline.offsetNanos(timeline.span(index).startEpochNanos()));
  }

  /** The first span starting at or after {@code offset}; the number of spans when none does. */
  private int firstStartingAtOrAfter(long offset) {
    long t = timeline.t0EpochNanos() + offset;
    int low = 0;
    int high = timeline.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (timeline.span(mid).startEpochNanos() < t) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private long clamp(long offset) {
    return Math.max(0, Math.min(offset, timeline.durationNanos()));
  }

  /** Settings of a {@link ReplayCursor}. */
  public static final class Builder {
    private final Timeline timeline;
    private ReplayClock clock = ReplayClock.system();
    private long tickNanos = DEFAULT_TICK_NANOS;

    private Builder(Timeline timeline) {
      this.timeline = timeline;
    }

    /** The clock playing follows; a virtual one in tests. */
    public Builder setClock(ReplayClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The tick size; default 100 ms. */
    public Builder setTickNanos(long tickNanos) {
      if (tickNanos <= 0) {
        throw new IllegalArgumentException("tick must be positive");
      }
      this.tickNanos = tickNanos;
      return this;
    }

    /** The cursor, at offset 0, nothing selected, paused, at 1× speed. */
    public ReplayCursor build() {
      return new ReplayCursor(this);
    }
  }
}
