package dev.cabtrace.replay.page;


import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.ledger.CellScore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scorer's tokens and latency axes of one cell, under the cell page's key names, computed from
 * its trace. A value the trace cannot tell is null, shown as "not recorded": a cell without model
 * call records has unknown tokens, not zero.
 *
 * @param tokens {@code prompt_tokens}, {@code completion_tokens}, {@code total_tokens}, {@code
 *     model_calls}, {@code tokens_per_correct_task}, {@code pass_used_for_division}
 * @param latency {@code wall_clock_ms}, {@code container_active_ms}, {@code model_call_ms}
 */
record CellAxes(Map<String, Object> tokens, Map<String, Object> latency) {

  /** The axes as {@code cab-trace score} computes them (the ledger's {@link CellScore}). */
  static CellAxes of(Timeline timeline) {
    return of(CellScore.of(timeline));
  }

  /** The axes of {@code score}. */
  static CellAxes of(CellScore score) {
    Map<String, Object> tokens = new LinkedHashMap<>();
    tokens.put("prompt_tokens", score.promptTokens());
    tokens.put("completion_tokens", score.completionTokens());
    tokens.put("total_tokens", score.totalTokens());
    tokens.put("model_calls", score.modelCalls());
    tokens.put("tokens_per_correct_task", score.tokensPerCorrectTask());
    tokens.put("pass_used_for_division", score.passUsedForDivision() == null ? null : (long) score.passUsedForDivision());

    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("wall_clock_ms", score.wallClockMs());
    latency.put("container_active_ms", score.containerActiveMs());
    latency.put("model_call_ms", score.modelCallMs());
    return new CellAxes(Collections.unmodifiableMap(tokens), Collections.unmodifiableMap(latency));
  }

  /** Milliseconds with microsecond precision, as {@code show --json} writes them. */
  static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  /** A value as the page shows it: "not recorded" for null, whole numbers without a fraction. */
  static String display(Object value) {
    if (value == null) {
      return "not recorded";
    }
    if (value instanceof Double) {
      double d = (Double) value;
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
    }
    return String.valueOf(value);
  }
}
