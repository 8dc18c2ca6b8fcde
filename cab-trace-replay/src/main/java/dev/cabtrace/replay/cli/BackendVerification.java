package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads pushed traces back from a backend's query API and counts the spans it holds: a backend can
 * accept spans and then drop them (retention, sampling, limits) while the push reported success.
 */
final class BackendVerification {

  private BackendVerification() {}

  /**
   * How many of {@code sent}'s spans the backend at {@code queryUrl} holds (sent {@code headers}, as
   * the push was: a multi-tenant backend answers its query API by the same tenant), asking again each second
   * (backends index asynchronously) until it holds all of them or {@code timeoutNanos} has passed.
   *
   * @throws TraceReadException when the backend refuses the query (401, 403): that is not a trace
   *     missing, and asking again will not change it
   */
  static long spansHeld(Timeline sent, String queryUrl, Map<String, String> headers, long timeoutNanos)
      throws TraceReadException {
    Set<String> expected = new HashSet<>();
    for (TimelineSpan span : sent.spans()) {
      expected.add(span.traceId() + "/" + span.spanId());
    }
    TraceReader reader = TraceReader.builder().build();
    long deadline = System.nanoTime() + timeoutNanos;
    long best = 0;
    while (true) {
      Set<String> found = new HashSet<>();
      for (String traceId : sent.traceIds()) {
        // Each fetch within what is left of the wait: a query API that does not answer must not
        // hold the push longer. A trace not asked when the wait is over counts as holding none.
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          Duration bound = Duration.ofNanos(Math.min(left, BackendQuery.DEFAULT_TIMEOUT.toNanos()));
          for (TimelineSpan span : BackendFetch.fetch(reader, queryUrl, traceId, headers, bound).spans()) {
            String key = span.traceId() + "/" + span.spanId();
            if (expected.contains(key)) {
              found.add(key);
            }
          }
        } catch (TraceReadException e) {
          if (e.getCause() instanceof BackendQuery.Refused) {
            throw e;
          }
          // Not there (yet): counts as holding none of this trace.
        }
      }
      best = Math.max(best, found.size());
      long left = deadline - System.nanoTime();
      if (best == expected.size() || left <= 0) {
        return best;
      }
      LockSupport.parkNanos(Math.min(TimeUnit.SECONDS.toNanos(1), left));
    }
  }
}
