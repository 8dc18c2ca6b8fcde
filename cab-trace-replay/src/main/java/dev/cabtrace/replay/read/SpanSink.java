package dev.cabtrace.replay.read;

import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.util.ArrayList;
import java.util.List;

/** Where a format reader puts what it finds: spans, warnings, and problems with lines. */
interface SpanSink {

  void span(TimelineSpan.Builder span, long line);

  /** A span already built (on a parsing thread). */
  default void span(TimelineSpan span, long line) {
    throw new UnsupportedOperationException("built spans go only to the timeline");
  }

  void warn(long line, String message);

  /**
   * A warning of a kind many spans may have (data the capturing SDK dropped): beyond a few of a
   * kind, the timeline counts them in one line.
   */
  default void warnOfKind(String kind, long line, String message) {
    warn(line, message);
  }

  /** A warning given once per load, however many lines have it (a clamped timestamp). */
  default void warnOncePerLoad(long line, String message) {
    warn(line, message);
  }

  /**
   * A line that could not be read: a warning, {@code problem; consequence}, or in strict mode the
   * end of the load, said with the problem alone: what a load that goes on does about it (skips
   * the line) does not happen then.
   *
   * @param consequence what a load that goes on does about it ({@code skipped}), or null
   */
  void problem(String source, long line, String problem, String consequence) throws TraceReadException;

  /** The warning a problem is when the load goes on. */
  static String warning(String problem, String consequence) {
    return consequence == null ? problem : problem + "; " + consequence;
  }

  /**
   * Whether an end time of 0 is a span still open, which this sink ends: a crash journal's.
   * Elsewhere 0 is no time, and the readers say so.
   */
  default boolean endsOpenSpansAtZero() {
    return false;
  }

  /**
   * Straight into the timeline. With {@code readCalls}, each span's model call is read here, as
   * {@link Buffered} reads it: a ledger's stream then always finds it read, and the compiled
   * ledger need not carry the reading of one.
   */
  static SpanSink direct(TimelineBuilder builder, boolean strict, boolean readCalls) {
    return new SpanSink() {
      @Override
      public void span(TimelineSpan.Builder span, long line) {
        TimelineSpan built = span.build();
        if (readCalls) {
          ModelCall.readAhead(built);
        }
        builder.add(built, line);
      }

      @Override
      public void span(TimelineSpan span, long line) {
        builder.add(span, line);
      }

      @Override
      public void warn(long line, String message) {
        builder.warn(line, message);
      }

      @Override
      public void warnOfKind(String kind, long line, String message) {
        builder.warn(kind, line, message);
      }

      @Override
      public void problem(String source, long line, String problem, String consequence) throws TraceReadException {
        if (strict) {
          throw new TraceReadException(source + (line > 0 ? ":" + line : "") + ": " + problem);
        }
        builder.warn(line, warning(problem, consequence));
      }
    };
  }

  /** Nothing kept: sets {@code warned[0]} on any warning or problem. */
  static SpanSink flagging(boolean[] warned) {
    return new SpanSink() {
      @Override
      public void span(TimelineSpan.Builder span, long line) {}

      @Override
      public void warn(long line, String message) {
        warned[0] = true;
      }

      @Override
      public void problem(String source, long line, String problem, String consequence) {
        warned[0] = true;
      }
    };
  }

  /**
   * Spans from the crash journal {@code journal}: only those the capture lacks, the open ones ended
   * at the heartbeat. Its warnings name the journal and its line.
   */
  static SpanSink journal(TimelineBuilder builder, long heartbeat, String journal) {
    return new SpanSink() {
      @Override
      public void span(TimelineSpan.Builder span, long line) {
        TimelineSpan probe = span.build();
        if (builder.contains(probe)) {
          return;
        }
        if (span.endEpochNanos() == 0) {
          // Never ended: shown ending at the last sign of life, and marked unfinished.
          span.setEndEpochNanos(Math.max(heartbeat, span.startEpochNanos())).setUnfinished(true);
          warn(line, "span " + probe.spanId() + " (" + probe.name() + ") never ended: the process stopped; shown unfinished, ending at its last heartbeat");
        } else {
          warn(line, "span " + probe.spanId() + " (" + probe.name() + ") ended but never reached the capture file; recovered from the crash journal");
        }
        // Line 0: the timeline's later warnings about it (a missing parent) name the trace file, not the journal.
        builder.add(span, 0);
      }

      @Override
      public void warn(long line, String message) {
        builder.warn(new LoadWarning(journal, line, message));
      }

      @Override
      public void warnOfKind(String kind, long line, String message) {
        builder.warn(kind, new LoadWarning(journal, line, message));
      }

      @Override
      public void problem(String source, long line, String problem, String consequence) {
        warn(line, warning(problem, consequence));
      }

      @Override
      public boolean endsOpenSpansAtZero() {
        return true;
      }
    };
  }

