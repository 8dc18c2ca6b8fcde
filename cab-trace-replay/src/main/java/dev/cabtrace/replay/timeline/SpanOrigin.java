package dev.cabtrace.replay.timeline;

import java.util.Map;

/**
 * Where a span comes from: its trace, the resource and the instrumentation scope that recorded it.
 * The spans of a cell share one (a span holds a reference, not 24 bytes of its own).
 */
record SpanOrigin(long traceIdHigh, long traceIdLow, Map<String, Object> resource, String scope) {

  // The origin this thread made last: a reader that makes a builder per span still shares it.
  private static final ThreadLocal<SpanOrigin> LAST = new ThreadLocal<>();

  /**
   * {@code last} when it is this origin (the same resource map and scope as readers share them),
   * else the origin this thread made last when it is, else a new one.
   */
  static SpanOrigin of(SpanOrigin last, long traceIdHigh, long traceIdLow, Map<String, Object> resource, String scope) {
    if (last != null && last.is(traceIdHigh, traceIdLow, resource, scope)) {
      return last;
    }
    SpanOrigin threads = LAST.get();
    if (threads != null && threads != last && threads.is(traceIdHigh, traceIdLow, resource, scope)) {
      return threads;
    }
    SpanOrigin made = new SpanOrigin(traceIdHigh, traceIdLow, resource, scope);
    LAST.set(made);
    return made;
  }

  private boolean is(long high, long low, Map<String, Object> resource, String scope) {
    return traceIdHigh == high && traceIdLow == low && this.resource == resource && this.scope.equals(scope);
  }
}
