package dev.cabtrace.replay.page;

import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.internal.FileKey;
import dev.cabtrace.replay.read.TraceChangedException;
import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.ledger.CellScore;
import dev.cabtrace.replay.ledger.SweepGroup;
import dev.cabtrace.replay.ledger.SweepLedger;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.sdk.persist.CrashJournal;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The captures under a directory, one row per {@code *.jsonl} file (recursively, symbolic links
 * not followed), each read once and remembered while it is there and its size and modification
 * time stay the same, and its crash journal's. A file that cannot be read is a row with its
 * one-line error.
 */
final class CellIndex {

  /** Reading a trace for a row is bounded: files larger than this show their size, not their cell. */
  static final long MAX_INDEXED_BYTES = 512L << 20;

  private static final String STYLE =
      "html{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif;color:#1d2330}"
          + "body{margin:0 auto;max-width:1200px;padding:16px 20px 40px}h1{font-size:1.5rem;margin:.1rem 0;overflow-wrap:anywhere}"
          + ".brand,.note{color:#5d6677;margin:0}table{border-collapse:collapse;width:100%;margin-top:12px}"
          + "th,td{text-align:left;border-bottom:1px solid #dde2ea;padding:4px 8px;vertical-align:top}"
          + "td{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,monospace;font-size:.85rem;overflow-wrap:anywhere}"
          + ".num{text-align:right}.unknown{color:#5d6677;font-style:italic}tr.error td{background:#fff5f5}"
          + ".error-text{color:#c53030}a{color:#2f6fdb}";

  /** The index has no script at all. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src '" + PageTemplate.hash(STYLE) + "'; img-src data:; base-uri 'none'; form-action 'none'";

  /**
   * One capture.
   *
   * @param path its path relative to the root, with {@code /} separators
   * @param summary what its trace says, or null when it could not be read
   * @param error the one-line error, or null
   */
  /**
   * One capture: its summary and score, or why it could not be read; {@code sameAs}, the path of
   * the row that counts the same file in the sweep table (this one a link to it or another name
   * of it), or null.
   */
  record Row(String path, CellSummary summary, String error, String tui, String model, CellScore score, String sameAs) {
    Row(String path, CellSummary summary, String error, String tui, String model, CellScore score) {
      this(path, summary, error, tui, model, score, null);
    }

    Row(String path, CellSummary summary, String error) {
      this(path, summary, error, null, null, null, null);
    }

    Row counted(String sameAs) {
      return new Row(path, summary, error, tui, model, score, sameAs);
    }
  }

  /** A row, and what its files were when it was read: a crash journal's heartbeat moves while its capture stays. */
  private record Cached(Stamp capture, Stamp journal, Row row) {}

  /** A file's size and modification time; {@link #NONE} when there is no such file. */
  private record Stamp(long size, long modified) {
    static final Stamp NONE = new Stamp(-1, -1);

    static Stamp of(BasicFileAttributes attributes) {
      return new Stamp(attributes.size(), attributes.lastModifiedTime().toMillis());
    }
  }

  /** A capture as listed: its path under the root, the file read for it, and which file that is ({@link FileKey}). */
  /** A capture found: the name listed, the file it is, its identity, and whether a crash journal is beside it. */
  private record Listed(Path path, Path file, Object key, boolean journaled) {
    Listed(Path path, Path file, Object key) {
      // Looked at once, here: looked at while sorting, a journal appearing midway breaks the sort.
      this(path, file, key, Files.isRegularFile(CrashJournal.pathFor(file)));
    }

    boolean link() {
      return !path.equals(file);
    }
  }

  private final Path root;
  private final CellServer.CaptureReader reader;
  /** Guarded by this. */
  private final Map<Path, Cached> cache = new HashMap<>();

  CellIndex(Path root, CellServer.CaptureReader reader) {
    this.root = root;
    this.reader = reader;
  }

  /**
   * Every capture under the root, by path. One index is made at a time: requests at once would
   * each read every capture not yet remembered; the later ones wait, and find them remembered.
   */
  synchronized List<Row> rows() throws IOException {
    List<Listed> files = new ArrayList<>();
    List<Row> unreadable = new ArrayList<>();
    // A directory that cannot be listed (no permission) is a row saying so; the rest are listed.
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        if (!file.getFileName().toString().endsWith(".jsonl")) {
          return FileVisitResult.CONTINUE;
        }
        try {
          if (!file.getFileSystem().getPath(file.toString()).equals(file)) {
            // Bytes that are no text in the file system's encoding (not UTF-8): the name read as
            // text, and so its link, leads to another file.
            unreadable.add(new Row(relative(file), null, relative(file) + ": its name is not text in this system's"
                + " file name encoding (" + System.getProperty("sun.jnu.encoding", "?") + "), which no link can name;"
                + " rename the file to serve it"));
            return FileVisitResult.CONTINUE;
          }
          list(file, attributes);
        } catch (java.nio.file.InvalidPathException e) {
          // Outside a UTF-8 locale, a name of other characters is no path: its journal cannot be looked for.
          unreadable.add(new Row(relative(file), null, relative(file) + ": its name cannot be read in this"
              + " system's file name encoding (" + System.getProperty("sun.jnu.encoding", "?")
              + "); serve in a UTF-8 locale (LANG=C.UTF-8)"));
        }
        return FileVisitResult.CONTINUE;
      }

