package dev.cabtrace.replay.ledger;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.internal.SaturatingSum;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@code tokens} and {@code latency} axes of one cell, with the cell page's scorer key names.
 * A figure the trace does not hold is null, never 0:
 *
 * <ul>
 *   <li>the token counts are null when the trace holds no model-call record, or when any record
 *       lacks its prompt or completion count (a sum over some calls would understate the cell);
 *       they are all known or all null;
 *   <li>the verdict is null when no {@code adapter_run} span carries {@code cab.pass}.
 * </ul>
 *
 * <pre>{@code
 * CellScore score = CellScore.of(TraceReader.create().read(Path.of("cell.jsonl")));
 * score.wallClockMs();    // 85456.275
 * score.totalTokens();    // null: not recorded
 * }</pre>
 *
 * @param promptTokens prompt tokens over every model call, or null
 * @param completionTokens completion tokens over every model call, or null (null exactly when
 *     {@code promptTokens} is)
 * @param modelCalls model-call records in the trace
 * @param pass the verdict, {@code cab.pass} on {@code adapter_run}, or null
 * @param wallClockNanos the run's wall-clock time: from the first {@code adapter_run} start to the
 *     last {@code adapter_run} end; without an {@code adapter_run}, the whole trace. An {@code
 *     adapter_run} that never ended runs to the latest start or end of any span: a lower bound
 * @param containerActiveNanos the summed durations of the {@code container} spans, one that never
 *     ended measured as an unfinished run is
 * @param modelCallNanos the summed durations of the model-call records
 * @param runUnfinished whether an {@code adapter_run} never ended, so that {@code wallClockNanos}
 *     is only a lower bound (a budget on it does not hold)
 */
