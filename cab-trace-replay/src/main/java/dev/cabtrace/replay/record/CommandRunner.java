package dev.cabtrace.replay.record;

import dev.cabtrace.api.TerminalRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the container step's command as a real subprocess, its output forwarded to the console and
 * recorded as it arrives, its whole process tree killed at the timeout. On pipes, stdout and stderr
 * are recorded apart; on a pseudo-terminal ({@link #pty}) the terminal's raw bytes are recorded as
 * one {@code pty} stream.
 *
 * <p>The pseudo-terminal comes from util-linux {@code script(1)} (in every Debian and most Linux
 * systems): no PTY library is served from Maven Central here, and forking through JNA inside a JVM
 * is unsafe. {@code script -qec} runs the command on a new pty, copies its bytes to our pipe
 * unchanged and returns its exit code; {@code stty} sets the requested size first.
 */
final class CommandRunner {

  /** What a run came to. */
  record Outcome(int exitCode, boolean timedOut, Exception failure) {}

  private final List<String> argv;
  private final Path workdir;
  private final Map<String, String> environment;
  private final long timeoutSeconds;
  private final int ptyColumns;
  private final int ptyRows;

  private CommandRunner(List<String> argv, Path workdir, Map<String, String> environment, long timeoutSeconds,
      int ptyColumns, int ptyRows) {
    this.argv = List.copyOf(argv);
    this.workdir = workdir;
    this.environment = Map.copyOf(environment);
    this.timeoutSeconds = timeoutSeconds;
    this.ptyColumns = ptyColumns;
    this.ptyRows = ptyRows;
  }

  static CommandRunner pipes(List<String> argv, Path workdir, Map<String, String> environment, long timeoutSeconds) {
    return new CommandRunner(argv, workdir, environment, timeoutSeconds, 0, 0);
  }

  static CommandRunner pty(List<String> argv, Path workdir, Map<String, String> environment, long timeoutSeconds,
      int columns, int rows) {
    return new CommandRunner(argv, workdir, environment, timeoutSeconds, columns, rows);
  }

  boolean onPty() {
    return ptyColumns > 0;
  }

  /** The argv actually started: the command itself, or {@code script} running it on a pty. */
  List<String> launched() {
    if (!onPty()) {
      return argv;
    }
    String shell = environment.getOrDefault("SHELL", System.getenv().getOrDefault("SHELL", "/bin/sh"));
    StringBuilder line = new StringBuilder();
    line.append("stty cols ").append(ptyColumns).append(" rows ").append(ptyRows).append(" 2>/dev/null; ");
    line.append("SHELL=").append(quote(shell)).append("; export SHELL; exec");
    for (String arg : argv) {
      line.append(' ').append(quote(arg));
    }
    return List.of("script", "-q", "-e", "-c", line.toString(), "/dev/null");
  }

  /** {@code text} as one single-quoted sh word. */
  static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  /** The command while it runs: {@link #stop} kills its tree. */
  private volatile Process running;
  private volatile boolean stopped;

  /**
   * Kills the command's whole tree, if it runs, as a timeout does ({@code record} itself is being
   * stopped: SIGTERM, SIGINT); {@link #run} then returns the command's exit code with a failure
   * that says so.
   */
  void stop() {
    stopped = true;
    Process process = running;
    if (process != null) {
      kill(process);
    }
  }

  Outcome run(TerminalRecorder output, OutputStream console, OutputStream consoleErr) {
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(launched())
          .directory(workdir.toFile())
          .redirectInput(ProcessBuilder.Redirect.INHERIT);
      builder.environment().putAll(environment);
      if (onPty()) {
        // script(1) runs the command line with $SHELL: make that sh, whose quoting we wrote.
        builder.environment().put("SHELL", "/bin/sh");
        builder.redirectErrorStream(true);
      }
      process = builder.start();
    } catch (IOException e) {
      return new Outcome(-1, false, e);
    }
    running = process;
    if (stopped) {
      kill(process); // stopped while starting
    }
    List<Thread> pumps = new ArrayList<>();
    if (onPty()) {
      pumps.add(pump(process.getInputStream(), output.pty(console), "pty"));
    } else {
      pumps.add(pump(process.getInputStream(), output.stdout(console), "stdout"));
      pumps.add(pump(process.getErrorStream(), output.stderr(consoleErr), "stderr"));
    }
    try {
      boolean exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!exited) {
        kill(process);
      }
      int exitCode = process.waitFor();
      // The pipes close when the process tree is gone; a grandchild holding them is bounded here.
      for (Thread pump : pumps) {
        pump.join(TimeUnit.SECONDS.toMillis(5));
      }
      return new Outcome(exitCode, !exited && !stopped, stopped
          ? new IllegalStateException("record was stopped (a signal); the command's process tree was killed") : null);
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      return new Outcome(-1, false, e);
    }
  }

  private static Thread pump(InputStream from, OutputStream to, String name) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try (from; to) {
        int read;
        while ((read = from.read(buffer)) >= 0) {
          to.write(buffer, 0, read);
          to.flush();
        }
      } catch (IOException e) {
        // The process went away mid-read: what was read is recorded.
      }
    }, "cab-trace-record-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** How long a command told to stop (SIGTERM) has to exit before it is killed (SIGKILL). */
  static final Duration STOP_GRACE = Duration.ofSeconds(2);

  /**
   * Stops the whole tree, as {@code docker stop} does: SIGTERM to the command and everything it
   * started, so that an agent can still export its last spans and {@code script} restore the
   * terminal; then, after {@link #STOP_GRACE}, SIGKILL to whatever is left. The tree is noted
   * before the command is signalled: its children are found through it.
   */
  static void kill(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    // Through its handle: Process.destroy also closes the pipes, and what the command writes as it
    // stops (its goodbye, its last spans' log) would be lost.
    ProcessHandle command = process.toHandle();
    command.destroy();
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    try {
      process.waitFor(STOP_GRACE.toNanos(), TimeUnit.NANOSECONDS);
      for (ProcessHandle child : tree) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          child.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Past the grace: what is left is killed below.
    }
    if (process.isAlive()) {
      tree.addAll(process.descendants().toList()); // started during the grace
    }
    command.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
  }
}
