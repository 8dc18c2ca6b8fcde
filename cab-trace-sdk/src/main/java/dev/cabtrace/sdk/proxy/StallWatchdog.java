package dev.cabtrace.sdk.proxy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cuts a wait that has made no progress for a limit, where nothing else would end it: a read of an
 * upstream answer that sends nothing (the JDK client's timeout ends with the response's head) or a
 * write to a client that has stopped reading (a socket has no write timeout). Either would wait for
 * ever, holding the call's thread, its concurrency permit and its span open. A wait that makes
 * progress, however slowly, is never cut, however long it runs.
 */
final class StallWatchdog implements AutoCloseable {

  /** Something that waits, seen from the watchdog's thread. */
  interface Watched {
    /** How long it has waited with no progress at {@code now} ({@link System#nanoTime}); 0 when not waiting. */
    long waitingNanos(long now);

    /** Ends the wait, which fails; called once, from the watchdog's thread. */
    void stall();
  }

  private final long limitNanos;
  private final String threadName;
  private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService timer; // made with the first wait watched
  private boolean closed;

  StallWatchdog(Duration limit, String threadName) {
    this.limitNanos = limit.toNanos();
    this.threadName = threadName;
  }

  /** Watches {@code waiter} until {@link #unwatch}. */
  void watch(Watched waiter) {
    watched.add(waiter);
    synchronized (this) {
      if (timer == null && !closed) {
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
          Thread thread = new Thread(task, threadName);
          thread.setDaemon(true);
          return thread;
        });
        // A few looks per limit: a wait is cut between one and a quarter more than the limit.
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), limitNanos / 4));
        timer.scheduleAtFixedRate(this::cutStalled, period, period, TimeUnit.NANOSECONDS);
      }
    }
  }

  void unwatch(Watched waiter) {
    watched.remove(waiter);
  }

  private void cutStalled() {
    long now = System.nanoTime();
    for (Watched waiter : watched) {
      if (waiter.waitingNanos(now) >= limitNanos) {
        watched.remove(waiter);
        waiter.stall();
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
