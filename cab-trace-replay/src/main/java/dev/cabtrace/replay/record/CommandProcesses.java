package dev.cabtrace.replay.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * The processes of one recorded command: the command, its descendants, and every process that
 * carries the command's mark ({@link #MARK_VARIABLE}) in its environment, which each process
 * inherits from the one that started it. The mark finds what the tree no longer holds: a process
 * whose parent has exited (re-parented to init) and one that left for a session of its own ({@code
 * setsid}, a double fork, Node's {@code detached}). Only a process that clears its environment
 * ({@code env -i}, {@code sudo}) and leaves the tree escapes.
 *
 * <p>A process group would miss what changed groups, and starting the command in one of its own
 * would take it off the user's terminal ({@code /dev/tty}, Ctrl-C); on a pseudo-terminal, {@code
 * script(1)} starts the command in a new session anyway. The mark is read from {@code
 * /proc/PID/environ}: on systems without {@code /proc}, only the tree is found.
 */
final class CommandProcesses {

  /** The environment variable that marks a command's processes; its value is one run's own. */
  static final String MARK_VARIABLE = "CAB_TRACE_RECORD_RUN";

  /** How long SIGKILL may take to clear what is left, rounds of it included. */
  static final Duration KILL_WAIT = Duration.ofSeconds(1);
  /** How long, of {@link #KILL_WAIT}, a relay gets to exit by itself once what it runs is killed. */
  private static final Duration RELAY_WAIT = Duration.ofMillis(500);

  private static final Path PROC = Path.of("/proc");
  private static final boolean HAS_PROC = Files.isReadable(PROC.resolve("self/environ"));
  private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();

  private final String markValue = UUID.randomUUID().toString();
  private final byte[] mark = (MARK_VARIABLE + "=" + markValue).getBytes(StandardCharsets.US_ASCII);
  private volatile ProcessHandle command;
  private volatile boolean relay;

  /** The value of {@link #MARK_VARIABLE} in the command's environment. */
  String markValue() {
    return markValue;
  }

  /**
   * The command has started as {@code command}; {@code relay} when that process only runs the real
   * command and exits with its status ({@code script -e}), which {@link #terminate} then leaves to exit
   * by itself.
   */
  void started(ProcessHandle command, boolean relay) {
    this.command = command;
    this.relay = relay;
  }

  /** Those still running, the command first. */
  List<ProcessHandle> running() {
    Set<ProcessHandle> found = new LinkedHashSet<>();
    ProcessHandle started = command;
    if (started != null) {
      found.add(started);
      started.descendants().forEach(found::add);
    }
    if (HAS_PROC) {
      ProcessHandle.allProcesses().filter(this::marked).forEach(found::add);
    }
    found.remove(ProcessHandle.current());
    return found.stream().filter(CommandProcesses::isRunning).toList();
  }

  /**
   * Stops them all, as {@code docker stop} does: SIGTERM, so that an agent can still export its
   * last spans (a relay is not told: it exits when the command does, {@code script} restoring the
   * terminal); then, after {@code grace}, SIGKILL to whatever is left, what started meanwhile
   * included. Returns once none runs, or after {@code grace} and {@link #KILL_WAIT} at most.
   */
  void terminate(Duration grace) {
    List<ProcessHandle> told = running();
    if (told.isEmpty()) {
      return;
    }
    // A relay whose command has not started yet has nothing to wait for: it is told as any other.
    ProcessHandle spared = relay && told.size() > 1 ? command : null;
    // Through handles: Process.destroy also closes the pipes, and what the command writes as it
    // stops (its goodbye, its last spans' log) would be lost. Told to stop itself, script exits 0
    // without waiting for its command, whose status would be lost.
    told.stream().filter(process -> !process.equals(spared)).forEach(ProcessHandle::destroy);
    awaitGone(told, System.nanoTime() + grace.toNanos());
    long killDeadline = System.nanoTime() + KILL_WAIT.toNanos();
    long relayDeadline = System.nanoTime() + RELAY_WAIT.toNanos();
    // In rounds: a process can start another between being found and being killed. Until
    // relayDeadline the relay is spared: once its command is gone it exits by itself, and script
    // then puts the user's terminal back out of raw mode, which a SIGKILL would leave it in. Past
    // it, the relay is killed with the rest: a hang is worse than a raw terminal.
    for (List<ProcessHandle> left = running(); !left.isEmpty(); left = running()) {
      boolean sparing = spared != null && System.nanoTime() - relayDeadline < 0;
      List<ProcessHandle> killed = sparing ? left.stream().filter(process -> !process.equals(spared)).toList() : left;
      killed.forEach(ProcessHandle::destroyForcibly);
      if (!awaitGone(left, sparing ? relayDeadline : killDeadline) && !sparing) {
        return;
      }
    }
  }

  /** Waits until none of {@code processes} runs; false when {@code deadline} came first. */
  private static boolean awaitGone(Collection<ProcessHandle> processes, long deadline) {
    while (processes.stream().anyMatch(CommandProcesses::isRunning)) {
      // Polled: onExit of a process that is not our child never completes while it is a zombie,
      // and an orphan stays one where init does not reap (as in some containers).
      if (deadline - System.nanoTime() <= 0 || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    return true;
  }

  private boolean marked(ProcessHandle process) {
    byte[] environment;
    try {
      environment = Files.readAllBytes(PROC.resolve(Long.toString(process.pid())).resolve("environ"));
    } catch (IOException | SecurityException e) {
      return false; // gone, or another user's
    }
    return containsEntry(environment, mark);
  }

  /** Whether {@code entry} is one of the NUL-separated entries of {@code environment}. */
  private static boolean containsEntry(byte[] environment, byte[] entry) {
    int start = 0;
    while (start < environment.length) {
      int end = start;
      while (end < environment.length && environment[end] != 0) {
        end++;
      }
      if (end - start == entry.length
          && Arrays.equals(environment, start, end, entry, 0, entry.length)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /** Alive and not a zombie: a zombie has exited and holds nothing open, though Java counts it alive. */
  private static boolean isRunning(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    if (!HAS_PROC) {
      return true;
    }
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(process.pid())).resolve("stat"));
      // pid (comm) state ...: comm may hold spaces and parentheses.
      int afterName = stat.lastIndexOf(')');
      char state = afterName >= 0 && afterName + 2 < stat.length() ? stat.charAt(afterName + 2) : '?';
      return state != 'Z' && state != 'X';
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
