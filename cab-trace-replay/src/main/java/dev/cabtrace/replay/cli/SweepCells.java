package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.cli.SweepCaptures.Capture;
import dev.cabtrace.replay.cli.SweepCaptures.Entry;
import dev.cabtrace.replay.ledger.SweepLedger;
import dev.cabtrace.replay.ledger.TraceFacts;
import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A sweep's cells read into its ledger, one cell per task on threads as wide as the machine: the
 * capture files on disk, or the traces a backend's search found. A cell that cannot be read
 * becomes a warning naming it; the rest still count.
 */
final class SweepCells {

  private SweepCells() {}

  /**
   * Reads {@code files} ({@link SweepCaptures#of}), and the captures under any of them that turns
   * out to be a directory, into {@code ledger}; {@code seen} as {@link SweepCaptures#unseen} takes
   * it. Warnings are added sorted by PATH and file, whatever order the threads finished in.
   */
  static void fromFiles(List<Capture> files, boolean strict, Set<Path> seen, SweepLedger.Builder ledger)
      throws InterruptedException {
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
      Queue<Capture> directories = new ConcurrentLinkedQueue<>();
      Queue<Capture> journalCaptures = new ConcurrentLinkedQueue<>();
      List<Callable<String>> cells = new ArrayList<>();
      for (Capture capture : round) {
        TraceReader chosen = capture.noJournal() ? noJournal : reader;
        cells.add(() -> countFile(capture, chosen, directories, journalCaptures, ledger));
      }
      warnings.addAll(runAll(cells));
      read.addAll(round);
      round = new ArrayList<>();
      List<Capture> walkNext = new ArrayList<>(directories);
      walkNext.sort(Comparator.comparingInt(Capture::root).thenComparing(Capture::file));
      for (Capture directory : walkNext) {
        round.addAll(SweepCaptures.unseen(SweepCaptures.under(directory.file(), directory.root(), ledger), seen));
      }
      // A journal named as a PATH stands for its capture file: read once, however many name it.
      List<Capture> readNext = new ArrayList<>(journalCaptures);
      readNext.sort(Comparator.comparingInt(Capture::root).thenComparing(Capture::file));
      round.addAll(SweepCaptures.unseen(readNext, seen));
    }
    // Files are read in the order the walks list them; their warnings are given sorted.
    List<Integer> warned = new ArrayList<>();
    for (int i = 0; i < warnings.size(); i++) {
      if (warnings.get(i) != null) {
        warned.add(i);
      }
    }
    warned.sort(Comparator.<Integer>comparingInt(i -> read.get(i).root()).thenComparing(i -> read.get(i).file()));
    for (int i : warned) {
      ledger.addWarning(warnings.get(i));
    }
  }

  /**
   * Counts the cell in {@code capture}'s file, first looking at what a walk's entry is: a
   * directory goes to {@code directories}, a pipe or device is left alone. A crash journal is not
   * a cell: its capture file, which reads it, goes to {@code journalCaptures}. Returns the warning
   * it leaves, or null.
   */
  private static String countFile(Capture capture, TraceReader reader, Queue<Capture> directories,
      Queue<Capture> journalCaptures, SweepLedger.Builder ledger) {
    Path file = capture.file();
    boolean journal = capture.name() != null ? capture.name().endsWith(".jsonl.journal")
        : file.getFileName() != null && file.getFileName().toString().endsWith(".jsonl.journal");
    if (journal || capture.looked() && TraceReader.isCrashJournal(file)) {
      return journal(capture, journalCaptures);
    }
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
      if (entry == Entry.BROKEN_LINK) {
        return "cannot read " + file + ": a symbolic link to no file (dangling, or a loop); not counted";
      }
      if (entry != Entry.CAPTURE) {
        return null;
      }
    }
    return count(ledger, file.toString(), () -> TraceFacts.read(file, reader));
  }

  /**
   * A crash journal, found by a walk without its capture file or named as a PATH: not a cell of its
   * own. Its capture file beside it ({@code X} for {@code X.journal}) reads it, and is queued to be
   * read; without one, the journal's spans are lost to the sweep and the warning returned says so.
   */
  private static String journal(Capture capture, Queue<Capture> journalCaptures) {
    Path file = capture.file();
    if (!capture.looked() && !java.nio.file.Files.isRegularFile(file)) {
      return null; // a directory or a pipe so named: not a journal, and left alone as before
    }
    Path of = TraceReader.captureOfJournal(file);
    if (of != null && java.nio.file.Files.isRegularFile(of)) {
      if (capture.looked()) {
        journalCaptures.add(new Capture(of, capture.root()));
      }
      return null;
    }
    return "crash journal " + file + " has no capture file" + (of == null ? "" : " " + of)
        + " to read it with; its spans are not counted";
  }

  /** Fetches and reads each trace of {@code traceIds} from the backend at {@code from} into {@code ledger}. */
  static void fromBackend(String from, List<String> traceIds, boolean strict, SweepLedger.Builder ledger)
      throws InterruptedException {
    TraceReader reader = reader(strict, true, 1);
    List<Callable<String>> cells = new ArrayList<>();
    for (String traceId : traceIds) {
      cells.add(() -> count(ledger, "trace " + traceId, () -> BackendFetch.fetchFacts(reader, from, traceId)));
    }
    for (String warning : runAll(cells)) {
      if (warning != null) {
        ledger.addWarning(warning);
      }
    }
  }

  /** Adds the cell read from {@code in} (stdin) to the ledger, with its warning if it leaves one. */
  static void fromStdin(java.io.InputStream in, boolean strict, SweepLedger.Builder ledger) {
    String warning = count(ledger, "<stdin>", () -> TraceFacts.read(in, "<stdin>", reader(strict, false, 1)));
    if (warning != null) {
      ledger.addWarning(warning);
    }
  }

  private interface Load {
    TraceFacts load() throws TraceReadException;
  }

  private static TraceReader reader(boolean strict, boolean readJournal, int parallelism) {
    return TraceReader.builder().setStrict(strict).setReadJournal(readJournal).setParallelism(parallelism).build();
  }

  /**
   * Adds one cell to the ledger; returns the warning it leaves, or null. A read error names its
   * file itself; anything else is named here with {@code source}.
   */
  private static String count(SweepLedger.Builder ledger, String source, Load load) {
    TraceFacts cell;
    try {
      cell = load.load();
    } catch (TraceReadException e) {
      return e.getMessage();
    } catch (RuntimeException | StackOverflowError e) {
      return "cannot read " + source + ": unexpected " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage());
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
}
