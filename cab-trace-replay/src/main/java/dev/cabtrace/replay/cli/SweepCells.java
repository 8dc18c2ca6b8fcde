package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.cli.SweepCaptures.Capture;
import dev.cabtrace.replay.cli.SweepCaptures.Entry;
import dev.cabtrace.replay.cli.SweepCaptures.Found;
import dev.cabtrace.replay.internal.FileKey;
import dev.cabtrace.replay.ledger.SweepLedger;
import dev.cabtrace.replay.ledger.TraceFacts;
import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
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
   * out to be a directory, into {@code ledger}, each file once however many paths reach it ({@code
   * taken} as {@link SweepCaptures#of} takes it). Warnings are added sorted by PATH and file,
   * whatever order the threads finished in.
   */
  static void fromFiles(List<Capture> files, boolean strict, Map<Object, Path> taken, SweepLedger.Builder ledger)
      throws InterruptedException {
    // Rounds: a walk names its *.jsonl entries without looking at them. Every entry is looked at
    // first, on every processor, so that a file reached by two paths is read under the same one
    // whatever order the threads finish in; a directory among them is walked for the next round.
    List<Capture> done = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (List<Capture> round = files; !round.isEmpty(); ) {
      Queue<Capture> journalCaptures = new ConcurrentLinkedQueue<>();
      List<Callable<Look>> looking = new ArrayList<>();
      for (Capture capture : round) {
        looking.add(() -> look(capture, journalCaptures));
      }
      List<Look> looks = runAll(looking, failure -> new Look(null, null, failure));
      String[] left = new String[round.size()];
      boolean[] toRead = once(round, looks, taken, left);

      // One file per thread: the pool, not the reader, spreads the work over the processors;
      // fewer files than processors (one big capture) are each read on all of them.
      List<Integer> reading = new ArrayList<>();
      for (int i = 0; i < toRead.length; i++) {
        if (toRead[i]) {
          reading.add(i);
        }
      }
      int processors = Runtime.getRuntime().availableProcessors();
      int parallelism = reading.size() < processors ? Math.min(4, processors) : 1;
      TraceReader reader = reader(strict, true, parallelism);
      // A file found by the walk with no crash journal beside it needs no look for one.
      TraceReader noJournal = reader(strict, false, parallelism);
      List<Callable<String>> cells = new ArrayList<>();
      for (int i : reading) {
        Path file = looks.get(i).file();
        TraceReader chosen = round.get(i).noJournal() ? noJournal : reader;
        cells.add(() -> count(ledger, file.toString(), () -> TraceFacts.read(file, chosen)));
      }
      List<String> read = runAll(cells, warning -> warning);
      for (int k = 0; k < reading.size(); k++) {
        left[reading.get(k)] = read.get(k);
      }
      for (int i = 0; i < left.length; i++) {
        // The path made by the look is kept: sorting the warnings would make it again.
        done.add(looks.get(i).file() != null ? new Capture(looks.get(i).file(), round.get(i).root()) : round.get(i));
        warnings.add(left[i]);
      }

      List<Capture> next = new ArrayList<>();
      List<Integer> directories = new ArrayList<>();
      for (int i = 0; i < looks.size(); i++) {
        if (looks.get(i).found() != null && looks.get(i).found().entry() == Entry.DIRECTORY) {
          directories.add(i);
        }
      }
      List<Capture> from = round;
      directories.sort(Comparator.<Integer>comparingInt(i -> from.get(i).root()).thenComparing(i -> looks.get(i).file()));
      for (int i : directories) {
        next.addAll(SweepCaptures.under(looks.get(i).file(), looks.get(i).found().key(), round.get(i).root(), ledger, taken));
      }
      // A journal named as a PATH stands for its capture file: read once, however many name it.
      List<Capture> readNext = new ArrayList<>(journalCaptures);
      readNext.sort(Comparator.comparingInt(Capture::root).thenComparing(Capture::file));
      next.addAll(readNext);
      round = next;
    }
    // Files are read in the order the walks list them; their warnings are given sorted.
    List<Integer> warned = new ArrayList<>();
    for (int i = 0; i < warnings.size(); i++) {
      if (warnings.get(i) != null) {
        warned.add(i);
      }
    }
    warned.sort(Comparator.<Integer>comparingInt(i -> done.get(i).root()).thenComparing(i -> done.get(i).file()));
    for (int i : warned) {
      ledger.addWarning(warnings.get(i));
    }
  }

  /**
   * Which of {@code round}'s captures to read: each file not taken before, once, adding it to
   * {@code taken}. Of several paths to one file this round, one with a crash journal beside it is
   * read first (a journal goes by its capture's name), then the file's own name before a symbolic
   * link to it, then the first PATH's, then the first path; each other path gets {@link SweepCaptures#again}'s warning in {@code
   * left}.
   */
  private static boolean[] once(List<Capture> round, List<Look> looks, Map<Object, Path> taken, String[] left) {
    Comparator<Integer> first = Comparator.<Integer>comparingInt(i -> hasJournal(looks.get(i).file()) ? 0 : 1)
        .thenComparingInt(i -> looks.get(i).found().link() ? 1 : 0)
        .thenComparingInt(i -> round.get(i).root()).thenComparing(i -> looks.get(i).file());
    boolean[] toRead = new boolean[round.size()];
    Map<Object, Integer> chosen = new HashMap<>();
    List<Integer> others = new ArrayList<>();
    for (int i = 0; i < round.size(); i++) {
      Look look = looks.get(i);
      left[i] = look.warning();
      if (look.found() == null || look.found().entry() != Entry.CAPTURE) {
        continue;
      }
      Path before = taken.get(look.found().key());
      if (before != null) {
        left[i] = notRead(look.file(), before);
        continue;
      }
      Integer other = chosen.putIfAbsent(look.found().key(), i);
      if (other != null) {
        // Rare (a link or a second name): the paths are compared only then.
        boolean better = first.compare(i, other) < 0;
        chosen.put(look.found().key(), better ? i : other);
        others.add(better ? other : i);
      }
    }
    for (Map.Entry<Object, Integer> file : chosen.entrySet()) {
      taken.put(file.getKey(), looks.get(file.getValue()).file());
      toRead[file.getValue()] = true;
    }
    for (int i : others) {
      left[i] = notRead(looks.get(i).file(), taken.get(looks.get(i).found().key()));
    }
    return toRead;
  }

  /**
   * The warning for {@code path}, not read because the same file was read as {@code read}; it also
   * names a crash journal beside {@code path} that none lies beside {@code read}, whose spans are
   * then not counted (a journal goes by its capture's name, and a hard link or a link read first
   * has another).
   */
  private static String notRead(Path path, Path read) {
    String warning = SweepCaptures.again(path, read, "file");
    if (warning != null && hasJournal(path) && !hasJournal(read)) {
      return warning + "; the crash journal beside it, " + path.resolveSibling(path.getFileName() + ".journal")
          + ", is not read: its spans are not counted";
    }
    return warning;
  }

  /** Whether a crash journal lies beside {@code file}, as a reader of {@code file} looks for it. */
  private static boolean hasJournal(Path file) {
    return file.getFileName() != null && Files.isRegularFile(file.resolveSibling(file.getFileName() + ".journal"));
  }

  /**
   * A capture looked at: its path; what it is, null when it is nothing to read or walk (a crash
   * journal, or what could not be looked at); and the warning it leaves, or null.
   */
  private record Look(Path file, Found found, String warning) {}

  /**
   * Looks at what {@code capture} is: a walk's entry may be a directory, a pipe or a device, or a
   * link to nothing; a PATH named as a file is read whatever it is. A crash journal is not a cell:
   * its capture file, which reads it, goes to {@code journalCaptures}.
   */
  private static Look look(Capture capture, Queue<Capture> journalCaptures) {
    Path file = capture.file();
    boolean journal = capture.name() != null ? capture.name().endsWith(".jsonl.journal")
        : file.getFileName() != null && file.getFileName().toString().endsWith(".jsonl.journal");
    if (journal || capture.looked() && TraceReader.isCrashJournal(file)) {
      return new Look(file, null, journal(capture, journalCaptures));
    }
    Found found;
    try {
      found = Found.of(file);
    } catch (IOException e) {
      if (capture.looked()) {
        // Its reader names what fails.
        return new Look(file, new Found(Entry.CAPTURE, FileKey.of(null, file), false), null);
      }
      return new Look(file, null, "cannot read " + file + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
    if (capture.looked() && found.entry() != Entry.CAPTURE) {
      return new Look(file, new Found(Entry.CAPTURE, found.key(), found.link()), null);
    }
    if (found.entry() == Entry.BROKEN_LINK) {
      return new Look(file, null, "cannot read " + file + ": a symbolic link to no file (dangling, or a loop); not counted");
    }
    return new Look(file, found.entry() == Entry.OTHER ? null : found, null);
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
    for (String warning : runAll(cells, warning -> warning)) {
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

  /** A task's failure as its warning: the exception's name and message. */
  private static String failure(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /**
   * Runs every task on threads as wide as the machine, each taking the next task as it finishes
   * one (ten thousand small files make a queue's hand-offs add up); the results in the tasks'
   * order, a task that threw giving what {@code failed} makes of its {@link #failure}.
   */
  private static <T> List<T> runAll(List<Callable<T>> tasks, java.util.function.Function<String, T> failed)
      throws InterruptedException {
    int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), tasks.size()));
    Object[] results = new Object[tasks.size()];
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    Runnable worker = () -> {
      for (int k = next.getAndIncrement(); k < results.length; k = next.getAndIncrement()) {
        try {
          results[k] = tasks.get(k).call();
        } catch (Throwable e) { // an Error too: the cell becomes a warning, never a silent gap
          results[k] = failed.apply(failure(e));
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
    @SuppressWarnings("unchecked") // each result is a T, or what failed made
    List<T> all = (List<T>) java.util.Arrays.asList(results);
    return all;
  }
}
