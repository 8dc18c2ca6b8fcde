package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.ledger.SweepLedger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The capture files of a sweep on disk: each PATH that is a file, and every {@code *.jsonl} entry
 * under each directory given, walked without looking at the entries (their readers do, {@link
 * Entry#of}); what cannot be listed becomes a warning in the ledger.
 */
final class SweepCaptures {

  private SweepCaptures() {}

  /**
   * The files to read: each PATH that is a file, and every *.jsonl entry under each directory (what
   * each one is, is looked at when it is read), in the order the walk lists them (ten thousand
   * paths are not sorted up front; what depends on order is sorted after), each file once.
   */
  static List<Capture> of(List<String> paths, SweepLedger.Builder ledger, Set<Path> seen) {
    // seen: the files already taken (null for one PATH, which cannot name a file twice).
    List<Capture> files = new ArrayList<>();
    for (int root = 0; root < paths.size(); root++) {
      String name = paths.get(root);
      Path path = Path.of(name);
      if (Files.isDirectory(path)) {
        files.addAll(unseen(under(path, root, ledger), seen));
      } else if (Files.exists(path)) {
        if (seen == null || seen.add(sameFileKey(path))) {
          files.add(new Capture(path, root));
        }
      } else {
        ledger.addWarning("cannot read " + name + ": no such file or directory");
      }
    }
    return files;
  }

  /** The capture files under {@code directory}, found under PATH number {@code root}. */
  static List<Capture> under(Path directory, int root, SweepLedger.Builder ledger) {
    List<Capture> found = new ArrayList<>();
    walk(directory, root, found, ledger);
    return found;
  }

  /**
   * Lists {@code directory} and every directory under it (symbolic links to directories not
   * followed) into {@code found}: the entries named {@code *.jsonl}, not looked at, each with
   * whether a crash journal lies beside it, and each {@code *.jsonl.journal} without its capture
   * file (its reader warns: its spans are lost to the sweep). A walk of ten thousand captures
   * costs mostly the {@code lstat} of each entry: the readers do that, sharing it out, and make
   * each entry's path.
   */
  private static void walk(Path directory, int root, List<Capture> found, SweepLedger.Builder ledger) {
    // java.io lists names six times faster than NIO, which makes a path of each; but it decodes
    // the names, which a name the locale cannot decode does not survive: a directory with a name
    // that is not plain ASCII (the same bytes in every locale's encoding) is listed by NIO, whose
    // paths keep a name's bytes.
    String[] names = directory.toFile().list();
    if (names == null || !ascii(names)) {
      walkPaths(directory, root, found, ledger);
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
        walkIfDirectory(directory.resolve(name), root, found, ledger);
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
  private static void walkPaths(Path directory, int root, List<Capture> found, SweepLedger.Builder ledger) {
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
        walkIfDirectory(entry, root, found, ledger);
      }
    }
    if (!journals.isEmpty()) {
      addOrphans(journals, names, directory, root, found);
    }
  }

  private static void walkIfDirectory(Path entry, int root, List<Capture> found, SweepLedger.Builder ledger) {
    try {
      if (Files.readAttributes(entry, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS).isDirectory()) {
        walk(entry, root, found, ledger);
      }
    } catch (IOException e) {
      ledger.addWarning("cannot read " + entry + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
  }

  /**
   * A capture file to read: {@code base}, or the entry {@code name} of the directory {@code base}
   * (its path made by the thread that reads it); the PATH it was found under (its index), whether
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
    BROKEN_LINK;

    static Entry of(Path entry) throws IOException {
      // java.io's stat, which follows links, is one native call and little code, run for every
      // capture of a sweep; NIO's lstat tells the rest apart (and says why it cannot).
      if (entry.toFile().isFile()) {
        return CAPTURE;
      }
      BasicFileAttributes attributes =
          Files.readAttributes(entry, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (attributes.isDirectory()) {
        return DIRECTORY;
      }
      if (attributes.isSymbolicLink()) {
        // Followed: a regular file is a capture; nothing at all (dangling, or a loop) is one lost.
        return Files.isRegularFile(entry) ? CAPTURE : Files.exists(entry) ? OTHER : BROKEN_LINK;
      }
      return attributes.isRegularFile() ? CAPTURE : OTHER;
    }
  }

  /**
   * The file as {@code seen} holds it: {@code runs/a.jsonl}, {@code ./runs/a.jsonl} and its absolute
   * path name one file, which a sweep counts once. Made without a system call; two symbolic links
   * to one file are two names.
   */
  private static Path sameFileKey(Path file) {
    return file.toAbsolutePath().normalize();
  }

  /** The captures whose files are not in {@code seen} (null: one PATH, nothing to see twice), adding them. */
  static List<Capture> unseen(List<Capture> captures, Set<Path> seen) {
    if (seen == null) {
      return captures;
    }
    List<Capture> unseen = new ArrayList<>();
    for (Capture capture : captures) {
      Path file = capture.file();
      if (seen.add(sameFileKey(file))) {
        // The path made here is kept: the reader and the sorting of warnings would make it again.
        unseen.add(new Capture(file, null, capture.root(), capture.noJournal(), capture.looked()));
      }
    }
    return unseen;
  }
}
