package dev.cabtrace.replay.push;

import dev.cabtrace.replay.internal.SeededHash;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * The spans of a timeline by id, to tell whether a span read from its file again is the copy the
 * timeline kept: the reader keeps a span's first copy, or a later finished one over an unfinished
 * one, and the name and times tell which. Span ids to positions in open addressing over two
 * arrays, at most half full, 24 to 48 bytes a span: a capture of a million spans is pushed.
 */
final class KeptCopies {

  private final Timeline timeline;
  private final long[] spanIds; // 0: an empty slot; no span of a timeline has id 0
  private final int[] positions;

  private KeptCopies(Timeline timeline) {
    this.timeline = timeline;
    int n = timeline.size();
    int slots = Integer.highestOneBit(Math.max(1, 2 * n - 1)) << 1; // at most half full
    spanIds = new long[slots];
    positions = new int[slots];
    for (int position = 0; position < n; position++) {
      long id = Long.parseUnsignedLong(timeline.span(position).spanId(), 16);
      int slot = home(id);
      while (spanIds[slot] != 0) {
        slot = next(slot);
      }
      spanIds[slot] = id;
      positions[slot] = position;
    }
  }

  static KeptCopies of(Timeline timeline) {
    return new KeptCopies(timeline);
  }

  /**
   * The position in the timeline of the span {@code copy} is the kept copy of, or -1: no span of
   * the timeline has its trace and span id, or the timeline kept another copy.
   */
  int positionOf(SpanData copy) {
    long id = Long.parseUnsignedLong(copy.getSpanId(), 16);
    for (int slot = home(id); spanIds[slot] != 0; slot = next(slot)) {
      if (spanIds[slot] == id) {
        TimelineSpan kept = timeline.span(positions[slot]);
        if (kept.traceId().equals(copy.getTraceId())) {
          return isKept(copy, kept) ? positions[slot] : -1;
        }
      }
    }
    return -1;
  }

  /**
   * Whether {@code copy} has the name and times of {@code kept} as the reader made them: an end the
   * file does not give is where the span starts (unfinished), and an end before the start is the
   * start. (A copy the conversion refused is not seen: the name keeps a later copy that differs
   * from standing in for it.)
   */
  private static boolean isKept(SpanData copy, TimelineSpan kept) {
    long start = copy.getStartEpochNanos();
    long end = copy.getEndEpochNanos();
    if (start != kept.startEpochNanos() || !copy.getName().equals(kept.name())) {
      return false;
    }
    if (kept.unfinished()) {
      return end == 0; // protobuf's default: no end in the file
    }
    return kept.endedBeforeStart() ? end < start : end == kept.endEpochNanos();
  }

  private int home(long id) {
    return (int) SeededHash.of(id) & (spanIds.length - 1);
  }

  private int next(int slot) {
    return (slot + 1) & (spanIds.length - 1);
  }
}
