package dev.cabtrace.replay.timeline;

import java.util.List;

/**
 * The state of a cell at one moment of its replay.
 *
 * @param offsetNanos the moment, in nanoseconds from the timeline's start
 * @param active the spans running at that moment (start ≤ t < end; a zero-length span only at its
 *     start), in start order
 * @param finished spans that ended by then, in end order
 * @param notStarted spans that start later, in start order
 * @param selected the span a cursor has selected, or null
 * @param modelCalls model calls that ended by then, in end order
 * @param tokens tokens of those calls
 * @param output terminal output recorded up to then
 */
public record Frame(
    long offsetNanos,
    List<TimelineSpan> active,
    List<TimelineSpan> finished,
    List<TimelineSpan> notStarted,
    TimelineSpan selected,
    List<ModelCall> modelCalls,
    TokenTotals tokens,
    TerminalOutput output) {

  /** Whether {@code span} is running at this moment. */
  public boolean isActive(TimelineSpan span) {
    return active.contains(span);
  }
}
