package dev.cabtrace.replay.read;

import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Reads a trace from a file or stream into a {@link Timeline}, whatever produced it. The format is
 * detected from the content:
 *
 * <ul>
 *   <li>OTLP JSON Lines: cab-trace capture files, the official OpenTelemetry exporters' files
 *       ({@code OtlpJsonLoggingSpanExporter}, {@code OtlpStdoutSpanExporter}), the Collector's file
 *       exporter; also one pretty-printed OTLP document;
 *   <li>Grafana Tempo trace-by-id JSON ({@code /api/traces/{id}}, {@code /api/v2/traces/{id}});
 *   <li>Jaeger query API and UI download JSON;
 *   <li>Zipkin v2 JSON (an array of spans).
 * </ul>
 *
 * <p>Input is streamed, never read whole. What real files hold is tolerated with a {@link
 * dev.cabtrace.replay.timeline.LoadWarning} returned in the timeline: a torn last line, a line that
 * is not a trace (or, in strict mode, an error naming the line), duplicate spans, missing parents,
 * parent cycles, clock skew. Beside a file {@code X}, a crash journal {@code X.journal} adds the
 * spans that never ended (all of them when {@code X} is empty); {@code X.journal} named itself is
 * read as its cell, with {@code X} when it is there. A journal whose header names another capture
 * file than {@code X} as it is now (left by another run; or copied with {@code X}, which makes it
 * another file) is not merged, with a warning, unless it is named itself. Anything that cannot be loaded is a {@link TraceReadException} with a
 * one-line message.
 *
 * <p>From a file, most of a span's attributes stay in it and are read back when asked for: a file
 * changed since is a {@link TraceChangedException} then, when it is cut short or gone or its bytes
 * no longer parse as attributes or hold the values decoded when it was read.
 */
public final class TraceReader {

  private static final String JOURNAL_SUFFIX = ".journal";

  private final boolean readJournal;
  private final ProgressListener progress;
  private final TraceLoader loader;

  private TraceReader(Builder builder) {
    this.readJournal = builder.readJournal;
    this.progress = builder.progress;
    this.loader = new TraceLoader(builder.strict, builder.maxLineBytes, builder.parallelism, builder.scan);
  }

  /** A lenient reader that also reads crash journals. */
  public static TraceReader create() {
    return builder().build();
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Reads {@code file} (and its crash journal, if one is beside it). */
  public Timeline read(Path file) throws TraceReadException {
    Objects.requireNonNull(file, "file");
    // A journal whose header was damaged is still one beside its capture file.
    if (readJournal && namedAsJournal(file)
        && (isCrashJournal(file) || Files.isRegularFile(captureOfJournal(file)))) {
      // A crash journal named on its own stands for its cell: its capture file, read with it, or
      // only it when the capture is gone. Read as a capture, its open spans would end at 0.
      Path capture = captureOfJournal(file);
      if (Files.isRegularFile(capture)) {
        return read(capture, true);
      }
      TimelineBuilder alone = new TimelineBuilder(file.toString());
      JournalReader.read(file, null, true, alone, loader.decoder().json());
      return finish(alone, file.toString());
    }
    return read(file, false);
  }

  /**
   * {@code file} with its crash journal, if one is beside it: merged when its header names {@code
   * file} as it is now, or when {@code journalNamed} (it was named to be read with it).
   */
  private Timeline read(Path file, boolean journalNamed) throws TraceReadException {
    TimelineBuilder builder = new TimelineBuilder(file.toString());
    Path journal = journalOf(file);
    boolean withJournal = readJournal && Files.isRegularFile(journal);
    // A cell killed before its first span ended leaves its capture file empty: the journal holds it all.
    if (!withJournal || !isEmptyFile(file)) {
      readFile(file, builder, false);
    }
    if (withJournal) {
      JournalReader.read(journal, file, journalNamed, builder, loader.decoder().json());
    }
    return finish(builder, file.toString());
  }

  /**
   * Reads {@code file} span by span without assembling a timeline, for what needs no tree (a
   * ledger, a score): each span is handed to {@code each} once, a repeat of its id dropped, in the
   * order of the file, unlinked ({@link TimelineBuilder#streaming}), carrying the attributes a
   * ledger reads: the phase ({@code cab.span.kind}), the verdict ({@code cab.pass}), the identity
   * ({@code cab.tui}, {@code cab.model}) and the GenAI model, operation, usage and finish reasons
   * (in lines the byte scanner takes, whose events are checked but not kept; others carry all). Memory stays that of the span ids,
   * whatever the file's size. With a crash journal beside the file, the spans come from the
   * whole timeline instead, so the journal's are merged as {@link #read(Path)} merges them.
   *
   * @return what was imperfect in the file, as {@link Timeline#warnings()} but without the
   *     warnings that need the tree
   */
  public List<LoadWarning> stream(Path file, Consumer<TimelineSpan> each) throws TraceReadException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(each, "each");
    if (readJournal && (Files.isRegularFile(journalOf(file)) || (namedAsJournal(file) && isCrashJournal(file)))) {
      Timeline timeline = read(file);
      timeline.spans().forEach(each);
      return timeline.warnings();
    }
    TimelineBuilder builder = TimelineBuilder.streaming(file.toString(), each);
    readFile(file, builder, true);
    return finishStream(builder, file.toString());
  }

