package dev.cabtrace.replay.assertions;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.ledger.CellScore;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.replay.timeline.TokenTotals;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a {@link Timeline}. */
public final class TimelineAssert extends AbstractAssert<TimelineAssert, Timeline> {

  TimelineAssert(Timeline actual) {
    super(actual, TimelineAssert.class);
  }

  /** It holds exactly {@code count} spans. */
  public TimelineAssert hasSpanCount(int count) {
    isNotNull();
    if (actual.size() != count) {
      failWithMessage("Expected the timeline to hold %d spans but it holds %d: %s", count, actual.size(), names());
    }
    return this;
  }

  /** It holds a span of this kind. */
  public TimelineAssert hasSpanOfKind(CabSpanKind kind) {
    isNotNull();
    if (actual.spans().stream().noneMatch(s -> s.kind() == kind)) {
      failWithMessage("Expected a span of kind %s but found only %s", kind, kinds());
    }
    return this;
  }

  /** It holds a span of this kind with this name. */
  public TimelineAssert hasSpan(CabSpanKind kind, String name) {
    isNotNull();
    if (actual.spans().stream().noneMatch(s -> s.kind() == kind && s.name().equals(name))) {
      failWithMessage("Expected a span of kind %s named \"%s\" but found %s", kind, name, describeAll());
    }
    return this;
  }

  /** Assertions on the first span named {@code name}; fails if there is none. */
  public SpanAssert span(String name) {
    isNotNull();
    TimelineSpan span = actual.spanNamed(name);
    if (span == null) {
      failWithMessage("Expected a span named \"%s\" but found %s", name, names());
    }
    return new SpanAssert(actual, span);
  }

  /** Assertions on the first span of {@code kind}; fails if there is none. */
  public SpanAssert span(CabSpanKind kind) {
    isNotNull();
    TimelineSpan span = actual.spans().stream().filter(s -> s.kind() == kind).findFirst().orElse(null);
    if (span == null) {
      failWithMessage("Expected a span of kind %s but found only %s", kind, kinds());
    }
    return new SpanAssert(actual, span);
  }

  /** Its total duration (latest end − earliest start) lies within [min, max]. */
  public TimelineAssert hasTotalDurationBetween(Duration min, Duration max) {
    isNotNull();
    requireRange(min, max);
    long nanos = actual.durationNanos();
    if (nanos < min.toNanos() || nanos > max.toNanos()) {
      failWithMessage("Expected the cell to last between %s and %s but it lasted %s",
          Durations.exactMillis(min.toNanos()), Durations.exactMillis(max.toNanos()), Durations.exactMillis(nanos));
    }
    return this;
  }

  /**
   * Its model calls sum to these input and output tokens; fails when a call did not record its
   * usage, whose tokens are unknown, not 0.
   */
  public TimelineAssert hasTotalTokens(long input, long output) {
    isNotNull();
    TokenTotals tokens = actual.tokens();
    if (tokens.unknownCalls() > 0) {
      failWithMessage("Expected %d input and %d output tokens but %d of %d model call(s) recorded no input and"
          + " output count (one missing, or negative): their tokens are unknown", input, output, tokens.unknownCalls(),
          tokens.calls());
    } else if (tokens.calls() == 0) {
      // As the score and the cell page say it: no model call, no token capture for this run.
      failWithMessage("Expected %d input and %d output tokens but the trace holds no model call: its tokens were not"
          + " recorded", input, output);
    } else if (tokens.input() != input || tokens.output() != output) {
      failWithMessage("Expected %d input and %d output tokens but found %d and %d over %d model call(s)",
          input, output, tokens.input(), tokens.output(), tokens.calls());
    }
    return this;
  }

  /** It holds exactly {@code count} model calls. */
  public TimelineAssert hasModelCallCount(int count) {
    isNotNull();
    if (actual.modelCalls().size() != count) {
      failWithMessage("Expected %d model calls but found %d", count, actual.modelCalls().size());
    }
    return this;
  }

  /** Loading it raised no warning. */
  public TimelineAssert hasNoWarnings() {
    isNotNull();
    if (!actual.warnings().isEmpty()) {
      failWithMessage("Expected no load warnings but found %s", actual.warnings());
    }
    return this;
  }

  /** Assertions on its token and latency figures, as the benchmark scores them. */
  public ScoreAssert score() {
    isNotNull();
    return new ScoreAssert(CellScore.of(actual));
  }

  /** Assertions on the frame at {@code offset} from the start; a negative offset is refused. */
  public FrameAssert at(Duration offset) {
    isNotNull();
    Objects.requireNonNull(offset, "offset");
    if (offset.isNegative()) {
      throw new IllegalArgumentException("offset " + offset + " is before the cell's start (t = 0)");
    }
    return new FrameAssert(actual.frame(offset.toNanos()));
  }

  /** Refuses a range that is not one: a bound missing, or min above max. */
  static void requireRange(Duration min, Duration max) {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    if (min.compareTo(max) > 0) {
      throw new IllegalArgumentException("min " + min + " is more than max " + max);
    }
  }

  private List<String> names() {
    return actual.spans().stream().map(TimelineSpan::name).toList();
  }

  private List<String> kinds() {
    return actual.spans().stream().map(TimelineSpan::kindName).distinct().toList();
  }

  private List<String> describeAll() {
    return actual.spans().stream().map(s -> s.kindName() + " \"" + s.name() + "\"").toList();
  }
}
