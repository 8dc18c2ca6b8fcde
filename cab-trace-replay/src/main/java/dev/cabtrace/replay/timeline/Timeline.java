package dev.cabtrace.replay.timeline;

import dev.cabtrace.replay.internal.CellResource;
import dev.cabtrace.replay.internal.Durations;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The timeline of one or more traces, immutable: spans in start order (a parent before its
 * children on ties), the tree, model calls with their tokens, terminal output, and what was
 * imperfect in the input. Offsets count from {@link #t0EpochNanos()}, the earliest start.
 *
 * <p>{@link #frame(long)} answers in logarithmic time: every order it needs is precomputed.
 */
public final class Timeline {

  private final String source;
  private final List<TimelineSpan> spans;
  private final List<LoadWarning> warnings;
  private final long t0;
  private final long duration;
  private final long[] starts;
  private final ActiveSpanIndex activeIndex;
  // Spans by end (stable): their positions, and the views of them; ends are in start order.
  private final long[] ends;
  private final int[] endOrder;
  private final List<TimelineSpan> byEnd;
  private final long[] zeroLengthStarts;
  private final List<ModelCall> modelCalls;
  // The model calls' positions in end order (their ends are in ends).
  private final int[] callsByEnd;
  private final TokenPrefixSums tokens;
  private final List<OutputChunk> output;
  private final long[] outputTimes;
  // Each span's children, made when first asked for: show and diff walk the tree, a frame does not.
  private volatile Children children;
  private volatile Map<String, Object> cellResource; // made when first asked for
  // Made when first asked for: a page asks three times, and a million spans take a while to walk.
  private volatile List<String> traceIds;
  private final Object childrenLock = new Object();

  /**
   * A timeline of {@code spans}, in start order with their indexes set, whose start and end times
   * are {@code starts} and {@code ends}, and whose positions by end (a stable sort) are {@code
   * endOrder} (all taken over).
   */
  Timeline(String source, List<TimelineSpan> spans, List<LoadWarning> warnings, long[] starts, long[] ends,
      int[] endOrder) {
    this.source = source;
    this.spans = Collections.unmodifiableList(spans);
    int n = spans.size();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    this.starts = starts;
    for (int i = 0; i < n; i++) {
      first = Math.min(first, starts[i]);
      last = Math.max(last, ends[i]);
    }
    this.t0 = n == 0 ? 0 : first;
    this.duration = n == 0 ? 0 : last - first;
    // Over many spans, the index of running spans is made on another thread while this one
    // collects the model calls and the output: the serial tail of a load, on two cores.
    SideTask<ActiveSpanIndex> active = SideTask.start(n, () -> new ActiveSpanIndex(starts, ends));
    this.ends = ends;
    int zeroLength = 0;
    for (int i = 0; i < n; i++) {
      if (ends[i] == starts[i]) {
        zeroLength++;
      }
    }
    zeroLengthStarts = new long[zeroLength];
    for (int i = 0, z = 0; i < n; i++) {
      if (ends[i] == starts[i]) {
        zeroLengthStarts[z++] = starts[i];
      }
    }

    int callCount = 0;
    int declaredCount = 0;
    List<OutputChunk> chunks = new ArrayList<>();
    int notBase64 = 0;
    OutputChunk firstNotBase64 = null;
    // Output after the last span ends is past the end of every replay: said, not shown.
    int afterEnd = 0;
    OutputChunk firstAfterEnd = null;
    // Output the recorder did not keep, past its cap (a cab.output.truncated event): said, as lost output is.
    List<String> truncated = new ArrayList<>(0);
    for (TimelineSpan span : spans) {
      if (ModelCall.describesCall(span)) {
        callCount++;
        if (ModelCall.declares(span)) {
          declaredCount++;
        }
      }
      for (SpanEvent event : span.events()) {
        if ("cab.output".equals(event.name())) {
          String data = event.attribute("cab.output.data");
          if (data != null) {
            String stream = event.attribute("cab.output.stream");
            boolean base64 = "base64".equals(event.attribute("cab.output.encoding"));
            OutputChunk chunk = new OutputChunk(event.epochNanos(), stream == null ? "stdout" : stream, data,
                base64 && OutputChunk.isBase64(data), span);
            if (base64 && !chunk.base64()) {
              notBase64++;
              firstNotBase64 = firstNotBase64 == null ? chunk : firstNotBase64;
            }
            if (chunk.epochNanos() > last) {
              afterEnd++;
              firstAfterEnd = firstAfterEnd == null || chunk.epochNanos() < firstAfterEnd.epochNanos() ? chunk : firstAfterEnd;
            }
            chunks.add(chunk);
          }
        } else if ("cab.output.truncated".equals(event.name())) {
          Object dropped = event.attributes().get("cab.output.dropped_bytes");
          truncated.add("span " + span.spanId() + " (" + span.name() + ") recorded its terminal output only up to the recorder's cap: " + (dropped instanceof Number
                  ? String.format(java.util.Locale.ROOT, "%,d", ((Number) dropped).longValue()) : "some")
              + " bytes after it were dropped, and the output shown stops there");
        }
      }
    }
    if (notBase64 == 0 && afterEnd == 0 && truncated.isEmpty()) {
      this.warnings = List.copyOf(warnings);
    } else {
      List<LoadWarning> all = new ArrayList<>(warnings);
      if (notBase64 > 0) {
        // Kept as the text it is (a terminal shows it escaped): decoding it would fail every screen.
        all.add(new LoadWarning(source, 0, notBase64 + " output chunk(s) marked base64 are not base64 and are"
            + " shown as text (the first on span " + firstNotBase64.span().spanId() + ")"));
      }
      if (afterEnd > 0) {
        // The duration stays the spans': it is the run's wall time, which output stamped later does not stretch.
        all.add(new LoadWarning(source, 0, afterEnd + " output chunk(s) are timestamped after the last span ends"
            + " (the first on span " + firstAfterEnd.span().spanId() + ", " + Durations.millis(firstAfterEnd.epochNanos() - last)
            + " after): the replay ends before them and does not show them"));
      }
      for (String message : truncated) {
        all.add(new LoadWarning(source, 0, message));
      }
      this.warnings = List.copyOf(all);
    }
    // Model calls in end order, made into records only when asked for: the spans' end order (a
    // stable sort) kept to the calls, which is the calls' own stable end order without a sort.
    // Declared calls, when there are any, are the calls (ModelCall.declares).
    boolean onlyDeclared = declaredCount > 0;
    int[] callsByEnd = new int[onlyDeclared ? declaredCount : callCount];
    for (int i = 0, c = 0; c < callsByEnd.length; i++) {
      TimelineSpan span = spans.get(endOrder[i]);
      if (ModelCall.describesCall(span) && (!onlyDeclared || ModelCall.declares(span))) {
        callsByEnd[c++] = endOrder[i];
      }
    }
    this.callsByEnd = callsByEnd;
    this.modelCalls = new AbstractList<>() {
      @Override
      public ModelCall get(int i) {
        return ModelCall.from(spans.get(callsByEnd[i]));
      }

      @Override
      public int size() {
        return callsByEnd.length;
      }
    };
    this.tokens = new TokenPrefixSums(spans, callsByEnd);
    this.activeIndex = active.join();
    this.endOrder = endOrder;
    this.byEnd = new Reordered(this.spans, endOrder);
    // A stable sort keeps chunks of equal time in recorded order.
    chunks.sort((a, b) -> Long.compare(a.epochNanos(), b.epochNanos()));
    this.output = List.copyOf(chunks);
    outputTimes = new long[chunks.size()];
    for (int i = 0; i < chunks.size(); i++) {
      outputTimes[i] = chunks.get(i).epochNanos();
    }
  }

  /** Where the trace was read from. */
  public String source() {
    return source;
  }

  /** Every span, in start order; a parent comes before its children when they start together. */
  public List<TimelineSpan> spans() {
    return spans;
  }

  /** The number of spans. */
  public int size() {
    return spans.size();
  }

  /** The span at {@code index} in start order. */
  public TimelineSpan span(int index) {
    return spans.get(index);
  }

  /** The spans whose parent is {@code span}, in start order. */
  public List<TimelineSpan> children(TimelineSpan span) {
    Children tree = children();
    int from = tree.start()[span.index()];
    int to = tree.start()[span.index() + 1];
    int[] childIndex = tree.index();
    if (from == to) {
      return List.of(); // most spans are leaves
    }
    return new AbstractList<>() {
      @Override
      public TimelineSpan get(int i) {
        return spans.get(childIndex[from + i]);
      }

      @Override
      public int size() {
        return to - from;
      }
    };
  }

  /** The parent of {@code span}, or null for a root. */
  public TimelineSpan parent(TimelineSpan span) {
    return span.parentIndex() < 0 ? null : spans.get(span.parentIndex());
  }

  /** The spans with no parent in the trace, in start order. */
  public List<TimelineSpan> roots() {
    return spans.stream().filter(s -> s.parentIndex() < 0).toList();
  }

  /** The earliest start, epoch nanoseconds: offset 0. */
  public long t0EpochNanos() {
    return t0;
  }

  /** Latest end minus earliest start, nanoseconds. */
  public long durationNanos() {
    return duration;
  }

  /** {@code epochNanos} as an offset from the start of the timeline. */
  public long offsetNanos(long epochNanos) {
    return epochNanos - t0;
  }

  /** The distinct trace ids, in order of first appearance. */
  public List<String> traceIds() {
    List<String> made = traceIds;
    if (made == null) {
      made = distinctTraceIds();
      traceIds = made; // a race makes the same list twice
    }
    return made;
  }

  private List<String> distinctTraceIds() {
    // Compared as numbers, and a run of one trace's spans once: a million spans are not a million strings.
    java.util.Set<TraceKey> seen = new java.util.HashSet<>();
    List<String> ids = new java.util.ArrayList<>();
    TraceKey last = null;
    for (TimelineSpan span : spans) {
      if (last != null && last.high == span.traceIdHigh() && last.low == span.traceIdLow()) {
        continue;
      }
      last = new TraceKey(span.traceIdHigh(), span.traceIdLow());
      if (seen.add(last)) {
        ids.add(span.traceId());
      }
    }
    return List.copyOf(ids);
  }

  private record TraceKey(long high, long low) {}

  /**
   * The cell's resource, its identity when one cell was read: each attribute from the earliest
   * span whose resource carries it (the resource of the first span, when every span shares it).
   * A span from another resource starting first (a remote agent's, a skewed clock) does not hide
   * the cell's {@code cab.tui}, {@code cab.model} or {@code cab.cell_id}.
   */
  public Map<String, Object> resource() {
    Map<String, Object> resource = cellResource;
    if (resource == null) {
      CellResource cell = new CellResource();
      for (TimelineSpan span : spans) {
        cell.add(span.resource(), span.startEpochNanos(), span.endEpochNanos());
      }
      resource = cell.resource();
      cellResource = resource; // a racing thread makes an equal map: no lock
    }
    return resource;
  }

  /** Every model call, in end order. */
  public List<ModelCall> modelCalls() {
    return modelCalls;
  }

  /** Tokens over every model call. */
  public TokenTotals tokens() {
    return tokens.after(callsByEnd.length);
  }

  /** Every chunk of terminal output, in arrival order. */
  public List<OutputChunk> output() {
    return output;
  }

  /** What was imperfect in the input and how the load got past it. */
  public List<LoadWarning> warnings() {
    return warnings;
  }

  /** The first span with this name, or null. */
  public TimelineSpan spanNamed(String name) {
    for (TimelineSpan span : spans) {
      if (span.name().equals(name)) {
        return span;
      }
    }
    return null;
  }

  /** The cell at {@code offsetNanos} from its start, with nothing selected. */
  public Frame frame(long offsetNanos) {
    return frame(offsetNanos, null);
  }

  /** The cell at {@code offsetNanos} from its start, with {@code selected} selected (or null). */
  public Frame frame(long offsetNanos, TimelineSpan selected) {
    long t = t0 + offsetNanos;
    List<Integer> activePositions = activeIndex.activeAt(t);
    List<TimelineSpan> active = new AbstractList<>() {
      @Override
      public TimelineSpan get(int i) {
        return spans.get(activePositions.get(i));
      }

      @Override
      public int size() {
        return activePositions.size();
      }
    };
    int ended = endsUpTo(t, true);
    int endedZeroLengthNow =
        ActiveSpanIndex.upperBound(zeroLengthStarts, t) - ActiveSpanIndex.lowerBound(zeroLengthStarts, t);
    List<TimelineSpan> finished = finishedView(ended, t, endedZeroLengthNow);
    int started = ActiveSpanIndex.upperBound(starts, t);
    int calls = endingBy(callsByEnd, t, true);
    int chunks = ActiveSpanIndex.upperBound(outputTimes, t);
    return new Frame(
        offsetNanos,
        active,
        finished,
        spans.subList(started, spans.size()),
        selected,
        modelCalls.subList(0, calls),
        tokens.after(calls),
        new TerminalOutput(output.subList(0, chunks)));
  }

  private Children children() {
    Children made = children;
    if (made == null) {
      synchronized (childrenLock) {
        made = children;
        if (made == null) {
          made = Children.of(spans);
          children = made;
        }
      }
    }
    return made;
  }

  /**
   * The children of every span: those of the span at position p are {@code index[start[p],
   * start[p + 1])}, in start order.
   */
  private record Children(int[] start, int[] index) {

    static Children of(List<TimelineSpan> spans) {
      int n = spans.size();
      int[] start = new int[n + 1];
      for (TimelineSpan span : spans) {
        if (span.parentIndex >= 0) {
          start[span.parentIndex + 1]++;
        }
      }
      for (int i = 0; i < n; i++) {
        start[i + 1] += start[i];
      }
      int[] index = new int[start[n]];
      int[] filled = new int[n];
      for (TimelineSpan span : spans) {
        if (span.parentIndex >= 0) {
          index[start[span.parentIndex] + filled[span.parentIndex]++] = span.index;
        }
      }
      return new Children(start, index);
    }
  }

  /** A list's elements in the order of their positions in {@code order}. */
  private static final class Reordered extends AbstractList<TimelineSpan> implements java.util.RandomAccess {
    private final List<TimelineSpan> list;
    private final int[] order;

    Reordered(List<TimelineSpan> list, int[] order) {
      this.list = list;
      this.order = order;
    }

    @Override
    public TimelineSpan get(int i) {
      return list.get(order[i]);
    }

    @Override
    public int size() {
      return order.length;
    }
  }

  /** The number of spans ending at or before {@code t} ({@code atT}), or before it. */
  private int endsUpTo(long t, boolean atT) {
    return endingBy(endOrder, t, atT);
  }

  /**
   * Of the spans at {@code positions} (in end order), the number ending at or before {@code t}
   * ({@code atT}), or before it.
   */
  private int endingBy(int[] positions, long t, boolean atT) {
    int low = 0;
    int high = positions.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      long end = ends[positions[mid]];
      if (end < t || (atT && end == t)) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private List<TimelineSpan> finishedView(int ended, long t, int zeroLengthAtT) {
    if (zeroLengthAtT == 0) {
      return byEnd.subList(0, ended);
    }
    // A zero-length span at t is active, not finished. Spans ending exactly at t sit at the end
    // of the ended range: only that short tail needs filtering.
    int endingBefore = endsUpTo(t, false);
    List<TimelineSpan> tail = new ArrayList<>();
    for (int i = endingBefore; i < ended; i++) {
      TimelineSpan span = byEnd.get(i);
      if (!(span.durationNanos() == 0 && span.startEpochNanos() == t)) {
        tail.add(span);
      }
    }
    List<TimelineSpan> head = byEnd.subList(0, endingBefore);
    return new AbstractList<>() {
      @Override
      public TimelineSpan get(int i) {
        return i < head.size() ? head.get(i) : tail.get(i - head.size());
      }

      @Override
      public int size() {
        return head.size() + tail.size();
      }
    };
  }

  /** A cursor over this timeline, at offset 0, nothing selected, paused, on the system clock. */
  public ReplayCursor cursor() {
    return ReplayCursor.builder(this).build();
  }

  @Override
  public String toString() {
    return "Timeline{" + source + ", " + spans.size() + " spans, " + Durations.seconds(duration) + "}";
  }
}
