package dev.cabtrace.replay.record;

import com.sun.net.httpserver.HttpExchange;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The time an OTLP/HTTP request's body has to arrive: past it, its exchange is closed, which ends
 * the handler's read. The JDK server has no read timeout of its own but a JVM-wide property, read
 * once by whichever server the JVM made first; without one, a client that sends half a body and
 * stops holds a handler thread for as long as it keeps its connection open.
 */
final class BodyDeadline {

  private static final int READING = 0;
  private static final int READ = 1;
  private static final int EXPIRED = 2;

  private final AtomicInteger state = new AtomicInteger(READING);
  private final Future<?> expiry;

  BodyDeadline(ScheduledExecutorService timer, Duration limit, HttpExchange exchange) {
    this.expiry = timer.schedule(() -> {
      if (state.compareAndSet(READING, EXPIRED)) {
        // With no response begun, closing the exchange closes its connection.
        exchange.close();
      }
    }, limit.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Whether the read ended before the deadline, asked once it has: from then on the deadline closes
   * nothing. False when the deadline closed the exchange.
   */
  boolean met() {
    expiry.cancel(false);
    state.compareAndSet(READING, READ);
    return state.get() == READ;
  }
}
