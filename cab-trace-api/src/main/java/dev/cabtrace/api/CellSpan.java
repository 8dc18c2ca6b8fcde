package dev.cabtrace.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.List;

/**
 * One open span of a cell, current until {@link #close()}. Setters return {@code this}, ignore
 * null values and never throw.
 */
public interface CellSpan extends AutoCloseable {

  /** Records an attribute under a typed key, e.g. one of {@link CabAttributes}. */
  <T> CellSpan setAttribute(AttributeKey<T> key, T value);

  // The overloads below are the typed one under a key of their type, as on OpenTelemetry's Span; a
  // null key is ignored here because OpenTelemetry warns about a key made from null.

  /** Records a string attribute. */
  default CellSpan setAttribute(String key, String value) {
    return key == null ? this : setAttribute(AttributeKey.stringKey(key), value);
  }

  /** Records an integer attribute. */
  default CellSpan setAttribute(String key, long value) {
    return key == null ? this : setAttribute(AttributeKey.longKey(key), value);
  }

  /** Records a floating-point attribute. */
  default CellSpan setAttribute(String key, double value) {
    return key == null ? this : setAttribute(AttributeKey.doubleKey(key), value);
  }

  /** Records a boolean attribute. */
  default CellSpan setAttribute(String key, boolean value) {
    return key == null ? this : setAttribute(AttributeKey.booleanKey(key), value);
  }

  /** Records a string array attribute, e.g. {@code plugin_stack = []}. */
  default CellSpan setAttribute(String key, List<String> values) {
    return key == null ? this : setAttribute(AttributeKey.stringArrayKey(key), values);
  }

  /** Records {@code process.exit.code}. */
  default CellSpan setExitCode(long exitCode) {
    return setAttribute(CabAttributes.PROCESS_EXIT_CODE, exitCode);
  }

  /** Records {@code cab.timed_out}. */
  default CellSpan setTimedOut(boolean timedOut) {
    return setAttribute(CabAttributes.TIMED_OUT, timedOut);
  }

  /** Records {@code cab.pass}, the scorer's verdict, on {@code adapter_run}. */
  default CellSpan setPass(boolean pass) {
    return setAttribute(CabAttributes.PASS, pass);
  }

  /** Adds a timestamped event to the span. */
  CellSpan addEvent(String name, Attributes attributes);

  /** Marks the span failed: status ERROR and an {@code exception} event describing the failure. */
  CellSpan recordFailure(Throwable failure);

  /** Marks the span failed with status ERROR and the given description. */
  CellSpan setError(String description);

  /** The span's context, for example to log its ids; invalid when nothing is recorded. */
  SpanContext spanContext();

  /** The underlying OpenTelemetry span, for what this facade does not cover. */
  Span span();

  /**
   * Ends the span and restores the span that was current before it. Calling it again does nothing.
   * It may be called on another thread than the one that opened the span, or out of nesting order:
   * the calling thread's context is then left as it is, and no span started afterwards has this one
   * as its parent.
   */
  @Override
  void close();
}
