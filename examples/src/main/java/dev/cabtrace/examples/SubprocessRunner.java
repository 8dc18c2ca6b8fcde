package dev.cabtrace.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the container step's command as a real subprocess, killing its whole tree at the timeout. */
final class SubprocessRunner {

  static CellRun run(List<String> argv, Path workdir, long timeoutSeconds) {
    Process process;
    try {
      process = new ProcessBuilder(argv).directory(workdir.toFile()).inheritIO().start();
    } catch (IOException e) {
      return new CellRun(-1, false, e);
    }
    try {
      if (process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        return new CellRun(process.exitValue(), false, null);
      }
      kill(process);
      return new CellRun(process.waitFor(), true, null);
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      return new CellRun(-1, false, e);
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private SubprocessRunner() {}
}
