package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.read.TraceReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Progress of a long load on stderr, only when stderr is a terminal and the load has run for a
 * second: bytes read of the total, spans per second, on one line rewritten in place.
 */
final class LoadProgress implements TraceReader.ProgressListener {

  private static final long QUIET_NANOS = 1_000_000_000L;

  private final String name;
  private final long totalBytes;
  private final PrintStream err;
  private final long start = System.nanoTime();
  private boolean shown;

  private LoadProgress(String name, long totalBytes, PrintStream err) {
    this.name = name;
    this.totalBytes = totalBytes;
    this.err = err;
  }

  /** A listener for reading {@code file}, or null when stderr is not a terminal. */
  static LoadProgress forFile(String file) {
    if (!stderrIsTerminal()) {
      return null;
    }
    long total;
    try {
      total = "-".equals(file) ? -1 : Files.size(Path.of(file));
    } catch (IOException | RuntimeException e) {
      total = -1;
    }
    return new LoadProgress(file, total, System.err);
  }

  @Override
  public void progress(long bytes, int spans) {
    long elapsed = System.nanoTime() - start;
    if (elapsed < QUIET_NANOS) {
      return;
    }
    shown = true;
    err.print("\rreading " + name + ": " + (bytes >> 20) + (totalBytes > 0 ? " of " + (totalBytes >> 20) : "") + " MiB, "
        + String.format("%,d", (long) (spans / (elapsed / 1e9))) + " spans/s ");
    err.flush();
  }

  /** Ends the progress line, if one was shown. */
  void done() {
    if (shown) {
      err.println();
    }
  }

  private static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
