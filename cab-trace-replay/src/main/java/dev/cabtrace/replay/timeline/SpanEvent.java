package dev.cabtrace.replay.timeline;

import java.util.Map;

/**
 * A timestamped event on a span: an exception, a log line, a chunk of terminal output.
 *
 * @param epochNanos when it happened
 * @param name its name
 * @param attributes its attributes, in recorded order
 */
public record SpanEvent(long epochNanos, String name, Map<String, Object> attributes) {

  public SpanEvent {
    attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
  }

  /** The attribute as a string, or null. */
  public String attribute(String key) {
    Object value = attributes.get(key);
    return value == null ? null : String.valueOf(value);
  }
}
