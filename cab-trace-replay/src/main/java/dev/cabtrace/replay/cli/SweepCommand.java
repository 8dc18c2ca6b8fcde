package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.ledger.Budget;
import dev.cabtrace.replay.ledger.SweepGroup;
import dev.cabtrace.replay.ledger.SweepLedger;
import dev.cabtrace.replay.ledger.TraceFacts;
import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Print a sweep's ledger per agent and model, as a leaderboard.",
        "Reads every capture (*.jsonl, with its crash journal) under the PATHs, or every trace a backend holds for"
            + " --sweep ID. A cell that cannot be read becomes a warning naming it; the rest still count."})
final class SweepCommand implements Callable<Integer> {

  private static final String[] COLUMNS = {
    "tui", "model", "cells", "passes", "pass_rate", "prompt_tokens", "completion_tokens", "total_tokens",
    "model_calls", "tokens_per_correct_task", "cells_without_tokens", "wall_clock_ms_median", "wall_clock_ms_p90",
    "container_active_ms_median", "model_call_ms_total"
  };

  @Parameters(paramLabel = "PATH", arity = "0..*",
      description = "Capture files, or directories searched recursively for *.jsonl.")
  List<String> paths = new ArrayList<>();

  @Option(names = "--from", paramLabel = "URL",
      description = "Search a backend's query API for the sweep's traces instead: Tempo, Jaeger or Zipkin.")
  String from;

  @Option(names = "--sweep", paramLabel = "ID", description = "With --from: the cab.sweep_id to search for.")
  String sweepId;

