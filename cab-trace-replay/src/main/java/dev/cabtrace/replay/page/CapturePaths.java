package dev.cabtrace.replay.page;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The captures a {@link CellServer}'s {@code /cell/} paths may name: files named {@code *.jsonl}
 * inside the served directory, reached through links only when the links stay inside it, their
 * paths spelled as the index spells them (segments separated by {@code /}, percent-encoded UTF-8).
 */
final class CapturePaths {

  private final Path realRoot;
  /**
   * Whether {@code \\} and {@code :} mean something to the file system (a separator, a drive), as
   * on Windows, and are refused in paths; elsewhere they are letters of a file's name, which the
   * index links like any other.
   */
  private final boolean windowsNames;

  /** The paths inside {@code realRoot}, the served directory's real path. */
  CapturePaths(Path realRoot) {
    this.realRoot = realRoot;
    this.windowsNames = !"/".equals(realRoot.getFileSystem().getSeparator());
  }

  /** A {@code /cell/} path resolved: 200 and the file, or 403/404 and why. */
  record Resolved(int status, Path file, String reason) {}

  /** The capture a {@code /cell/} path names, or why it is refused. */
  Resolved resolve(String rawRelative) throws IOException {
    String lower = rawRelative.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("%2f") || (windowsNames && lower.contains("%5c"))) {
      // The index separates a path's segments with '/' itself: an encoded one is someone else's.
      return new Resolved(403, null, "Only paths inside the served directory, their separators not encoded.");
    }
    String relative = decode(rawRelative);
    if (relative == null) {
      return new Resolved(404, null, "Not a valid path.");
    }
    if (relative.isEmpty() || relative.startsWith("/") || relative.indexOf('\0') >= 0
        || (windowsNames && (relative.indexOf('\\') >= 0 || relative.indexOf(':') >= 0))) {
      return new Resolved(403, null, "Only paths inside the served directory.");
    }
    for (String segment : relative.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return new Resolved(403, null, "Only paths inside the served directory.");
      }
    }
    Path candidate = realRoot.resolve(relative).normalize();
    if (!candidate.startsWith(realRoot)) {
      return new Resolved(403, null, "Only paths inside the served directory.");
    }
    if (!candidate.getFileName().toString().endsWith(".jsonl") || !Files.isRegularFile(candidate)) {
      return new Resolved(404, null, "No such capture.");
    }
    Path real = candidate.toRealPath();
    if (!real.startsWith(realRoot)) {
      return new Resolved(403, null, "A link leading outside the served directory.");
    }
    return new Resolved(200, real, null);
  }

  /** Percent-decodes a path strictly (no {@code +} for space); null when malformed or not UTF-8. */
  static String decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return null;
        }
        int high = Character.digit(raw.charAt(i + 1), 16);
        int low = Character.digit(raw.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return null;
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
