package dev.cabtrace.sdk.persist;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Opens trace files so that only their owner can read them: traces may hold what a run saw. */
final class OwnerOnlyFiles {

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  /** Creates the missing directories above {@code file}; fails when one of them is a file. */
  static void createParentDirectories(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      if (Files.exists(parent)) {
        throw new NotDirectoryException(parent + " is not a directory");
      }
      Files.createDirectories(parent);
    }
  }

  static FileChannel openForAppend(Path file) throws IOException {
    return open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  static FileChannel openTruncated(Path file) throws IOException {
    return open(
        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static FileChannel open(Path file, StandardOpenOption... options) throws IOException {
    Set<StandardOpenOption> set = EnumSet.noneOf(StandardOpenOption.class);
    java.util.Collections.addAll(set, options);
    if (!POSIX) {
      return FileChannel.open(file, set);
    }
    FileAttribute<Set<PosixFilePermission>> ownerOnly =
        PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE);
    return FileChannel.open(file, set, ownerOnly);
  }

  private OwnerOnlyFiles() {}
}