  @Option(names = "--service", paramLabel = "NAME", defaultValue = "cab-harness",
      description = "With --from on Jaeger, which searches within one service: its name (default: ${DEFAULT-VALUE}).")
  String service;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
      description = "With --from: at most N traces (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--since", paramLabel = "DURATION",
      description = "With --from: search traces of the last DURATION (e.g. 6h, P7D); default: the backend's own window.")
  String since;

  @Option(names = "--json", description = "Print {\"cells\": N, \"groups\": [...], \"warnings\": [...]}.")
  boolean json;

  @Option(names = "--csv", description = "Print one CSV row per group, with a header row; warnings go to stderr.")
  boolean csv;

  @Option(names = "--strict", description = "A cell with a bad line is not counted (a warning) instead of counted without it.")
  boolean strict;

  @Mixin VerboseOption verbose;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (json && csv) {
      throw new IllegalArgumentException("--json and --csv exclude each other");
    }
    if (from == null && sweepId != null) {
      throw new IllegalArgumentException("--sweep needs --from URL");
    }
    if (from != null && (sweepId == null || !paths.isEmpty())) {
      throw new IllegalArgumentException("--from needs --sweep ID and no PATH");
    }
    if (from == null && paths.isEmpty()) {
      throw new IllegalArgumentException("give at least one PATH, or --from URL --sweep ID");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1");
    }
    java.time.Duration window = since == null ? null : Budget.parseDuration(since);
    SweepLedger.Builder ledger = SweepLedger.builder();
    Set<Path> seen = paths.size() > 1 ? new HashSet<>() : null;
    List<Capture> files = from == null ? captureFiles(ledger, seen) : List.of();
    List<Callable<String>> cells = new ArrayList<>();
    if (from != null) {
      TraceReader reader = reader(strict, true, 1);
      for (String traceId : BackendSearch.search(from, sweepId, service, limit, window, System.currentTimeMillis())) {
        cells.add(() -> count(ledger, () -> BackendFetch.fetchFacts(reader, from, traceId)));
      }
      for (String warning : runAll(cells)) {
        if (warning != null) {
          ledger.addWarning(warning);
        }
      }
    } else {
      // Rounds: a walk names its *.jsonl entries without looking at them; the worker that reads
      // one looks first, and one that is a directory is walked for the next round, in path order.
      List<Capture> read = new ArrayList<>();
      List<String> warnings = new ArrayList<>();
      for (List<Capture> round = files; !round.isEmpty(); ) {
        // One file per thread: the pool, not the reader, spreads the work over the processors;
        // fewer files than processors (one big capture) are each read on all of them.
        int processors = Runtime.getRuntime().availableProcessors();
        int parallelism = round.size() < processors ? Math.min(4, processors) : 1;
        TraceReader reader = reader(strict, true, parallelism);
        // A file found by the walk with no crash journal beside it needs no look for one.
        TraceReader noJournal = reader(strict, false, parallelism);
        java.util.Queue<Capture> directories = new java.util.concurrent.ConcurrentLinkedQueue<>();
        cells.clear();
        for (Capture capture : round) {
          TraceReader chosen = capture.noJournal() ? noJournal : reader;
          cells.add(() -> {
            Path file = capture.file();
            if (!capture.looked()) {
              Entry entry;
              try {
                entry = Entry.of(file);
              } catch (IOException e) {
                return "cannot read " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage());
              }
              if (entry == Entry.DIRECTORY) {
                directories.add(capture);
              }
              if (entry != Entry.CAPTURE) {
                return null;
              }
            }
            return count(ledger, () -> TraceFacts.read(file, chosen));
          });
        }
        warnings.addAll(runAll(cells));
        read.addAll(round);
        round = new ArrayList<>();
        List<Capture> walkNext = new ArrayList<>(directories);
        walkNext.sort(java.util.Comparator.comparingInt(Capture::root).thenComparing(Capture::file));
        for (Capture directory : walkNext) {
          round.addAll(unseen(captures(directory.file(), directory.root(), ledger), seen));
        }
      }
      // Files are read in the order the walks list them; their warnings are given sorted.
      List<Integer> warned = new ArrayList<>();
      for (int i = 0; i < warnings.size(); i++) {
        if (warnings.get(i) != null) {
          warned.add(i);
        }
      }
      warned.sort(java.util.Comparator.<Integer>comparingInt(i -> read.get(i).root())
          .thenComparing(i -> read.get(i).file()));
      for (int i : warned) {
        ledger.addWarning(warnings.get(i));
      }
    }
    SweepLedger result = ledger.build();
    spec.commandLine().getOut().print(json ? json(result) : csv ? csv(result) : text(result));
    spec.commandLine().getOut().flush();
    if (csv) {
      for (String warning : result.warnings()) {
        spec.commandLine().getErr().println("cab-trace: warning: " + TerminalText.escapeLine(warning));
      }
    }
    return result.cells() == 0 && !result.warnings().isEmpty() ? 1 : 0;
  }

  private interface Load {
    TraceFacts load() throws TraceReadException;
  }

  private static TraceReader reader(boolean strict, boolean readJournal, int parallelism) {
    return TraceReader.builder().setStrict(strict).setReadJournal(readJournal).setParallelism(parallelism).build();
  }

  /** Adds one cell to the ledger; returns the warning it leaves, or null. */
  private static String count(SweepLedger.Builder ledger, Load load) {
    TraceFacts cell;
    try {
      cell = load.load();
    } catch (TraceReadException e) {
      return e.getMessage();
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    ledger.add(cell.identity("cab.tui"), cell.identity("cab.model"), cell.score());
    int problems = cell.warnings().size();
    return problems == 0 ? null
        : cell.warnings().get(0) + (problems > 1 ? " (and " + (problems - 1) + " more load warning(s))" : "");
  }

  /**
   * Runs every task on threads as wide as the machine, each taking the next task as it finishes
   * one (ten thousand small files make a queue's hand-offs add up); the results in the tasks'
   * order, a task that threw giving its exception's name and message.
   */
  private static List<String> runAll(List<Callable<String>> tasks) throws InterruptedException {
    int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), tasks.size()));
    String[] results = new String[tasks.size()];
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    Runnable worker = () -> {
      for (int k = next.getAndIncrement(); k < results.length; k = next.getAndIncrement()) {
        try {
          results[k] = tasks.get(k).call();
        } catch (Throwable e) { // an Error too: the cell becomes a warning, never a silent gap
          results[k] = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
      }
    };
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(worker, "cab-trace-sweep");
      thread.setDaemon(true);
      thread.start();
      started.add(thread);
    }
    try {
      for (Thread thread : started) {
        thread.join();
      }
    } finally {
      next.set(results.length); // interrupted: the others stop after their current task
    }
    return java.util.Arrays.asList(results);
  }

  /** The capture files under {@code directory}, found under PATH number {@code root}. */
  private static List<Capture> captures(Path directory, int root, SweepLedger.Builder ledger) {
    List<Capture> found = new ArrayList<>();
    walk(directory, root, found, ledger);
    return found;
  }

  /**
   * Lists {@code directory} and every directory under it (symbolic links to directories not
   * followed) into {@code found}: the entries named {@code *.jsonl}, not looked at, each with
   * whether a crash journal lies beside it. A walk of ten thousand captures costs mostly the
   * {@code lstat} of each entry: the readers do that, sharing it out. Entries are NIO paths, which
   * keep a name's bytes as the directory gave them, whatever the locale can decode.
   */
  private static void walk(Path directory, int root, List<Capture> found, SweepLedger.Builder ledger) {
    List<Path> entries = new ArrayList<>();
    Set<String> journals = new HashSet<>();
    try (java.nio.file.DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
      for (Path entry : listing) {
        String name = entry.getFileName().toString();
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
        found.add(new Capture(entry, root, !journals.contains(name + ".journal"), false));
        continue;
      }
      try {
        if (Files.readAttributes(entry, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS).isDirectory()) {
          walk(entry, root, found, ledger);
        }
      } catch (IOException e) {
        ledger.addWarning("cannot read " + entry + ": " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " " + e.getMessage()));
      }
    }
  }

  /**
   * A capture file to read: the PATH it was found under (its index), whether the walk saw that no
   * crash journal lies beside it, and whether what it is was looked at (a walk's entries are not).
   */
  private record Capture(Path file, int root, boolean noJournal, boolean looked) {}

  /** What a walk's entry named {@code *.jsonl} is. */
  private enum Entry {
    /** A regular file or a symbolic link to one: a capture to read. */
    CAPTURE,
    /** A directory, to walk. */
    DIRECTORY,
    /** A pipe, a device or a link to something else, left alone: opening a pipe would wait for a writer. */
    OTHER;

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
      return attributes.isRegularFile() || (attributes.isSymbolicLink() && Files.isRegularFile(entry)) ? CAPTURE : OTHER;
    }
  }

  /** The captures whose files are not in {@code seen} (null: one PATH, nothing to see twice), adding them. */
  private static List<Capture> unseen(List<Capture> captures, Set<Path> seen) {
    if (seen == null) {
      return captures;
    }
    List<Capture> unseen = new ArrayList<>();
    for (Capture capture : captures) {
      if (seen.add(capture.file())) {
        unseen.add(capture);
      }
    }
    return unseen;
  }

  /**
   * The files to read: each PATH that is a file, and every *.jsonl entry under each directory (what
   * each one is, is looked at when it is read), in the order the walk lists them (ten thousand
   * paths are not sorted up front; what depends on order is sorted after), each file once.
   */
  private List<Capture> captureFiles(SweepLedger.Builder ledger, Set<Path> seen) {
    List<Capture> files = new ArrayList<>();
    for (int root = 0; root < paths.size(); root++) {
      String name = paths.get(root);
      Path path = Path.of(name);
      if (Files.isDirectory(path)) {
        files.addAll(unseen(captures(path, root, ledger), seen));
      } else if (Files.exists(path)) {
        if (seen == null || seen.add(path)) {
          files.add(new Capture(path, root, false, true));
        }
      } else {
        ledger.addWarning("cannot read " + name + ": no such file or directory");
      }
    }
    return files;
  }

  /**
   * The ledger as JSON, laid out as Jackson's default pretty printer lays it out, written here: a
   * generator's classes would cost a sweep of small files more to load than the writing.
   */
  static String json(SweepLedger ledger) {
    StringBuilder out = new StringBuilder();
    out.append("{\n  \"cells\" : ").append(ledger.cells()).append(",\n  \"groups\" : [");
    List<SweepGroup> groups = ledger.groups();
    for (int g = 0; g < groups.size(); g++) {
      out.append(g == 0 ? " {" : ", {");
      Object[] values = values(groups.get(g));
      for (int i = 0; i < COLUMNS.length; i++) {
        out.append(i == 0 ? "\n    \"" : ",\n    \"").append(COLUMNS[i]).append("\" : ");
        Object value = values[i];
        if (value instanceof String) {
          TerminalSafeEscapes.appendQuoted(out, (String) value);
        } else {
          out.append(value); // null, a Long, a Double: as Jackson writes them
        }
      }
      out.append("\n  }");
    }
    out.append(" ],\n  \"warnings\" : [");
    List<String> warnings = ledger.warnings();
    for (int w = 0; w < warnings.size(); w++) {
      out.append(w == 0 ? " " : ", ");
      TerminalSafeEscapes.appendQuoted(out, warnings.get(w));
    }
    return out.append(" ]\n}\n").toString();
  }

  static String csv(SweepLedger ledger) {
    StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    for (SweepGroup group : ledger.groups()) {
      Object[] values = values(group);
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        Object value = values[i];
        if (value instanceof String) {
          // Quoted as RFC 4180 says; control characters escaped, so that a CSV on a terminal is safe.
          String field = TerminalText.escapeLine((String) value);
          out.append(field.matches(".*[,\"].*") ? "\"" + field.replace("\"", "\"\"") + "\"" : field);
        } else if (value instanceof Double) {
          out.append(plain((Double) value));
        } else if (value != null) {
          out.append(value);
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  static String text(SweepLedger ledger) {
    StringBuilder out = new StringBuilder();
    out.append("Sweep: ").append(ledger.cells()).append(" cell(s) in ").append(ledger.groups().size())
        .append(" group(s) of agent and model\n\n");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"#", "Agent", "Model", "Cells", "Passes", "Pass rate", "Total tokens", "Calls",
        "Tokens/correct", "No tokens", "Wall p50", "Wall p90", "Container p50", "Model-call time"});
    int rank = 1;
    for (SweepGroup group : ledger.groups()) {
      rows.add(new String[] {
        Integer.toString(rank++),
        group.tui() == null ? "(unknown)" : TerminalText.escapeLine(group.tui()),
        group.model() == null ? "(unknown)" : TerminalText.escapeLine(group.model()),
        Long.toString(group.cells()),
        Long.toString(group.passes()),
        String.format(Locale.ROOT, "%.1f%%", group.passRate() * 100),
        group.totalTokens() == null ? "not recorded" : group.totalTokens().toString(),
        Long.toString(group.modelCalls()),
        group.tokensPerCorrectTask() == null ? "-" : String.format(Locale.ROOT, "%.1f", group.tokensPerCorrectTask()),
        Long.toString(group.cellsWithoutTokens()),
        seconds(group.wallClockMsMedian()),
        seconds(group.wallClockMsP90()),
        seconds(group.containerActiveMsMedian()),
        seconds(group.modelCallMsTotal())
      });
    }
    TraceTables.table(out, rows);
    if (!ledger.warnings().isEmpty()) {
      out.append("\nWarnings (").append(ledger.warnings().size()).append(")\n");
      for (String warning : ledger.warnings()) {
        out.append("  ").append(TerminalText.escapeLine(warning)).append('\n');
      }
    }
    return out.toString();
  }

  private static Object[] values(SweepGroup group) {
    return new Object[] {
      group.tui(), group.model(), group.cells(), group.passes(), group.passRate(), group.promptTokens(),
      group.completionTokens(), group.totalTokens(), group.modelCalls(), group.tokensPerCorrectTask(),
      group.cellsWithoutTokens(), group.wallClockMsMedian(), group.wallClockMsP90(), group.containerActiveMsMedian(),
      group.modelCallMsTotal()
    };
  }

  private static String plain(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static String seconds(double millis) {
    return String.format(Locale.ROOT, "%.2f s", millis / 1000);
  }
}