  /**
   * As {@link #stream(Path, Consumer)}, for a trace read from {@code in} (a backend's answer,
   * stdin), called {@code source} in messages. Does not close it.
   */
  public List<LoadWarning> stream(InputStream in, String source, Consumer<TimelineSpan> each)
      throws TraceReadException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(each, "each");
    TimelineBuilder builder = TimelineBuilder.streaming(source, each);
    try {
      readInto(in, source, builder, true, null, 1 << 16);
    } catch (TraceReadException e) {
      throw e;
    } catch (IOException e) {
      throw new TraceReadException("cannot read " + source + ": " + e.getMessage());
    }
    return finishStream(builder, source);
  }

  private static List<LoadWarning> finishStream(TimelineBuilder builder, String source) throws TraceReadException {
    if (builder.size() == 0) {
      throw noSpans(builder, source);
    }
    return builder.warnings();
  }

  private static boolean isEmptyFile(Path file) {
    try {
      return Files.isRegularFile(file) && Files.size(file) == 0;
    } catch (IOException e) {
      return false; // reading it says what is wrong
    }
  }

  private static boolean namedAsJournal(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().endsWith(JOURNAL_SUFFIX) && name.toString().length() > JOURNAL_SUFFIX.length();
  }

  private static Path journalOf(Path file) {
    return file.resolveSibling(file.getFileName() + JOURNAL_SUFFIX);
  }

  /**
   * Whether {@code file} is a crash journal rather than a capture: its first line starts with the
   * journal's header ({@code {"cabJournal"}). A journal is read with its capture file ({@code
   * X.journal} beside {@code X}); read on its own it is not a cell. False when it cannot be read
   * or is not a regular file (a pipe is not read from here).
   */
  public static boolean isCrashJournal(Path file) {
    Objects.requireNonNull(file, "file");
    return JournalReader.startsWithHeader(file);
  }

  /**
   * The capture file that reads the crash journal {@code journal} ({@code X} for {@code
   * X.journal}), or null when its name does not end with {@code .journal}; whether it exists is
   * not looked at.
   */
  public static Path captureOfJournal(Path journal) {
    String name = journal.getFileName() == null ? "" : journal.getFileName().toString();
    return name.endsWith(JOURNAL_SUFFIX) && name.length() > JOURNAL_SUFFIX.length()
        ? journal.resolveSibling(name.substring(0, name.length() - JOURNAL_SUFFIX.length()))
        : null;
  }

  private void readFile(Path file, TimelineBuilder builder, boolean hotOnly) throws TraceReadException {
    String source = file.toString();
    // A plain FileInputStream: no stat before the open (a directory fails the open), and none of a
    // FileChannel's per-read bookkeeping: a sweep opens thousands of small files.
    java.io.File path = file.toFile();
    InputStream opened;
    try {
      opened = new java.io.FileInputStream(path);
    } catch (java.io.FileNotFoundException e) {
      opened = openByNio(file);
      if (opened == null) {
        throw new TraceReadException("cannot read " + source + ": " + whyNotOpened(file, e));
      }
    }
    try (InputStream in = opened) {
      // No stat for the size either: the thread's block, kept from file to file, takes any file.
      // Attributes are left in a regular file only: a pipe (`show <(zcat cell.jsonl.gz)`) cannot
      // be read again, and keeps them in memory as standard input does.
      FileSlices slices = hotOnly || !Files.isRegularFile(file) ? null : new FileSlices(file, loader.decoder());
      readInto(in, source, builder, hotOnly, slices, TraceLoader.BLOCK_BYTES);
    } catch (NoSuchFileException e) {
      throw new TraceReadException("cannot read " + source + ": no such file");
    } catch (AccessDeniedException e) {
      throw new TraceReadException("cannot read " + source + ": permission denied");
    } catch (TraceReadException e) {
      throw e;
    } catch (IOException e) {
      throw new TraceReadException("cannot read " + source + ": " + e.getMessage());
    }
  }

  /**
   * {@code file} opened by NIO when it is a regular file, else null. java.io opens a file by its
   * path's decoded name, which for a name the locale cannot decode is not the file's; NIO's path
   * keeps the name's bytes.
   */
  private static InputStream openByNio(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.newInputStream(file) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Why {@code file} did not open, in the words the other failures use. */
  private static String whyNotOpened(Path file, java.io.FileNotFoundException e) {
    try {
      if (Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).isDirectory()) {
        return "it is a directory";
      }
      return Files.isReadable(file) ? e.getMessage() : "permission denied";
    } catch (NoSuchFileException missing) {
      return "no such file";
    } catch (AccessDeniedException denied) {
      return "permission denied";
    } catch (IOException other) {
      return e.getMessage();
    }
  }

  /** Reads a trace from {@code in}, calling it {@code source} in messages. Does not close it. */
  public Timeline read(InputStream in, String source) throws TraceReadException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(source, "source");
    TimelineBuilder builder = new TimelineBuilder(source);
    try {
      readInto(in, source, builder, false, null, 1 << 16);
    } catch (TraceReadException e) {
      throw e;
    } catch (IOException e) {
      throw new TraceReadException("cannot read " + source + ": " + e.getMessage());
    }
    return finish(builder, source);
  }

  private static Timeline finish(TimelineBuilder builder, String source) throws TraceReadException {
    if (builder.size() == 0) {
      throw noSpans(builder, source);
    }
    return builder.build();
  }

  /** No spans: with the first warning, which usually says why (not JSON, not a trace, torn). */
  private static TraceReadException noSpans(TimelineBuilder builder, String source) {
    List<LoadWarning> warnings = builder.warnings();
    if (warnings.isEmpty()) {
      return new TraceReadException(source + ": no spans found");
    }
    LoadWarning first = warnings.get(0);
    // One found in another file (the crash journal) names it.
    String where = !first.source().equals(source) ? first.source() + (first.line() > 0 ? ":" + first.line() : "") + ": "
        : first.line() > 0 ? "line " + first.line() + ": " : "";
    return new TraceReadException(source + ": no spans found; " + where
        + first.message() + (warnings.size() > 1 ? " (and " + (warnings.size() - 1) + " more warning(s))" : ""));
  }

  private void readInto(InputStream raw, String source, TimelineBuilder builder, boolean hotOnly, FileSlices file,
      int blockBytes) throws IOException {
    InputStream in = progress == null ? raw : new ProgressStream(raw, read -> progress.progress(read, builder.size()));
    loader.load(in, source, builder, hotOnly, file, blockBytes);
  }


  /** Settings of a {@link TraceReader}. */
  public static final class Builder {
    private boolean strict;
    private boolean readJournal = true;
    private int maxLineBytes = 256 * 1024 * 1024;
    private ProgressListener progress;
    private int parallelism = Math.min(4, Runtime.getRuntime().availableProcessors());
    private boolean scan = true;

    private Builder() {}

    /**
     * Whether OTLP JSON Lines are read by the byte-level scanner (attributes decoded when asked
     * for), falling back to the Jackson readers for anything else; default on. Off, every line goes
     * through Jackson: the reference the scanner is tested against.
     */
    public Builder setByteScanner(boolean scan) {
      this.scan = scan;
      return this;
    }

    /** Threads that parse JSON Lines in parallel (the order of the file is kept); default up to 4. */
    public Builder setParallelism(int parallelism) {
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1");
      }
      this.parallelism = parallelism;
      return this;
    }

    /** Fail on the first bad line instead of skipping it with a warning; default off. */
    public Builder setStrict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /** Whether a crash journal beside a file is read too; default on. */
    public Builder setReadJournal(boolean readJournal) {
      this.readJournal = readJournal;
      return this;
    }

    /** Lines (and strings) longer than this are skipped with a warning; default 256 MiB. */
    public Builder setMaxLineBytes(int maxLineBytes) {
      if (maxLineBytes < 1024) {
        throw new IllegalArgumentException("maxLineBytes must be at least 1024");
      }
      this.maxLineBytes = maxLineBytes;
      return this;
    }

    /** Called with the bytes read so far, every 16 MiB, for a progress display. */
    public Builder setProgressListener(LongConsumer progress) {
      Objects.requireNonNull(progress, "progress");
      this.progress = (bytes, spans) -> progress.accept(bytes);
      return this;
    }

    /** Called with the bytes and spans read so far, every 16 MiB, for a progress display. */
    public Builder setProgressListener(ProgressListener progress) {
      this.progress = progress;
      return this;
    }

    /** The reader. */
    public TraceReader build() {
      return new TraceReader(this);
    }
  }

  /** Told how far a long load has come. */
  @FunctionalInterface
  public interface ProgressListener {
    /** {@code bytes} of the input read so far, holding {@code spans} spans. */
    void progress(long bytes, int spans);
  }
}
