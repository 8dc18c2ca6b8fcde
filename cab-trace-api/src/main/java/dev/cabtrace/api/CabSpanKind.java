package dev.cabtrace.api;

import java.util.Locale;
import java.util.Optional;

/**
 * The phases of a benchmark cell, recorded on every span as {@link CabAttributes#SPAN_KIND
 * cab.span.kind}.
 */
public enum CabSpanKind {
  /** Prepares the task's working directory. */
  TASK_SETUP,
  /** One tool or plugin step taken by the harness. */
  TOOL_CALL,
  /** The agent CLI running inside its container. */
  CONTAINER,
  /** The whole run of one agent CLI on one task: the parent of the run. */
  ADAPTER_RUN,
  /** Removes what the cell left behind. */
  CLEANUP,
  /** One call to a model endpoint, carrying its token record. */
  MODEL_CALL;

  private static final CabSpanKind[] KINDS = values(); // values() copies its array on every call
  private static final Optional<?>[] FOUND = new Optional<?>[KINDS.length];

  static {
    for (CabSpanKind kind : KINDS) {
      FOUND[kind.ordinal()] = Optional.of(kind);
    }
  }

  private final String value = name().toLowerCase(Locale.ROOT);

  /** The attribute value, for example {@code task_setup}. */
  public String value() {
    return value;
  }

  /** Returns the kind whose {@link #value()} is {@code value}, if any. */
  public static Optional<CabSpanKind> fromValue(String value) {
    for (CabSpanKind kind : KINDS) {
      if (kind.value.equals(value)) {
        @SuppressWarnings("unchecked")
        Optional<CabSpanKind> found = (Optional<CabSpanKind>) FOUND[kind.ordinal()];
        return found;
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
