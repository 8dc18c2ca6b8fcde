package dev.cabtrace.api;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Where a failure inside tracing goes instead of the adapter's code: a throttled log line. */
final class TracingFailures {

  private static final Logger logger = Logger.getLogger(CellTracer.class.getName());
  private static final int LOGGED_IN_FULL = 5;
  private static final AtomicLong count = new AtomicLong();

  static void report(String what, Throwable cause) {
    long n = count.incrementAndGet();
    if (n <= LOGGED_IN_FULL) {
      logger.log(Level.WARNING, "cab-trace: " + what + " (the adapter goes on)", cause);
    } else if (Long.bitCount(n) == 1) {
      logger.log(Level.WARNING, "cab-trace: " + n + " tracing failures so far; latest: " + what);
    }
  }

  static long count() {
    return count.get();
  }

  private TracingFailures() {}
}
