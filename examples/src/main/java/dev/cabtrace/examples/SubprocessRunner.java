package dev.cabtrace.examples;

import dev.cabtrace.api.TerminalRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the container step's command as a real subprocess: its stdout and stderr are forwarded to
 * the console and recorded on the span as they arrive; at the timeout its whole tree is killed.
 */
final class SubprocessRunner {

  static CellRun run(
      List<String> argv,
      Path workdir,
      Map<String, String> environment,
      long timeoutSeconds,
      TerminalRecorder output,
      PrintStream console) {
    Process process;
    try {
      ProcessBuilder builder =
          new ProcessBuilder(argv).directory(workdir.toFile()).redirectInput(ProcessBuilder.Redirect.INHERIT);
      builder.environment().putAll(environment);
      process = builder.start();
    } catch (IOException e) {
      return new CellRun(-1, false, e);
    }
    Thread stdout = pump(process.getInputStream(), output.stdout(console), "stdout");
    Thread stderr = pump(process.getErrorStream(), output.stderr(System.err), "stderr");
    try {
      boolean exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!exited) {
        kill(process);
      }
      int exitCode = process.waitFor();
      // The pipes close when the process tree is gone; a grandchild holding them is bounded here.
      stdout.join(TimeUnit.SECONDS.toMillis(5));
      stderr.join(TimeUnit.SECONDS.toMillis(5));
      return new CellRun(exitCode, !exited, null);
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      return new CellRun(-1, false, e);
    }
  }

  private static Thread pump(InputStream from, OutputStream to, String name) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (from;
                  to) {
                int read;
                while ((read = from.read(buffer)) >= 0) {
                  to.write(buffer, 0, read);
                  to.flush();
                }
              } catch (IOException e) {
                // The process went away mid-read: what was read is recorded.
              }
            },
            "cab-trace-example-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private SubprocessRunner() {}
}
