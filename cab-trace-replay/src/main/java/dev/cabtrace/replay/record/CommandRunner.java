package dev.cabtrace.replay.record;

import dev.cabtrace.api.TerminalRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the container step's command as a real subprocess, its output forwarded to the console and
 * recorded as it arrives, all its processes ({@link CommandProcesses}) stopped at the timeout or a
 * stop, and what it left running stopped when it exits. On pipes, stdout and stderr are recorded
 * apart; on a pseudo-terminal ({@link #pty}) the terminal's raw bytes are recorded as one {@code
 * pty} stream.
 *
 * <p>The pseudo-terminal comes from util-linux {@code script(1)} (in every Debian and most Linux
 * systems): no PTY library is served from Maven Central here, and forking through JNA inside a JVM
 * is unsafe. {@code script -qec} runs the command on a new pty, copies its bytes to our pipe
 * unchanged and returns its exit code; {@code stty} sets the requested size first.
 */
final class CommandRunner {

  /** What a run came to. */
  record Outcome(int exitCode, boolean timedOut, Exception failure) {}

  /** How long a command told to stop (SIGTERM) has to exit before it is killed (SIGKILL). */
  static final Duration STOP_GRACE = Duration.ofSeconds(2);

  /**
   * How long the output may take to reach its end once the command's processes are gone, for all
   * streams together: only a process that escaped them (see {@link CommandProcesses}) can hold a
   * pipe open longer, and what it writes then is lost.
   */
  static final Duration OUTPUT_DRAIN = Duration.ofSeconds(3);

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

  /**
   * Whether record runs as a background job ({@code &}) with a terminal as its input. script(1)
   * sets the modes of the terminal it reads, which stops a background job's whole process group
   * (SIGTTOU): record would wait, stopped, until brought to the foreground, past its timeout. A
   * background job cannot read its terminal anyway; its script reads nothing.
   */
  static boolean backgroundJobOnATerminal() {
    try {
      String input = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
      if (!input.startsWith("/dev/pts/") && !input.startsWith("/dev/tty")) {
        return false;
      }
      // After the command name in parentheses: state ppid pgrp session tty_nr tpgid ...
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long processGroup = Long.parseLong(fields[2]);
      long foregroundGroup = Long.parseLong(fields[5]);
      return Long.parseLong(fields[4]) != 0 && foregroundGroup > 0 && foregroundGroup != processGroup;
    } catch (IOException | RuntimeException e) {
      return false; // no /proc: other systems than Linux, where script is not the one we know either
    }
  }

  /** {@code text} as one single-quoted sh word. */
  static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  private final CommandProcesses processes = new CommandProcesses();
  private final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
  private volatile boolean stopped;

  /**
   * Has {@link #run} stop the command's processes, as a timeout does ({@code record} itself is
   * being stopped: SIGTERM, SIGINT), and return the command's exit code with a failure that says so.
   */
  void stop() {
    stopped = true;
    stopRequested.complete(null);
  }

  /**
   * Runs the command until it exits, the timeout passes or {@link #stop} is called, then stops its
   * processes still running: at the timeout or a stop, all of them; after it exits, what it left
   * (as a container's are when its main process ends), which would otherwise hold its output open
   * and outlive the recording. Returns {@link #STOP_GRACE} plus {@link CommandProcesses#KILL_WAIT}
   * plus {@link #OUTPUT_DRAIN} after that at most.
   */
  Outcome run(TerminalRecorder output, OutputStream console, OutputStream consoleErr) {
    ProcessBuilder builder = new ProcessBuilder(launched())
        .directory(workdir.toFile())
        .redirectInput(onPty() && backgroundJobOnATerminal()
            ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null")) : ProcessBuilder.Redirect.INHERIT);
    builder.environment().putAll(environment);
    builder.environment().put(CommandProcesses.MARK_VARIABLE, processes.markValue());
    if (onPty()) {
      // script(1) runs the command line with $SHELL: make that sh, whose quoting we wrote.
      builder.environment().put("SHELL", "/bin/sh");
      builder.redirectErrorStream(true);
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      // The JDK looks a program up in record's own PATH, not the command's.
      if (!onPty() && found(argv.get(0), System.getenv("PATH"))) {
        IOException denied = new java.nio.file.AccessDeniedException(null, null, e.getMessage()); // the message as it was
        denied.initCause(e);
        return new Outcome(-1, false, denied);
      }
      return new Outcome(-1, false, e);
    }
    processes.started(process.toHandle(), onPty());
    List<Thread> pumps = new ArrayList<>();
    if (onPty()) {
      pumps.add(pump(process.getInputStream(), output.pty(console), "pty"));
    } else {
      pumps.add(pump(process.getInputStream(), output.stdout(console), "stdout"));
      pumps.add(pump(process.getErrorStream(), output.stderr(consoleErr), "stderr"));
    }
    try {
      boolean exited = awaitExit(process);
      processes.terminate(STOP_GRACE);
      int exitCode = process.waitFor();
      drain(pumps, OUTPUT_DRAIN);
      return new Outcome(exitCode, !exited && !stopped, stopped
          ? new IllegalStateException("record was stopped (a signal); the command's processes were killed") : null);
    } catch (InterruptedException e) {
      processes.terminate(STOP_GRACE);
      Thread.currentThread().interrupt();
      return new Outcome(-1, false, e);
    }
  }

  /**
   * Whether {@code program}, which could not be started, is a file all the same, as a shell finds
   * it: a path when it has a slash (from the workdir), else in a directory of {@code path}. A shell
   * exits 126 then (found, but no program it can run: not executable, a directory), 127 otherwise;
   * {@link RecordResult#exitStatus} tells them apart by the failure, an {@link
   * java.nio.file.AccessDeniedException} for the first.
   */
  private boolean found(String program, String path) {
    if (program.contains("/")) {
      return Files.exists(workdir.resolve(program));
    }
    if (program.isEmpty() || path == null) {
      return false;
    }
    for (String directory : path.split(":", -1)) {
      try {
        if (Files.exists(workdir.resolve(directory.isEmpty() ? "." : directory).resolve(program))) {
          return true;
        }
      } catch (java.nio.file.InvalidPathException e) {
        // a PATH entry no path can be made of finds nothing, as in a shell
      }
    }
    return false;
  }

  /** Whether the command exited by itself, before the timeout and any {@link #stop}. */
  private boolean awaitExit(Process process) throws InterruptedException {
    try {
      CompletableFuture.anyOf(process.onExit(), stopRequested).get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e); // neither completes exceptionally
    }
    return !stopped;
  }

  private static void drain(List<Thread> pumps, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    for (Thread pump : pumps) {
      TimeUnit.NANOSECONDS.timedJoin(pump, deadline - System.nanoTime());
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
}