      private void list(Path file, BasicFileAttributes attributes) {
        if (attributes.isRegularFile()) {
          files.add(new Listed(file, file, FileKey.of(attributes, file)));
        } else if (attributes.isSymbolicLink()) {
          // Listed as its page serves it: when it leads to a capture inside the directory.
          try {
            Path real = file.toRealPath();
            BasicFileAttributes target = Files.readAttributes(real, BasicFileAttributes.class);
            if (real.startsWith(root) && target.isRegularFile()) {
              files.add(new Listed(file, real, FileKey.of(target, real)));
            }
          } catch (IOException dangling) {
            // a link to nothing: no capture
          }
        }
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        unreadable.add(new Row(relative(file), null, relative(file) + ": cannot be read ("
            + e.getClass().getSimpleName() + ")"));
        return FileVisitResult.CONTINUE;
      }
    });
    List<Row> rows = new ArrayList<>(files.size() + unreadable.size());
    Set<Path> listed = new HashSet<>();
    // Each file is counted once in the sweep table, however many names and links reach it (a link
    // to a capture is listed, as its page is served), under the name sweep reads it by: one with
    // a crash journal beside it, then its own name before a link, then the first.
    Map<Object, String> countedAs = new HashMap<>();
    files.sort(java.util.Comparator.<Listed, Boolean>comparing(file -> !file.journaled())
        .thenComparing(Listed::link).thenComparing(file -> relative(file.path())));
    for (Listed file : files) {
      Row row = row(file.path(), file.file());
      String first = countedAs.putIfAbsent(file.key(), row.path());
      rows.add(first == null ? row : row.counted(first));
      listed.add(file.path());
    }
    // Forget captures no longer there: their rows would be held for good, and one put back in a
    // file's place with the same size and time would be shown as the one that was deleted.
    cache.keySet().retainAll(listed);
    rows.addAll(unreadable);
    rows.sort(java.util.Comparator.comparing(Row::path));
    return rows;
  }

  private Row row(Path listed, Path file) {
    String relative = relative(listed);
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Stamp capture = Stamp.of(attributes);
      Stamp journal = journalStamp(file);
      Cached cached = cache.get(listed);
      if (cached != null && cached.capture().equals(capture) && cached.journal().equals(journal)) {
        return cached.row();
      }
      Row row;
      if (capture.size() > MAX_INDEXED_BYTES) {
        row = new Row(relative, null, "not indexed: " + (capture.size() >> 20) + " MiB (open its page to read it)");
      } else {
        try {
          row = read(file, relative);
        } catch (TraceChangedException e) {
          // Not remembered: the file is being written, and may keep its size and time when done.
          return new Row(relative, null, String.valueOf(e.getMessage()).replace(file.toString(), relative));
        }
      }
      cache.put(listed, new Cached(capture, journal, row));
      return row;
    } catch (IOException e) {
      // Not the exception's message: it names the file where the directory lies.
      return new Row(relative, null, relative + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The stamp of the crash journal a reader of {@code file} reads with it, or {@link Stamp#NONE}. */
  private static Stamp journalStamp(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(CrashJournal.pathFor(file), BasicFileAttributes.class);
      return attributes.isRegularFile() ? Stamp.of(attributes) : Stamp.NONE;
    } catch (IOException e) {
      return Stamp.NONE;
    }
  }

  /** The row of a capture, or of why it could not be read; throws if it changed while it was read. */
  private Row read(Path file, String relative) {
    try {
      Timeline timeline = reader.read(file);
      return new Row(relative, CellSummary.of(timeline), null, SweepLedger.Builder.identityOf(timeline, "cab.tui"),
          SweepLedger.Builder.identityOf(timeline, "cab.model"), CellScore.of(timeline));
    } catch (TraceReadException e) {
      // The message names the file by its absolute path; the page names it as the index does.
      return new Row(relative, null, String.valueOf(e.getMessage()).replace(file.toString(), relative));
    } catch (TraceChangedException e) {
      throw e;
    } catch (RuntimeException e) {
      // An attribute read back from the file may fail with the file's absolute path in its message.
      return new Row(relative, null, relative + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage().replace(file.toString(), relative)));
    }
  }

  /** {@code file} relative to the root, separated by {@code /}. */
  String relative(Path file) {
    Path relative = root.relativize(file);
    List<String> parts = new ArrayList<>();
    for (Path part : relative) {
      parts.add(part.toString());
    }
    return String.join("/", parts);
  }

  /** The index page: a table of the cells, each linking to its page. */
  static String html(String title, List<Row> rows) {
    StringBuilder out = new StringBuilder(4096);
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(HtmlText.escape(CONTENT_SECURITY_POLICY))
        .append("\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<link rel=\"icon\" href=\"data:,\">\n<title>")
        .append(HtmlText.fromTrace(title)).append(" · cab-trace</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n")
        .append("<p class=\"brand\">cab-trace · cells</p>\n<h1>").append(HtmlText.fromTrace(title)).append("</h1>\n")
        .append("<p class=\"note\">").append(rows.size()).append(rows.size() == 1 ? " capture" : " captures")
        .append(" (*.jsonl, read-only). Each cell's page is generated when you open it.</p>\n")
        .append(sweepTable(rows))
        .append("<h2>Cells</h2>\n<table>\n<thead><tr><th>Cell</th><th>Agent</th><th>Model</th><th>Task</th><th>Pass</th>")
        .append("<th class=\"num\">Tokens</th><th class=\"num\">Duration</th></tr></thead>\n<tbody>\n");
    for (Row row : rows) {
      out.append("<tr").append(row.error() != null ? " class=\"error\"" : "").append(">");
      if (row.error() != null) {
        out.append("<td>").append(HtmlText.fromTrace(row.path())).append("</td><td colspan=\"6\" class=\"error-text\">")
            .append(HtmlText.fromTrace(row.error())).append("</td>");
      } else {
        CellSummary cell = row.summary();
        out.append("<td><a href=\"").append(HtmlText.escape(link(row.path()))).append("\">")
            .append(HtmlText.fromTrace(row.path())).append("</a>");
        if (row.sameAs() != null) {
          out.append(" <span class=\"unknown\">(the file of ").append(HtmlText.fromTrace(row.sameAs()))
              .append(", counted once)</span>");
        }
        out.append("</td>");
        cell(out, cell.agent());
        cell(out, cell.model());
        cell(out, cell.task());
        Boolean pass = row.score().pass();
        cell(out, pass == null ? null : pass ? "pass" : "fail");
        Long tokens = row.score().totalTokens();
        out.append("<td class=\"num\">").append(tokens == null ? "<span class=\"unknown\">not recorded</span>"
            : tokens.toString()).append("</td>");
        out.append("<td class=\"num\">").append(cell.spanCount() == 0 ? "-" : Durations.seconds(cell.durationNanos()))
            .append("</td>");
      }
      out.append("</tr>\n");
    }
    return out.append("</tbody>\n</table>\n</body>\n</html>\n").toString();
  }

  /** The sweep ledger of the readable cells, per agent and model, as {@code cab-trace sweep} prints it. */
  static String sweepTable(List<Row> rows) {
    SweepLedger.Builder ledger = SweepLedger.builder();
    for (Row row : rows) {
      if (row.score() != null && row.sameAs() == null) {
        ledger.add(row.tui(), row.model(), row.score());
      }
    }
    StringBuilder out = new StringBuilder("<h2>Sweep</h2>\n<table class=\"sweep\">\n<thead><tr><th>Agent</th><th>Model</th>"
        + "<th class=\"num\">Cells</th><th class=\"num\">Passes</th><th class=\"num\">Pass rate</th>"
        + "<th class=\"num\">Total tokens</th><th class=\"num\">Tokens/correct</th>"
        + "<th class=\"num\">Wall median</th><th class=\"num\">Wall p90</th></tr></thead>\n<tbody>\n");
    for (SweepGroup group : ledger.build().groups()) {
      out.append("<tr>");
      cell(out, group.tui());
      cell(out, group.model());
      number(out, String.valueOf(group.cells()));
      number(out, String.valueOf(group.passes()));
      number(out, String.format(java.util.Locale.ROOT, "%.3f", group.passRate()));
      number(out, group.totalTokens() == null ? null : group.totalTokens().toString());
      number(out, group.tokensPerCorrectTask() == null ? null
          : String.format(java.util.Locale.ROOT, "%.1f", group.tokensPerCorrectTask()));
      number(out, String.format(java.util.Locale.ROOT, "%.3f s", group.wallClockMsMedian() / 1000));
      number(out, String.format(java.util.Locale.ROOT, "%.3f s", group.wallClockMsP90() / 1000));
      out.append("</tr>\n");
    }
    return out.append("</tbody>\n</table>\n").toString();
  }

  private static void number(StringBuilder out, String value) {
    out.append("<td class=\"num\">")
        .append(value == null ? "<span class=\"unknown\">not recorded</span>" : HtmlText.escape(value)).append("</td>");
  }

  private static void cell(StringBuilder out, String value) {
    out.append("<td>").append(value == null ? "<span class=\"unknown\">not recorded</span>" : HtmlText.fromTrace(value))
        .append("</td>");
  }

  /** The page's address for a capture's relative path: each segment percent-encoded. */
  static String link(String relative) {
    StringBuilder out = new StringBuilder("/cell");
    for (String segment : relative.split("/")) {
      out.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }
}
