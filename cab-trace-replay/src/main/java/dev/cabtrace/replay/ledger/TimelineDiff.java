package dev.cabtrace.replay.ledger;

import dev.cabtrace.replay.internal.SaturatingSum;

import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Two cells side by side: their spans aligned, and how each figure of their {@link CellScore}s
 * changed from A to B.
 *
 * <p>Spans are aligned by their path: the chain of {@code kind:name} from the root, the n-th of
 * several identical siblings (in start order) marked {@code #n}, e.g. {@code
 * adapter_run:openhands:polyglot/x > container:openhands:run > model_call:chat gpt-5#2}. A {@code #}
 * or {@code \} in a kind or name is written {@code \#} or {@code \\}: a span named {@code chat#2}
 * is {@code model_call:chat\#2}.
 *
 * <pre>{@code
 * TimelineDiff diff = TimelineDiff.of(before, after);
 * Double tokens = diff.changePercent(TimelineDiff.Axis.TOTAL_TOKENS);   // +12.5, or null if not recorded
 * }</pre>
 */
public final class TimelineDiff {

  /** A figure compared between the two cells; {@link #limitName()} names it in a regression limit. */
  public enum Axis {
    /** Prompt plus completion tokens. */
    TOTAL_TOKENS("tokens", "total_tokens"),
    /** The number of model-call records. */
    MODEL_CALLS("model_calls", "model_calls"),
    /** The run's wall-clock time. */
    WALL_CLOCK("wall", "wall_clock_ms"),
    /** The summed container time. */
    CONTAINER_ACTIVE("container", "container_active_ms"),
    /** The summed model-call time. */
    MODEL_CALL_TIME("model_call_time", "model_call_ms");

    private final String limitName;
    private final String key;

    Axis(String limitName, String key) {
      this.limitName = limitName;
      this.key = key;
    }

    /** Its name in {@code --max-regression}: {@code tokens}, {@code wall}, ... */
    public String limitName() {
      return limitName;
    }

    /** Its scorer key: {@code total_tokens}, {@code wall_clock_ms}, ... */
    public String key() {
      return key;
    }

    /** Its value in {@code score} (milliseconds for times), or null when not recorded. */
    public Double valueOf(CellScore score) {
      switch (this) {
        case TOTAL_TOKENS:
          return score.totalTokens() == null ? null : score.totalTokens().doubleValue();
        case MODEL_CALLS:
          return (double) score.modelCalls();
        case WALL_CLOCK:
          return score.wallClockMs();
        case CONTAINER_ACTIVE:
          return score.containerActiveMs();
        default:
          return score.modelCallMs();
      }
    }

    /** The axis named {@code name} in a regression limit ({@code tokens}, or its key {@code total_tokens}). */
    public static Axis fromName(String name) {
      String wanted = name.trim().toLowerCase(Locale.ROOT);
      for (Axis axis : values()) {
        if (axis.limitName.equals(wanted) || axis.key.equals(wanted)) {
          return axis;
        }
      }
      throw new IllegalArgumentException("unknown figure \"" + name
          + "\" (use tokens, model_calls, wall, container or model_call_time)");
    }
  }

  /**
   * One span path and where it occurs.
   *
   * @param path the path's segments, root first: {@code kind:name}, with {@code #n} for the n-th
   *     of identical siblings, and {@code \#} and {@code \\} for a {@code #} or {@code \} in it
   * @param a the span in A, or null when only B has it
   * @param b the span in B, or null when only A has it
   * @param callA the model-call record of {@code a}, or null when {@code a} is not a model call
   * @param callB the model-call record of {@code b}, or null
   */
  public record SpanChange(List<String> path, TimelineSpan a, TimelineSpan b, ModelCall callA, ModelCall callB) {

    /** The path as one string, segments joined with {@code " > "}. */
    public String pathText() {
      return String.join(" > ", path);
    }

    /** Whether either side is a model call. */
    public boolean isModelCall() {
      return callA != null || callB != null;
    }

    /** The duration in B minus the duration in A, or null unless both have the span. */
    public Long durationChangeNanos() {
      return a == null || b == null ? null : b.durationNanos() - a.durationNanos();
    }

    /** Prompt plus completion tokens of the call in A, or null when not recorded. */
    public Long tokensA() {
      return tokens(callA);
    }

    /** Prompt plus completion tokens of the call in B, or null when not recorded. */
    public Long tokensB() {
      return tokens(callB);
    }

    private static Long tokens(ModelCall call) {
      return call == null || call.inputTokens() == null || call.outputTokens() == null
          ? null
          : SaturatingSum.of(call.inputTokens(), call.outputTokens());
    }
  }

  private final Timeline a;
  private final Timeline b;
  private final CellScore scoreA;
  private final CellScore scoreB;
  private final List<SpanChange> matched;
  private final List<SpanChange> onlyInA;
  private final List<SpanChange> onlyInB;

  private TimelineDiff(Timeline a, Timeline b) {
    this.a = a;
    this.b = b;
    this.scoreA = CellScore.of(a);
    this.scoreB = CellScore.of(b);
    SpanPath root = SpanPath.root();
    Map<SpanPath, Entry> inA = paths(a, root);
    Map<SpanPath, Entry> inB = paths(b, root);
    List<SpanChange> both = new ArrayList<>();
    List<SpanChange> aOnly = new ArrayList<>();
    for (Map.Entry<SpanPath, Entry> entry : inA.entrySet()) {
      Entry fromA = entry.getValue();
      Entry fromB = inB.get(entry.getKey());
      if (fromB == null) {
        aOnly.add(new SpanChange(fromA.path, fromA.span, null, fromA.call, null));
      } else {
        both.add(new SpanChange(fromA.path, fromA.span, fromB.span, fromA.call, fromB.call));
      }
    }
    List<SpanChange> bOnly = new ArrayList<>();
    for (Map.Entry<SpanPath, Entry> entry : inB.entrySet()) {
      if (!inA.containsKey(entry.getKey())) {
        Entry fromB = entry.getValue();
        bOnly.add(new SpanChange(fromB.path, null, fromB.span, null, fromB.call));
      }
    }
    this.matched = List.copyOf(both);
    this.onlyInA = List.copyOf(aOnly);
    this.onlyInB = List.copyOf(bOnly);
  }

  /** Compares cell {@code a} (before) with cell {@code b} (after). */
  public static TimelineDiff of(Timeline a, Timeline b) {
    return new TimelineDiff(Objects.requireNonNull(a, "a"), Objects.requireNonNull(b, "b"));
  }

  /** The cell before. */
  public Timeline a() {
    return a;
  }

  /** The cell after. */
  public Timeline b() {
    return b;
  }

  /** A's figures. */
  public CellScore scoreA() {
    return scoreA;
  }

  /** B's figures. */
  public CellScore scoreB() {
    return scoreB;
  }

  /** The spans both cells have, in A's tree order (each parent before its children). */
  public List<SpanChange> matched() {
    return matched;
  }

  /** The spans only A has, in A's tree order. */
  public List<SpanChange> onlyInA() {
    return onlyInA;
  }

  /** The spans only B has, in B's tree order. */
  public List<SpanChange> onlyInB() {
    return onlyInB;
  }

  /**
   * How much {@code axis} grew from A to B, in percent of A (negative when it shrank); positive
   * infinity when it grew from 0; null when either cell did not record it.
   */
  public Double changePercent(Axis axis) {
    Double before = axis.valueOf(scoreA);
    Double after = axis.valueOf(scoreB);
    if (before == null || after == null) {
      return null;
    }
    if (before == 0) {
      return after == 0 ? 0.0 : Double.POSITIVE_INFINITY;
    }
    return (after - before) / before * 100;
  }

  /**
   * Whether {@code axis} grew by more than {@code maxIncreasePercent} percent from A to B; false
   * when either cell did not record it. Compared in decimal, as the figures and the limit are
   * written: a change right at the limit holds (100 to 107 tokens is 7%, where dividing in binary
   * floating point makes it 7.000000000000001%).
   */
  public boolean grewBeyond(Axis axis, double maxIncreasePercent) {
    requireFinite(axis, maxIncreasePercent);
    Double before = axis.valueOf(scoreA);
    Double after = axis.valueOf(scoreB);
    if (before == null || after == null) {
      return false;
    }
    BigDecimal a = BigDecimal.valueOf(before);
    BigDecimal growth = BigDecimal.valueOf(after).subtract(a).movePointRight(2);
    return growth.compareTo(BigDecimal.valueOf(maxIncreasePercent).multiply(a)) > 0;
  }

  /**
   * The limits that B broke, one line each with the change and the limit, e.g. {@code regression:
   * total_tokens +15.3% > +10.0% (10000 -> 11530)}, the change with as many decimals as it
   * takes to show it above the limit ({@code +0.04% > +0.03%}). A limit on a figure either cell
   * did not record is broken: the gate cannot pass on what it cannot see.
   *
   * @param maxIncreasePercent the largest allowed increase per figure, in percent
   */
  public List<String> regressions(Map<Axis, Double> maxIncreasePercent) {
    List<String> broken = new ArrayList<>();
    for (Map.Entry<Axis, Double> limit : maxIncreasePercent.entrySet()) {
      Axis axis = limit.getKey();
      double max = limit.getValue();
      requireFinite(axis, max);
      Double change = changePercent(axis);
      if (change == null) {
        String missing = axis.valueOf(scoreA) == null
            ? (axis.valueOf(scoreB) == null ? "A and B" : "A") : "B";
        broken.add("regression: " + axis.key() + " not recorded in " + missing + ", limit " + limitText(max) + "%");
      } else if (grewBeyond(axis, max)) {
        String changeText = change.isInfinite() ? "+inf" : changeText(axis, max);
        broken.add("regression: " + axis.key() + " " + changeText + "% > " + limitText(max) + "% ("
            + value(axis, scoreA) + " -> " + value(axis, scoreB) + ")");
      }
    }
    return broken;
  }

  private static void requireFinite(Axis axis, double limit) {
    if (!Double.isFinite(limit)) {
      throw new IllegalArgumentException("regression limit on " + axis.key() + " is not a finite number: " + limit);
    }
  }

  /** The limit as it was written, signed, with at least one decimal: {@code +10.0}, {@code +0.03}, {@code -5.0}. */
  private static String limitText(double limit) {
    BigDecimal exact = BigDecimal.valueOf(limit).stripTrailingZeros();
    String text = exact.setScale(Math.max(1, exact.scale())).toPlainString();
    return exact.signum() < 0 ? text : "+" + text;
  }

  /**
   * The change of a figure that grew beyond {@code limit}, signed, with one decimal or as many
   * more as it takes to show it above the limit: {@code +0.04} against {@code +0.03}, not {@code
   * +0.0} against {@code +0.0}. Computed in decimal, as {@link #grewBeyond} compares.
   */
  private String changeText(Axis axis, double limit) {
    BigDecimal before = BigDecimal.valueOf(axis.valueOf(scoreA));
    BigDecimal growth = BigDecimal.valueOf(axis.valueOf(scoreB)).subtract(before).movePointRight(2);
    BigDecimal max = BigDecimal.valueOf(limit);
    BigDecimal change = growth.divide(before, 1, RoundingMode.HALF_UP);
    // The change is above the limit, so that enough decimals always show it (and a change that is
    // not 0 as not 0: -0.04, not +0.0, against -5.0); the bound only guards.
    for (int decimals = 2; (change.compareTo(max) <= 0 || change.signum() != growth.signum()) && decimals <= 400;
        decimals++) {
      change = growth.divide(before, decimals, RoundingMode.HALF_UP);
    }
    return change.signum() < 0 ? change.toPlainString() : "+" + change.toPlainString();
  }

  /** The figure as text: whole tokens and calls, exact milliseconds. */
  static String value(Axis axis, CellScore score) {
    switch (axis) {
      case TOTAL_TOKENS:
        return String.valueOf(score.totalTokens());
      case MODEL_CALLS:
        return String.valueOf(score.modelCalls());
      case WALL_CLOCK:
        return Millis.text(score.wallClockNanos());
      case CONTAINER_ACTIVE:
        return Millis.text(score.containerActiveNanos());
      default:
        return Millis.text(score.modelCallNanos());
    }
  }

  private static final class Entry {
    final List<String> path;
    final TimelineSpan span;
    final ModelCall call;

    Entry(SpanPath path, TimelineSpan span, ModelCall call) {
      this.path = path.segments();
      this.span = span;
      this.call = call;
    }
  }

  /** A span met in the walk, and its path. */
  private record Visit(TimelineSpan span, SpanPath path) {}

  /**
   * Every span by its path, in tree order: each root, then its subtree, children in start order.
   * The paths are children of {@code root}, which both cells share: a path of A and the same path
   * of B are one object.
   */
  private static Map<SpanPath, Entry> paths(Timeline timeline, SpanPath root) {
    Map<TimelineSpan, ModelCall> calls = new IdentityHashMap<>();
    for (ModelCall call : timeline.modelCalls()) {
      calls.put(call.span(), call);
    }
    Map<SpanPath, Entry> byPath = new LinkedHashMap<>();
    // An explicit stack: a deep tree must not overflow the call stack.
    Deque<Visit> stack = new ArrayDeque<>();
    pushSiblings(stack, timeline.roots(), root);
    while (!stack.isEmpty()) {
      Visit visit = stack.pop();
      byPath.put(visit.path(), new Entry(visit.path(), visit.span(), calls.get(visit.span())));
      pushSiblings(stack, timeline.children(visit.span()), visit.path());
    }
    return byPath;
  }

  private static void pushSiblings(Deque<Visit> stack, List<TimelineSpan> siblings, SpanPath parent) {
    Map<String, Integer> seen = new HashMap<>();
    List<Visit> visits = new ArrayList<>(siblings.size());
    for (TimelineSpan span : siblings) {
      String segment = span.kindName() + ":" + span.name();
      visits.add(new Visit(span, parent.child(segment, seen.merge(segment, 1, Integer::sum))));
    }
    // Pushed in reverse so that the first sibling is visited first.
    for (int i = visits.size() - 1; i >= 0; i--) {
      stack.push(visits.get(i));
    }
  }
}
