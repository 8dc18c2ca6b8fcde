package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.internal.FileKey;
import dev.cabtrace.replay.ledger.SweepLedger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The capture files of a sweep on disk: each PATH that is a file, and every {@code *.jsonl} entry
 * under each directory given, walked without looking at the entries (the threads that read them
 * look first, {@link Found#of}); what cannot be listed becomes a warning in the ledger. A directory reached by two
 * paths (a symbolic link to it, or one given inside another) is walked once.
 */
final class SweepCaptures {

  private SweepCaptures() {}

  /**
   * The files to read: each PATH that is a file, and every *.jsonl entry under each directory (what
   * each one is, is looked at on the threads that read them), in the order the walk lists them (ten thousand
   * paths are not sorted up front; what depends on order is sorted after). {@code taken} holds
   * each file and directory taken so far by its {@link FileKey}, with the path it was taken as.
   */
  static List<Capture> of(List<String> paths, SweepLedger.Builder ledger, Map<Object, Path> taken) {
    List<Capture> files = new ArrayList<>();
    for (int root = 0; root < paths.size(); root++) {
      String name = paths.get(root);
      Path path = Path.of(name);
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (IOException e) {
        ledger.addWarning("cannot read " + name + ": no such file or directory");
        continue;
      }
      if (attributes.isDirectory()) {
        walkOnce(path, FileKey.of(attributes, path), root, files, ledger, taken);
      } else {
        files.add(new Capture(path, root));
      }
    }
    return files;
  }

  /**
   * The capture files under {@code directory} (which {@code key} names, as {@link FileKey}),
   * found under PATH number {@code root}: none when it was walked already.
   */
  static List<Capture> under(Path directory, Object key, int root, SweepLedger.Builder ledger, Map<Object, Path> taken) {
    List<Capture> found = new ArrayList<>();
    walkOnce(directory, key, root, found, ledger, taken);
    return found;
  }

  /**
   * Walks {@code directory} unless it was walked already, reached by another path: then the
   * warning {@link #again} gives, if any, goes to the ledger instead.
   */
  private static void walkOnce(Path directory, Object key, int root, List<Capture> found, SweepLedger.Builder ledger,
      Map<Object, Path> taken) {
    Path first = taken.putIfAbsent(key, directory);
    if (first == null) {
      walk(directory, root, found, ledger, taken);
      return;
    }
    String warning = again(directory, first, "directory");
    if (warning != null) {
      ledger.addWarning(warning);
    }
  }

  /**
   * The warning for {@code path}, a file or directory ({@code what}) taken already as {@code
   * first}: none when the two spell one path ({@code runs} and {@code ./runs}), an overlap the
   * command line shows; else both are named, as a link or a second name of the file is not shown.
   */
  static String again(Path path, Path first, String what) {
    if (path.toAbsolutePath().normalize().equals(first.toAbsolutePath().normalize())) {
      return null;
    }
    return path + " is the same " + what + " as " + first
        + ("directory".equals(what) ? "; its captures are counted once" : "; counted once");
  }

  /**
   * Lists {@code directory} and every directory under it (symbolic links to directories not
   * followed) into {@code found}: the entries named {@code *.jsonl}, not looked at, each with
   * whether a crash journal lies beside it, and each {@code *.jsonl.journal} without its capture
   * file (its reader warns: its spans are lost to the sweep). A walk of ten thousand captures
   * costs mostly the {@code lstat} of each entry: the reading threads do that, sharing it out,
   * and make each entry's path.
   */
  private static void walk(Path directory, int root, List<Capture> found, SweepLedger.Builder ledger,
      Map<Object, Path> taken) {
    // java.io lists names six times faster than NIO, which makes a path of each; but it decodes
    // the names, which a name the locale cannot decode does not survive: a directory with a name
    // that is not plain ASCII (the same bytes in every locale's encoding) is listed by NIO, whose
    // paths keep a name's bytes.
    String[] names = directory.toFile().list();
    if (names == null || !ascii(names)) {
      walkPaths(directory, root, found, ledger, taken);
      return;
    }
    Set<String> journals = new HashSet<>();
    for (String name : names) {
      if (name.endsWith(".jsonl.journal")) {
        journals.add(name);
      }
    }
    for (String name : names) {
      if (name.endsWith(".jsonl")) {
        found.add(new Capture(directory, name, root, journals.isEmpty() || !journals.contains(name + ".journal"), false));
      } else if (!name.endsWith(".jsonl.journal")) {
        walkIfDirectory(directory.resolve(name), root, found, ledger, taken);
      }
    }
    if (!journals.isEmpty()) {
      addOrphans(journals, new HashSet<>(java.util.Arrays.asList(names)), directory, root, found);
    }
  }

  /**
   * Adds to {@code found} each journal of {@code journals} whose capture file is not among {@code
   * names}, in name order: nothing reads it, and the reader of the entry warns that its spans
   * are not counted.
   */
  private static void addOrphans(Set<String> journals, Set<String> names, Path directory, int root, List<Capture> found) {
    List<String> orphans = new ArrayList<>();
    for (String journal : journals) {
      if (!names.contains(journal.substring(0, journal.length() - ".journal".length()))) {
        orphans.add(journal);
      }
    }
    orphans.sort(null);
    for (String orphan : orphans) {
      found.add(new Capture(directory, orphan, root, true, false));
    }
  }

  /**
   * Whether every name is ASCII, and none has a {@code ?}: a JVM whose file-name encoding is
   * ASCII itself may decode a byte it cannot as {@code ?}, not as U+FFFD.
   */
  private static boolean ascii(String[] names) {
    for (String name : names) {
      for (int k = 0; k < name.length(); k++) {
        char c = name.charAt(k);
        if (c >= 0x80 || c == '?') {
          return false;
        }
      }
    }
    return true;
  }

  /** As {@link #walk}, with NIO's paths. */
  private static void walkPaths(Path directory, int root, List<Capture> found, SweepLedger.Builder ledger,
      Map<Object, Path> taken) {
    List<Path> entries = new ArrayList<>();
    Set<String> journals = new HashSet<>();
    Set<String> names = new HashSet<>();
    try (java.nio.file.DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
      for (Path entry : listing) {
        String name = entry.getFileName().toString();
        names.add(name);
        if (name.endsWith(".jsonl.journal")) {
          journals.add(name);
        } else {
          entries.add(entry);
        }
      }
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      ledger.addWarning("cannot read " + directory + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
      return;
    }
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (name.endsWith(".jsonl")) {
        found.add(new Capture(entry, null, root, !journals.contains(name + ".journal"), false));
      } else {
        walkIfDirectory(entry, root, found, ledger, taken);
      }
    }
    if (!journals.isEmpty()) {
      addOrphans(journals, names, directory, root, found);
    }
  }

  private static void walkIfDirectory(Path entry, int root, List<Capture> found, SweepLedger.Builder ledger,
      Map<Object, Path> taken) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isDirectory()) {
        walkOnce(entry, FileKey.of(attributes, entry), root, found, ledger, taken);
      }
    } catch (IOException e) {
      ledger.addWarning("cannot read " + entry + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
  }

  /**
   * A capture file to read: {@code base}, or the entry {@code name} of the directory {@code base}
   * (its path made by the thread that looks at it); the PATH it was found under (its index), whether
   * the walk saw that no crash journal lies beside it, and whether what it is was looked at (a
   * walk's entries are not).
   */
  record Capture(Path base, String name, int root, boolean noJournal, boolean looked) {

    Capture(Path file, int root) {
      this(file, null, root, false, true);
    }

    /** The file's path. */
    Path file() {
      return name == null ? base : base.resolve(name);
    }
  }

  /** What a walk's entry named {@code *.jsonl} is. */
  enum Entry {
    /** A regular file or a symbolic link to one: a capture to read. */
    CAPTURE,
    /** A directory, to walk. */
    DIRECTORY,
    /** A pipe, a device or a link to something else, left alone: opening a pipe would wait for a writer. */
    OTHER,
    /** A symbolic link that leads to no file (dangling, or a loop): a capture lost, which a warning names. */
    BROKEN_LINK
  }

  /**
   * What a path is on disk: its {@link Entry}; which file or directory it is, its {@link FileKey};
   * and whether the path is a
   * symbolic link. Its crash journal goes by the path's name, so of two paths to one capture the
   * file's own name is the one read.
   */
  record Found(Entry entry, Object key, boolean link) {

    static Found of(Path path) throws IOException {
      // NIO's lstat, not java.io's stat: it tells a link apart and gives the key. One system call
      // for a plain file either way; a link is followed with a second.
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isSymbolicLink()) {
        Entry entry = attributes.isRegularFile() ? Entry.CAPTURE : attributes.isDirectory() ? Entry.DIRECTORY : Entry.OTHER;
        return new Found(entry, FileKey.of(attributes, path), false);
      }
      try {
        attributes = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (IOException e) {
        return new Found(Entry.BROKEN_LINK, FileKey.of(null, path), true);
      }
      // A link is a capture only to a regular file: one to a directory is not followed.
      return new Found(attributes.isRegularFile() ? Entry.CAPTURE : Entry.OTHER, FileKey.of(attributes, path), true);
    }
  }
}