  /**
   * Kept in order, to be handed on later: what a thread found in its share of the lines, or in a
   * block of the lines it reads alone.
   */
  final class Buffered implements SpanSink {
    private Object[] events = new Object[64];
    private long[] lines = new long[64];
    private int size;
    private boolean readCalls;

    Buffered() {
      this(false);
    }

    /**
     * With {@code readCalls}, each span's model call is read too, before the spans are handed on
     * (a ledger's stream will ask).
     */
    Buffered(boolean readCalls) {
      this.readCalls = readCalls;
    }

    @Override
    public void span(TimelineSpan.Builder span, long line) {
      // Built here, on the parsing thread: the timeline only has to add it.
      add(span.build(), line);
    }

    @Override
    public void warn(long line, String message) {
      add(new Warning(message, null, false, false, null), line);
    }

    @Override
    public void problem(String source, long line, String problem, String consequence) {
      add(new Warning(problem, consequence, true, false, null), line);
    }

    @Override
    public void warnOncePerLoad(long line, String message) {
      add(new Warning(message, null, false, true, null), line);
    }

    @Override
    public void warnOfKind(String kind, long line, String message) {
      add(new Warning(message, null, false, false, kind), line);
    }

    /**
     * Empties it, for a load that reads its model calls too ({@code readCalls}) or not: a thread
     * keeps one from file to file.
     */
    Buffered reset(boolean readCalls) {
      this.readCalls = readCalls;
      java.util.Arrays.fill(events, 0, size, null);
      size = 0;
      return this;
    }

    /** How many spans and warnings it has room for. */
    int capacity() {
      return events.length;
    }

    /**
     * Hands on what was found so far to {@code sink} as {@link #drainTo} does (the model calls read
     * first, as {@link #detach} reads them), and starts empty again: a thread reading lines on its
     * own hands them on a block at a time.
     */
    void handOn(SpanSink sink, String source, boolean[] givenOnce) throws TraceReadException {
      if (readCalls) {
        readCalls();
      }
      try {
        drainTo(sink, source, givenOnce, 0);
      } finally {
        java.util.Arrays.fill(events, 0, size, null);
        size = 0;
      }
    }

    /**
     * Reads the model call of each span found so far, still on the parsing thread, in a loop of
     * its own: read as each span was found, the reading was compiled into the scanner's every
     * compilation (four of them, half a second of compiling in a one-second {@code tokens} run).
     */
    private void readCalls() {
      for (int k = 0; k < size; k++) {
        if (events[k] instanceof TimelineSpan span) {
          ModelCall.readAhead(span);
        }
      }
    }

    private void add(Object event, long line) {
      if (size == events.length) {
        events = java.util.Arrays.copyOf(events, 2 * size);
        lines = java.util.Arrays.copyOf(lines, 2 * size);
      }
      events[size] = event;
      lines[size] = line;
      size++;
    }

    /** What was found so far, taken away: this one starts empty again. */
    Buffered detach() {
      if (readCalls) {
        readCalls();
      }
      Buffered taken = new Buffered();
      taken.events = java.util.Arrays.copyOf(events, size);
      taken.lines = java.util.Arrays.copyOf(lines, size);
      taken.size = size;
      java.util.Arrays.fill(events, 0, size, null);
      size = 0;
      return taken;
    }

    /**
     * Hands everything on, in the order it was found, each line number moved on by {@code
     * linesBefore}; a once-per-load warning only if {@code givenOnce[0]} is not yet set (each
     * thread's share of the lines has its own).
     */
    void drainTo(SpanSink sink, String source, boolean[] givenOnce, long linesBefore) throws TraceReadException {
      for (int i = 0; i < size; i++) {
        Object event = events[i];
        long line = lines[i] + linesBefore;
        if (event instanceof TimelineSpan) {
          sink.span((TimelineSpan) event, line);
        } else {
          Warning warning = (Warning) event;
          if (warning.oncePerLoad) {
            if (!givenOnce[0]) {
              givenOnce[0] = true;
              sink.warn(line, warning.message);
            }
          } else if (warning.problem) {
            sink.problem(source, line, warning.message, warning.consequence);
          } else if (warning.kind != null) {
            sink.warnOfKind(warning.kind, line, warning.message);
          } else {
            sink.warn(line, warning.message);
          }
        }
      }
    }

    /** A warning, or a problem ({@code message}) with its {@code consequence}; a warning of a {@code kind} many spans may have. */
    private record Warning(String message, String consequence, boolean problem, boolean oncePerLoad, String kind) {}
  }
}
