package dev.cabtrace.replay.ledger;

import dev.cabtrace.replay.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Limits a cell must stay within, for a CI gate on an adapter:
 *
 * <pre>{@code
 * Budget budget = Budget.builder().setMaxTotalTokens(10_000).setMaxWallClock(Duration.ofMinutes(2)).build();
 * for (BudgetCheck check : budget.check(CellScore.of(timeline))) {
 *   System.out.println(check.message());   // over budget: total_tokens 12034 > 10000
 * }
 * }</pre>
 *
 * A limit on a figure the trace did not record (tokens with no model-call record, the wall clock
 * of a run that never ended) is broken: a gate cannot pass on what it cannot see.
 */
public final class Budget {

  private final Long maxTotalTokens;
  private final Long maxModelCalls;
  private final Duration maxWallClock;
  private final Duration maxModelCallTime;
  private final boolean requirePass;

  private Budget(Builder builder) {
    this.maxTotalTokens = builder.maxTotalTokens;
    this.maxModelCalls = builder.maxModelCalls;
    this.maxWallClock = builder.maxWallClock;
    this.maxModelCallTime = builder.maxModelCallTime;
    this.requirePass = builder.requirePass;
  }

  /** A builder with no limit set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether no limit is set. */
  public boolean isEmpty() {
    return maxTotalTokens == null && maxModelCalls == null && maxWallClock == null && maxModelCallTime == null
        && !requirePass;
  }

  /** One outcome per limit set, in the order tokens, model calls, wall clock, model-call time, pass. */
  public List<BudgetCheck> check(CellScore score) {
    Objects.requireNonNull(score, "score");
    List<BudgetCheck> checks = new ArrayList<>();
    if (maxTotalTokens != null) {
      Long total = score.totalTokens();
      if (total == null) {
        checks.add(broken("total_tokens", "total_tokens not recorded (" + score.modelCalls()
            + " model call record(s)), limit " + maxTotalTokens));
      } else {
        checks.add(compare("total_tokens", total <= maxTotalTokens, total + "", maxTotalTokens + ""));
      }
    }
    if (maxModelCalls != null) {
      checks.add(compare("model_calls", score.modelCalls() <= maxModelCalls, score.modelCalls() + "", maxModelCalls + ""));
    }
    if (maxWallClock != null && score.runUnfinished()) {
      checks.add(broken("wall_clock_ms", "wall_clock_ms unknown, at least " + Millis.text(score.wallClockNanos())
          + " (an adapter_run never ended), limit " + Millis.text(maxWallClock.toNanos())));
    } else if (maxWallClock != null) {
      checks.add(compare("wall_clock_ms", score.wallClockNanos() <= maxWallClock.toNanos(),
          Millis.text(score.wallClockNanos()), Millis.text(maxWallClock.toNanos())));
    }
    if (maxModelCallTime != null) {
      checks.add(compare("model_call_ms", score.modelCallNanos() <= maxModelCallTime.toNanos(),
          Millis.text(score.modelCallNanos()), Millis.text(maxModelCallTime.toNanos())));
    }
    if (requirePass) {
      if (score.pass() == null) {
        checks.add(broken("pass", "pass not recorded (no cab.pass on adapter_run), required true"));
      } else if (!score.pass()) {
        checks.add(broken("pass", "pass false, required true"));
      } else {
        checks.add(new BudgetCheck("pass", true, "within budget: pass true, required true"));
      }
    }
    return checks;
  }

  private static BudgetCheck compare(String figure, boolean within, String actual, String limit) {
    return within
        ? new BudgetCheck(figure, true, "within budget: " + figure + " " + actual + " <= " + limit)
        : broken(figure, figure + " " + actual + " > " + limit);
  }

  private static BudgetCheck broken(String figure, String what) {
    return new BudgetCheck(figure, false, "over budget: " + what);
  }

  /**
   * Parses a duration limit as every DURATION option of the CLI does: {@code 90s}, {@code 1500ms},
   * {@code 2m}, {@code 1h}, {@code 1d}, a bare number of seconds, or ISO-8601 ({@code PT1M30S}).
   *
   * @throws IllegalArgumentException naming the text when it is not a duration, when it is finer
   *     than a nanosecond, or when it is longer than about 292 years (budgets compare in nanoseconds)
   */
  public static Duration parseDuration(String text) {
    return Duration.ofNanos(Durations.parse(text));
  }

  /** Sets the limits; every limit is optional. */
  public static final class Builder {
    private Long maxTotalTokens;
    private Long maxModelCalls;
    private Duration maxWallClock;
    private Duration maxModelCallTime;
    private boolean requirePass;

    private Builder() {}

    /** At most this many prompt plus completion tokens. */
    public Builder setMaxTotalTokens(long max) {
      this.maxTotalTokens = nonNegative(max, "max total tokens");
      return this;
    }

    /** At most this many model calls. */
    public Builder setMaxModelCalls(long max) {
      this.maxModelCalls = nonNegative(max, "max model calls");
      return this;
    }

    /**
     * The run's wall-clock time at most this.
     *
     * @throws IllegalArgumentException when {@code max} is negative or longer than about 292 years
     *     (budgets compare in nanoseconds)
     */
    public Builder setMaxWallClock(Duration max) {
      this.maxWallClock = nonNegative(max, "max wall clock");
      return this;
    }

    /**
     * The summed model-call time at most this.
     *
     * @throws IllegalArgumentException when {@code max} is negative or longer than about 292 years
     *     (budgets compare in nanoseconds)
     */
    public Builder setMaxModelCallTime(Duration max) {
      this.maxModelCallTime = nonNegative(max, "max model-call time");
      return this;
    }

    /** Whether the cell must have passed ({@code cab.pass} true). */
    public Builder setRequirePass(boolean requirePass) {
      this.requirePass = requirePass;
      return this;
    }

    /** The budget. */
    public Budget build() {
      return new Budget(this);
    }

    private static long nonNegative(long value, String what) {
      if (value < 0) {
        throw new IllegalArgumentException(what + " must not be negative: " + value);
      }
      return value;
    }

    private static Duration nonNegative(Duration value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative: " + value);
      }
      try {
        value.toNanos();
      } catch (ArithmeticException e) {
        // Refused here, not when check compares in nanoseconds and overflows.
        throw new IllegalArgumentException(what + " must not be longer than 292 years: " + value);
      }
      return value;
    }
  }
}
