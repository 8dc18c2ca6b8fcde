package dev.cabtrace.replay.internal;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which file or directory a path is, the same however it is reached: the system's file key
 * (device and inode, which a hard link shares too), or, where it has none, the path made absolute
 * and normalized. {@code sweep} and {@code serve}'s index count each capture once by it. Internal:
 * shared by cab-trace's own packages, not part of its API.
 */
public final class FileKey {

  private FileKey() {}

  /** The key of {@code path}, whose attributes are {@code attributes}, or null when they could not be read. */
  public static Object of(BasicFileAttributes attributes, Path path) {
    Object key = attributes == null ? null : attributes.fileKey();
    return key != null ? key : path.toAbsolutePath().normalize();
  }
}
