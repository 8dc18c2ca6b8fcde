package dev.cabtrace.replay.record;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a recording does when {@code record} itself is stopped (SIGTERM, Ctrl-C): the JVM runs its
 * shutdown hooks and then halts, leaving the command's processes running. While open, a hook has
 * the running command's processes stopped, as a timeout does, and waits at most {@link
 * #GRACE_SECONDS} for the recording to end its spans and close the capture file ({@link #close}).
 *
 * <p>The recording fits in that time: the command's processes are gone and its output read within
 * {@link CommandRunner#STOP_GRACE}, {@link CommandProcesses#KILL_WAIT} and {@link
 * CommandRunner#OUTPUT_DRAIN} (6 s); waits for anything else (exports in flight) end {@link
 * #WAITS_LIMIT} after the signal ({@link #waitsOver}); what is left is for closing the proxy (2.5 s
 * at most) and the receiver (its exports being handed over, half a second, or one being decoded),
 * ending the spans and closing the capture file.
 */
final class StopOnSignal implements AutoCloseable {

  /** How long a stopped record waits for its spans and capture file after stopping the command. */
  static final long GRACE_SECONDS = 15;

  /** How long after the signal a stopped record may still wait for the command's exports. */
  static final Duration WAITS_LIMIT = Duration.ofSeconds(9);

  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook = new Thread(this::stop, "cab-trace-record-stop");
  private volatile CommandRunner running;
  private volatile long stoppedAt;
  private volatile boolean stopping;

  private StopOnSignal() {}

  /** Installs the hook until {@link #close}. */
  static StopOnSignal install() {
    StopOnSignal stop = new StopOnSignal();
    Runtime.getRuntime().addShutdownHook(stop.hook);
    return stop;
  }

  /** The command is about to run: stopped at once if the signal came first. */
  void starting(CommandRunner runner) {
    // running is set before stopping is read, and the hook sets stopping before it reads running:
    // whichever comes second sees the other, so a command starting as the signal comes is stopped.
    running = runner;
    if (stopping) {
      runner.stop();
    }
  }

  /** The command has ended. */
  void ended() {
    running = null;
  }

  /** Whether record was stopped {@link #WAITS_LIMIT} ago: it must wait no more, and close its capture. */
  boolean waitsOver() {
    return stopping && System.nanoTime() - stoppedAt >= WAITS_LIMIT.toNanos();
  }

  private void stop() {
    stoppedAt = System.nanoTime();
    stopping = true;
    CommandRunner runner = running;
    if (runner != null) {
      runner.stop();
    }
    try {
      finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The recording is over (its capture closed): the hook, if running, need wait no more. */
  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: it sees the latch counted down.
    }
  }
}
