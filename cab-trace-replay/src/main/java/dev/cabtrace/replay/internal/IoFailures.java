package dev.cabtrace.replay.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file operation failed, in the system's own words (strerror's), never an exception's class
 * name. Internal: shared by cab-trace's own packages, not part of its API; it may change without
 * notice.
 */
public final class IoFailures {

  private IoFailures() {}

  /** The reason {@code e} gives, in words: "permission denied", "no such file or directory", ... */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory"; // a directory where no file can be made: /dev/fd, /proc
    }
    if (e instanceof FileAlreadyExistsException already) {
      return already.getFile() + " is in the way";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemLoopException) {
      return "too many levels of symbolic links";
    }
    if (e instanceof FileSystemException failed && failed.getReason() != null) {
      return failed.getReason();
    }
    if (!(e instanceof FileSystemException) && e.getMessage() != null) {
      return e.getMessage(); // a write's own: "No space left on device"
    }
    return "the file system refused it";
  }
}
