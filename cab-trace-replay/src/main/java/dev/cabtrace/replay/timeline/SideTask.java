package dev.cabtrace.replay.timeline;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Work a timeline's assembly hands to a second thread while it does other work, for timelines of
 * {@link #SPANS} spans or more (the serial tail of loading a big trace, on two cores); done on the
 * calling thread, when it is joined, for smaller ones. A thread of its own, not a shared pool's:
 * a pool busy with a caller's tasks would hold the load up.
 */
final class SideTask<T> {

  /** Timelines of this many spans or more use a second thread. */
  static final int SPANS = 100_000;

  private final FutureTask<T> running;
  private final Supplier<T> inline;

  private SideTask(FutureTask<T> running, Supplier<T> inline) {
    this.running = running;
    this.inline = inline;
  }

  /** {@code work}, started on another thread when a timeline of {@code spans} spans is worth it. */
  static <T> SideTask<T> start(int spans, Supplier<T> work) {
    if (spans < SPANS || Runtime.getRuntime().availableProcessors() < 2) {
      return new SideTask<>(null, work);
    }
    FutureTask<T> task = new FutureTask<>(work::get);
    Thread thread = new Thread(task, "cab-trace-timeline");
    thread.setDaemon(true);
    try {
      thread.start();
    } catch (OutOfMemoryError noThread) { // no thread to be had (a process limit): the work is done inline
      return new SideTask<>(null, work);
    }
    return new SideTask<>(task, null);
  }

  /** The result; what failed in the work is thrown as it was. Waits through interrupts, keeping the flag. */
  T join() {
    if (running == null) {
      return inline.get();
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return running.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException) {
            throw (RuntimeException) e.getCause();
          }
          if (e.getCause() instanceof Error) {
            throw (Error) e.getCause();
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
