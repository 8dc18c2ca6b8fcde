package dev.cabtrace.replay.timeline;

import java.util.Map;

/**
 * Where a span comes from: its trace, the resource and the instrumentation scope that recorded it.
 * The spans of a cell share one (a span holds a reference, not 24 bytes of its own): a builder
 * reused from span to span keeps its last one, and a timeline's builder makes each span it takes
 * share the origin of the span before it when they are the same.
 */
record SpanOrigin(long traceIdHigh, long traceIdLow, Map<String, Object> resource, String scope) {

  /** {@code last} when it is this origin (the same resource map and scope as readers share them), else a new one. */
  static SpanOrigin of(SpanOrigin last, long traceIdHigh, long traceIdLow, Map<String, Object> resource, String scope) {
    return last != null && last.is(traceIdHigh, traceIdLow, resource, scope)
        ? last
        : new SpanOrigin(traceIdHigh, traceIdLow, resource, scope);
  }

  /** Whether {@code other} is the same origin: the same trace, the same resource map, an equal scope. */
  boolean sameAs(SpanOrigin other) {
    return is(other.traceIdHigh, other.traceIdLow, other.resource, other.scope);
  }

  private boolean is(long high, long low, Map<String, Object> resource, String scope) {
    return traceIdHigh == high && traceIdLow == low && this.resource == resource && this.scope.equals(scope);
  }
}
