package dev.cabtrace.replay.assertions;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.timeline.Frame;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/** Assertions on the state of a cell at one moment. */
public final class FrameAssert extends AbstractAssert<FrameAssert, Frame> {

  FrameAssert(Frame actual) {
    super(actual, FrameAssert.class);
  }

  /**
   * Among the spans running at this moment are the ones named, at least one ({@link
   * #hasExactlyActiveSpans()} with none says that none is running).
   */
  public FrameAssert hasActiveSpans(String... names) {
    isNotNull();
    Objects.requireNonNull(names, "names");
    if (names.length == 0) {
      throw new IllegalArgumentException("name at least one span; hasExactlyActiveSpans() says that none is active");
    }
    List<String> active = activeNames();
    for (String name : names) {
      if (!active.contains(name)) {
        failWithMessage("Expected span \"%s\" to be active at t = %s but the active spans are %s",
            name, Durations.groupedMillis(actual.offsetNanos()), active);
      }
    }
    return this;
  }

  /** Exactly the spans named are running at this moment, in start order. */
  public FrameAssert hasExactlyActiveSpans(String... names) {
    isNotNull();
    Objects.requireNonNull(names, "names");
    if (!activeNames().equals(Arrays.asList(names))) {
      failWithMessage("Expected exactly %s to be active at t = %s but found %s",
          Arrays.asList(names), Durations.groupedMillis(actual.offsetNanos()), activeNames());
    }
    return this;
  }

  /** A span of this kind is running at this moment. */
  public FrameAssert hasActiveSpanOfKind(CabSpanKind kind) {
    isNotNull();
    if (actual.active().stream().noneMatch(s -> s.kind() == kind)) {
      failWithMessage("Expected a span of kind %s to be active at t = %s but the active spans are %s",
          kind, Durations.groupedMillis(actual.offsetNanos()), activeNames());
    }
    return this;
  }

  /** Exactly {@code count} model calls ended by this moment. */
  public FrameAssert hasFinishedModelCalls(int count) {
    isNotNull();
    if (actual.modelCalls().size() != count) {
      failWithMessage("Expected %d model calls to have finished by t = %s but %d had",
          count, Durations.groupedMillis(actual.offsetNanos()), actual.modelCalls().size());
    }
    return this;
  }

  /**
   * The model calls ended by this moment sum to these tokens; fails when one of them did not record
   * its usage, whose tokens are unknown, not 0.
   */
  public FrameAssert hasTokensSoFar(long input, long output) {
    isNotNull();
    if (actual.tokens().unknownCalls() > 0) {
      failWithMessage("Expected %d input and %d output tokens by t = %s but %d of %d model call(s) recorded no input"
          + " and output count (one missing, or negative): their tokens are unknown", input, output, Durations.groupedMillis(actual.offsetNanos()),
          actual.tokens().unknownCalls(), actual.tokens().calls());
    } else if (actual.tokens().input() != input || actual.tokens().output() != output) {
      failWithMessage("Expected %d input and %d output tokens by t = %s but found %d and %d",
          input, output, Durations.groupedMillis(actual.offsetNanos()), actual.tokens().input(), actual.tokens().output());
    }
    return this;
  }

  /** The terminal output up to this moment contains {@code text}. */
  public FrameAssert hasOutputContaining(String text) {
    isNotNull();
    Objects.requireNonNull(text, "text");
    String output = actual.output().text(null);
    if (!output.contains(text)) {
      failWithMessage("Expected the output by t = %s to contain \"%s\" but it was \"%s\"",
          Durations.groupedMillis(actual.offsetNanos()), text, output);
    }
    return this;
  }

  private List<String> activeNames() {
    return actual.active().stream().map(TimelineSpan::name).toList();
  }
}
