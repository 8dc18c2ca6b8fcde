package dev.cabtrace.replay.record;

import dev.cabtrace.api.CellIdentity;
import dev.cabtrace.api.CellSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The directory a recorded command runs in: made fresh for the cell with its {@code TASK.md}, and
 * removed after it. A failure to do either is the failure of the span that tried.
 */
final class CellWorkdir {

  private static final String PREFIX = "cab-trace-cell-";

  private CellWorkdir() {}

  /** A fresh directory for the cell; the temporary directory itself when none can be made. */
  static Path prepare(CellSpan setup, CellIdentity identity) {
    try {
      Path workdir = Files.createTempDirectory(PREFIX);
      Files.writeString(workdir.resolve("TASK.md"), "Task: " + identity.taskId() + "\n");
      return workdir;
    } catch (IOException e) {
      setup.recordFailure(e);
      return Path.of(System.getProperty("java.io.tmpdir"));
    }
  }

  /** Removes {@code workdir} and all in it, when it is one {@link #prepare} made. */
  static void delete(Path workdir, CellSpan cleanup) {
    if (!workdir.getFileName().toString().startsWith(PREFIX)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(workdir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      cleanup.recordFailure(e);
    }
  }
}