public record CellScore(
    Long promptTokens,
    Long completionTokens,
    long modelCalls,
    Boolean pass,
    long wallClockNanos,
    long containerActiveNanos,
    long modelCallNanos,
    boolean runUnfinished) {

  /** Checks that the token counts are both known or both unknown and nothing is negative. */
  public CellScore {
    if ((promptTokens == null) != (completionTokens == null)) {
      throw new IllegalArgumentException("prompt and completion tokens are both known or both null");
    }
    if (modelCalls < 0 || wallClockNanos < 0 || containerActiveNanos < 0 || modelCallNanos < 0) {
      throw new IllegalArgumentException("negative figure in a cell score");
    }
  }

  /** A score of a run that ended. */
  public CellScore(Long promptTokens, Long completionTokens, long modelCalls, Boolean pass, long wallClockNanos,
      long containerActiveNanos, long modelCallNanos) {
    this(promptTokens, completionTokens, modelCalls, pass, wallClockNanos, containerActiveNanos, modelCallNanos, false);
  }

  /** The figures of the cell {@code timeline} holds. */
  public static CellScore of(Timeline timeline) {
    Accumulator score = new Accumulator();
    timeline.spans().forEach(score);
    return score.score();
  }

  /** Sums the figures over spans given one by one, in any order. */
  static final class Accumulator implements Consumer<TimelineSpan> {
    private long first = Long.MAX_VALUE;
    private long last = Long.MIN_VALUE;
    private long runStart = Long.MAX_VALUE;
    private long runEnd = Long.MIN_VALUE;
    private long container;
    private boolean runUnfinished;
    // Starts of the container spans that never ended, measured once the trace's latest time is known.
    private final List<Long> openContainers = new ArrayList<>(0);
    private Boolean pass;
    // Declared calls, and those taken for calls by their GenAI attributes: the second count only
    // in a trace without the first (ModelCall.declares).
    private final Calls declared = new Calls();
    private final Calls inferred = new Calls();

    @Override
    public void accept(TimelineSpan span) {
      first = Math.min(first, span.startEpochNanos());
      last = Math.max(last, Math.max(span.startEpochNanos(), span.endEpochNanos()));
      if (span.kind() == CabSpanKind.ADAPTER_RUN) {
        runStart = Math.min(runStart, span.startEpochNanos());
        runEnd = Math.max(runEnd, span.endEpochNanos());
        runUnfinished |= span.unfinished();
        pass = verdict(pass, span);
      } else if (span.kind() == CabSpanKind.CONTAINER) {
        if (span.unfinished()) {
          openContainers.add(span.startEpochNanos());
        } else {
          container = sum(container, span.durationNanos());
        }
      }
      ModelCall call = ModelCall.of(span);
      if (call != null) {
        (ModelCall.declares(span) ? declared : inferred).add(call);
      }
    }

    CellScore score() {
      Calls counted = declared.calls > 0 ? declared : inferred;
      boolean tokensKnown = counted.calls > 0 && counted.countsKnown;
      // A span that never ended ends where the reader put it (its start, or a crash journal's last
      // heartbeat): it ran at least until the latest time the trace records, so it is measured to there.
      long end = runUnfinished ? Math.max(runEnd, last) : runEnd;
      long wall = end >= runStart ? end - runStart : last >= first ? last - first : 0;
      long active = container;
      for (long start : openContainers) {
        active = sum(active, Math.max(0, last - start));
      }
      return new CellScore(tokensKnown ? counted.prompt : null, tokensKnown ? counted.completion : null,
          counted.calls, pass, wall, active, counted.nanos, runUnfinished);
    }
  }

  /** Model calls being summed. */
  private static final class Calls {
    long calls;
    long nanos;
    long prompt;
    long completion;
    boolean countsKnown = true;

    void add(ModelCall call) {
      calls++;
      nanos = sum(nanos, call.latencyNanos());
      if (call.inputTokens() == null || call.outputTokens() == null) {
        countsKnown = false;
      } else {
        prompt = sum(prompt, call.inputTokens());
        completion = sum(completion, call.outputTokens());
      }
    }
  }

  /**
   * {@code a + b}, held at {@link Long#MAX_VALUE} where it would overflow: a trace whose times were
   * clamped at the year 2262 (a load warning says so) or whose token counts are absurd must still
   * score, not wrap around to a negative figure.
   */
  static long sum(long a, long b) {
    return SaturatingSum.of(a, b);
  }

  /**
   * The verdict of a cell once {@code span} is seen, given its verdict so far ({@code null}: none
   * yet): {@code cab.pass} on an {@code adapter_run} span, {@code true}, {@code false}, {@code 1},
   * {@code 0} or their text in any case (Zipkin and Jaeger carry every tag as text); a span of
   * another kind, or without a verdict it can read, leaves it as it was. Several runs in one
   * trace: one failure fails the cell. The one rule every ledger reads a verdict with.
   *
   * <pre>{@code
   * Boolean pass = null;
   * for (TimelineSpan span : timeline.spans()) {
   *   pass = CellScore.verdict(pass, span);
   * }
   * }</pre>
   */
  public static Boolean verdict(Boolean sofar, TimelineSpan span) {
    if (span.kind() != CabSpanKind.ADAPTER_RUN) {
      return sofar;
    }
    Boolean verdict = verdict(span.attribute("cab.pass"));
    if (verdict == null || sofar == null) {
      return verdict == null ? sofar : verdict; // (a ternary of the two unboxes a null)
    }
    return sofar && verdict;
  }

  private static Boolean verdict(Object value) {
    if (value instanceof Boolean) {
      return (Boolean) value;
    }
    // Zipkin and Jaeger carry every tag as text.
    if (value instanceof String) {
      String text = ((String) value).trim();
      if (text.equalsIgnoreCase("true") || text.equals("1")) {
        return true;
      }
      if (text.equalsIgnoreCase("false") || text.equals("0")) {
        return false;
      }
    }
    if (value instanceof Long) {
      long number = (Long) value;
      return number == 1 ? Boolean.TRUE : number == 0 ? Boolean.FALSE : null;
    }
    return null;
  }

  /** Whether the token counts are known. */
  public boolean hasTokens() {
    return promptTokens != null;
  }

  /** Prompt plus completion tokens, or null when not recorded. */
  public Long totalTokens() {
    return promptTokens == null ? null : sum(promptTokens, completionTokens);
  }

  /** 1 when the cell passed, 0 when it failed, null when no verdict was recorded. */
  public Integer passUsedForDivision() {
    return pass == null ? null : pass ? 1 : 0;
  }

  /** Total tokens divided by {@link #passUsedForDivision()}, or null when either is unknown or 0. */
  public Long tokensPerCorrectTask() {
    Long total = totalTokens();
    Integer divisor = passUsedForDivision();
    return total == null || divisor == null || divisor == 0 ? null : total / divisor;
  }

  /** {@link #wallClockNanos()} in milliseconds, with the nanoseconds kept as fractions. */
  public double wallClockMs() {
    return Millis.of(wallClockNanos);
  }

  /** {@link #containerActiveNanos()} in milliseconds. */
  public double containerActiveMs() {
    return Millis.of(containerActiveNanos);
  }

  /** {@link #modelCallNanos()} in milliseconds. */
  public double modelCallMs() {
    return Millis.of(modelCallNanos);
  }
}
