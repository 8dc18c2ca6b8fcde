package dev.cabtrace.sdk.proxy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cuts an upstream answer that sends nothing for the upstream timeout: the timeout of the JDK's
 * client ends with the response's head, and a read of its body waits for ever, holding the call's
 * thread and its span open. A reasoning model's stream that keeps sending (events, pings) is never
 * cut, however long it runs.
 */
final class StallWatchdog implements AutoCloseable {

  private final long limitNanos;
  private final Set<ForwardingInputStream> watched = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService timer; // made with the first answer watched

  StallWatchdog(Duration limit) {
    this.limitNanos = limit.toNanos();
  }

  /** Watches {@code body} until {@link #unwatch}. */
  void watch(ForwardingInputStream body) {
    watched.add(body);
    synchronized (this) {
      if (timer == null) {
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
          Thread thread = new Thread(task, "cab-trace-proxy-stall-watchdog");
          thread.setDaemon(true);
          return thread;
        });
        // A few looks per limit: an answer is cut between one and a quarter more than the limit.
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), limitNanos / 4));
        timer.scheduleAtFixedRate(this::cutStalled, period, period, TimeUnit.NANOSECONDS);
      }
    }
  }

  void unwatch(ForwardingInputStream body) {
    watched.remove(body);
  }

  private void cutStalled() {
    long now = System.nanoTime();
    for (ForwardingInputStream body : watched) {
      if (body.idleNanos(now) >= limitNanos) {
        watched.remove(body);
        body.stall();
      }
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
