package dev.cabtrace.replay.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A file a run is to write ({@code record}'s capture, its cassette), checked before anything
 * runs: what is wrong with it would otherwise be found when it is first written, after the
 * command ran for nothing or once the run has started. Internal: shared by cab-trace's own packages,
 * not part of its API; it may change without notice.
 */
public final class FileToWrite {

  private FileToWrite() {}

  /**
   * Refuses {@code file}, given as {@code option}, when it is a directory or another file that is
   * not a regular one (a pipe, a FIFO, a device), lies under a file
   * (where its missing directories could not be made), or cannot be written. A link is checked
   * where it leads, a dangling one too.
   *
   * @param what what the file is, for the error: {@code a capture file}
   * @throws IllegalArgumentException naming the option, the file and why
   */
  public static void check(String option, Path file, String what) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(option + " " + file + " is a directory, not " + what);
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      // A pipe (>(...), a FIFO, /dev/stdout) or a device: the file is synced, read back and has a
      // crash journal written beside it, none of which a pipe or a device takes.
      throw new IllegalArgumentException(option + " " + file + " is not a regular file (a pipe or a device), as "
          + what + " must be: write it to a file and read that");
    }
    Path target = file;
    try {
      for (int links = 0; Files.isSymbolicLink(target) && links < 40; links++) {
        target = target.toAbsolutePath().resolveSibling(Files.readSymbolicLink(target)); // a dangling one too
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " " + file + " cannot be read as a link: " + e.getMessage());
    }
    Path existing = target.toAbsolutePath().getParent();
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent(); // created with the file
    }
    if (existing != null && !Files.isDirectory(existing)) {
      throw new IllegalArgumentException(option + " " + file + " cannot be written: " + existing + " is not a directory");
    }
    if (Files.exists(target) ? !Files.isWritable(target) : existing != null && !Files.isWritable(existing)) {
      throw new IllegalArgumentException(option + " " + file + " cannot be written (permission denied)");
    }
  }
}
