package dev.cabtrace.replay.assertions;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.time.Duration;
import java.util.List;
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
      failWithMessage("Expected span \"%s\" to be of kind %s but it is %s", actual.name(), kind, actual.kindName());
    }
    return this;
  }

  /**
   * It carries {@code key} = {@code value}: a String, Long, Double, Boolean, or a List of those, as
   * attributes hold them; an Integer, Short or Byte stands for its Long ({@code 0} for {@code 0L}).
   */
  public SpanAssert hasAttribute(String key, Object value) {
    isNotNull();
    Objects.requireNonNull(key, "key");
    Object expected = asHeld(Objects.requireNonNull(value, "value"));
    Object found = actual.attribute(key);
    if (!Objects.equals(found, expected)) {
      String expectedType = found == null || type(found).equals(type(expected)) ? "" : " (" + type(value) + ")";
      failWithMessage("Expected span \"%s\" to have %s = %s%s but found %s", actual.name(), key, value, expectedType,
          found == null ? "no such attribute" : found + " (" + type(found) + ")");
    }
    return this;
  }

  /**
   * {@code value} as an attribute holds it: whole numbers as Long, a Float as the Double it widens
   * to (as OpenTelemetry records one), in a List too.
   */
  private static Object asHeld(Object value) {
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float) {
      return ((Float) value).doubleValue();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(SpanAssert::asHeld).toList();
    }
    return value;
  }

  private static String type(Object value) {
    return value instanceof List ? "List" : value.getClass().getSimpleName();
  }

  /** It ended, and lasted within [min, max]. */
  public SpanAssert hasDurationBetween(Duration min, Duration max) {
    isNotNull();
    TimelineAssert.requireRange(min, max);
    long nanos = actual.durationNanos();
    if (actual.unfinished()) {
      failWithMessage("Expected span \"%s\" to last between %s and %s but it never ended", actual.name(),
          Durations.exactMillis(min.toNanos()), Durations.exactMillis(max.toNanos()));
    } else if (nanos < min.toNanos() || nanos > max.toNanos()) {
      failWithMessage("Expected span \"%s\" to last between %s and %s but it lasted %s", actual.name(),
          Durations.exactMillis(min.toNanos()), Durations.exactMillis(max.toNanos()), Durations.exactMillis(nanos));
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

  /** It has no parent: none in the trace, and none it names that is missing from it. */
  public SpanAssert isRoot() {
    isNotNull();
    TimelineSpan parent = timeline.parent(actual);
    if (parent != null) {
      failWithMessage("Expected span \"%s\" to be a root but its parent is \"%s\"", actual.name(), parent.name());
    } else if (!actual.parentSpanId().isEmpty()) {
      // Shown as a root, but not one: its parent was not captured.
      failWithMessage("Expected span \"%s\" to be a root but it has parent %s, which is not in the trace",
          actual.name(), actual.parentSpanId());
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
