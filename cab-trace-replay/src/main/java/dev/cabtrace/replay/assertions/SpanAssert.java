package dev.cabtrace.replay.assertions;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.time.Duration;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/** Assertions on one span of a timeline; every message names the span. */
public final class SpanAssert extends AbstractAssert<SpanAssert, TimelineSpan> {

  private final Timeline timeline;

  SpanAssert(Timeline timeline, TimelineSpan actual) {
    super(actual, SpanAssert.class);
    this.timeline = timeline;
  }

  /** Its cell phase. */
  public SpanAssert hasKind(CabSpanKind kind) {
    isNotNull();
    if (actual.kind() != kind) {
      failWithMessage("Expected span \"%s\" to be a %s span but it is %s", actual.name(), kind, actual.kindName());
    }
    return this;
  }

  /** It carries {@code key} = {@code value} (strings, Long, Double, Boolean, or a List). */
  public SpanAssert hasAttribute(String key, Object value) {
    isNotNull();
    Object found = actual.attribute(key);
    if (!Objects.equals(found, value)) {
      failWithMessage("Expected span \"%s\" to have %s = %s but found %s", actual.name(), key, value,
          found == null ? "no such attribute" : found + " (" + found.getClass().getSimpleName() + ")");
    }
    return this;
  }

  /** It lasted within [min, max]. */
  public SpanAssert hasDurationBetween(Duration min, Duration max) {
    isNotNull();
    long nanos = actual.durationNanos();
    if (nanos < min.toNanos() || nanos > max.toNanos()) {
      failWithMessage("Expected span \"%s\" to last between %s and %s but it lasted %s", actual.name(),
          Durations.millis(min.toNanos()), Durations.millis(max.toNanos()), Durations.millis(nanos));
    }
    return this;
  }

  /** Its parent is the span named {@code parentName}. */
  public SpanAssert hasParent(String parentName) {
    isNotNull();
    TimelineSpan parent = timeline.parent(actual);
    if (parent == null || !parent.name().equals(parentName)) {
      failWithMessage("Expected span \"%s\" to have parent \"%s\" but %s", actual.name(), parentName,
          parent == null ? "it is a root" : "its parent is \"" + parent.name() + "\"");
    }
    return this;
  }

  /** It has no parent. */
  public SpanAssert isRoot() {
    isNotNull();
    TimelineSpan parent = timeline.parent(actual);
    if (parent != null) {
      failWithMessage("Expected span \"%s\" to be a root but its parent is \"%s\"", actual.name(), parent.name());
    }
    return this;
  }

  /** Its status. */
  public SpanAssert hasStatus(SpanStatus status) {
    isNotNull();
    if (actual.status() != status) {
      failWithMessage("Expected span \"%s\" to have status %s but it has %s%s", actual.name(), status, actual.status(),
          actual.statusMessage().isEmpty() ? "" : " (\"" + actual.statusMessage() + "\")");
    }
    return this;
  }
}
