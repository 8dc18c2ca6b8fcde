package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
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
 * spans that never ended. Anything that cannot be loaded is a {@link TraceReadException} with a
 * one-line message.
 */
public final class TraceReader {

  private static final String JOURNAL_SUFFIX = ".journal";
  private static final long PROGRESS_EVERY_BYTES = 16L * 1024 * 1024;
  /** Lines are read in blocks of this many bytes, refilled, never reallocated: memory touched is memory paid for. */
  private static final int BLOCK_BYTES = 1 << 20;

  private final boolean strict;
  private final boolean readJournal;
  private final int maxLineBytes;
  private final ProgressListener progress;
  private final int parallelism;
  private final boolean scan;
  private final LazyAttributes.Decoder decoder;
  private final ThreadLocal<ThreadState> threadStates = ThreadLocal.withInitial(ThreadState::new);

  /**
   * What a thread keeps from one load to the next: its block and its scanner. A sweep reads
   * thousands of small files, and each would otherwise pay for both anew.
   */
  private static final class ThreadState {
    LineBlocks.Block block;
    OtlpLineScanner scanner;
    boolean busy;
  }

  private TraceReader(Builder builder) {
    this.strict = builder.strict;
    this.readJournal = builder.readJournal;
    this.maxLineBytes = builder.maxLineBytes;
    this.progress = builder.progress;
    this.parallelism = builder.parallelism;
    this.scan = builder.scan;
    this.decoder = new LazyAttributes.Decoder(builder.maxLineBytes);
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
    TimelineBuilder builder = new TimelineBuilder(file.toString());
    readFile(file, builder, false);
    Path journal = journalOf(file);
    if (readJournal && Files.isRegularFile(journal)) {
      JournalReader.read(journal, builder, decoder.json());
    }
    return finish(builder, file.toString());
  }

  /**
   * Reads {@code file} span by span without assembling a timeline, for what needs no tree (a
   * ledger, a score): each span is handed to {@code each} once, a repeat of its id dropped, in the
   * order of the file, unlinked ({@link TimelineBuilder#streaming}), carrying the attributes a
   * ledger reads: the phase ({@code cab.span.kind}), the verdict ({@code cab.pass}), the identity
   * ({@code cab.tui}, {@code cab.model}) and the GenAI model, operation, usage and finish reasons
   * (in lines the byte scanner takes; others carry all). Memory stays that of the span ids,
   * whatever the file's size. With a crash journal beside the file, the spans come from the
   * whole timeline instead, so the journal's are merged as {@link #read(Path)} merges them.
   *
   * @return what was imperfect in the file, as {@link Timeline#warnings()} but without the
   *     warnings that need the tree
   */
  public List<LoadWarning> stream(Path file, Consumer<TimelineSpan> each) throws TraceReadException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(each, "each");
    if (readJournal && Files.isRegularFile(journalOf(file))) {
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
      throw new TraceReadException(source + ": no spans found");
    }
    return builder.warnings();
  }

  private static Path journalOf(Path file) {
    return file.resolveSibling(file.getFileName() + JOURNAL_SUFFIX);
  }

  private void readFile(Path file, TimelineBuilder builder, boolean hotOnly) throws TraceReadException {
    String source = file.toString();
    // A plain FileInputStream: no stat before the open (a directory fails the open), and none of a
    // FileChannel's per-read bookkeeping: a sweep opens thousands of small files.
    java.io.File path = file.toFile();
    InputStream in;
    try {
      in = new java.io.FileInputStream(path);
    } catch (java.io.FileNotFoundException e) {
      throw new TraceReadException("cannot read " + source + ": " + whyNotOpened(file, e));
    }
    try (in) {
      // No stat for the size either: the thread's block, kept from file to file, takes any file.
      FileSlices slices = hotOnly ? null : new FileSlices(file);
      readInto(in, source, builder, hotOnly, slices, BLOCK_BYTES);
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
      throw new TraceReadException(source + ": no spans found");
    }
    return builder.build();
  }

  private void readInto(InputStream raw, String source, TimelineBuilder builder, boolean hotOnly, FileSlices file,
      int blockBytes) throws IOException {
    InputStream in = progress == null ? raw : new ProgressStream(raw, read -> progress.progress(read, builder.size()));
    ThreadState state = threadStates.get();
    if (state.busy) {
      state = new ThreadState(); // a load within a load on this thread: nothing to share
    }
    state.busy = true;
    boolean read = false;
    try {
      readInto(in, source, builder, hotOnly, file, blockBytes, state);
      read = true;
    } finally {
      if (!read) {
        state.block = null; // a failed parallel load may leave a parsing thread on it
      }
      state.busy = false;
      if (state.scanner != null) {
        state.scanner.release();
      }
      if (state.block != null && state.block.data.length > BLOCK_BYTES) {
        state.block = null; // grown for one long line: not kept
      }
    }
  }

  private void readInto(InputStream in, String source, TimelineBuilder builder, boolean hotOnly, FileSlices file,
      int blockBytes, ThreadState state) throws IOException {
    LineBlocks blocks = new LineBlocks(in, maxLineBytes, blockBytes);
    SpanSink sink = SpanSink.direct(builder, strict);
    if (state.block == null || state.block.data.length < blockBytes) {
      state.block = new LineBlocks.Block(blockBytes);
    }
    LineBlocks.Block block = state.block;
    long blankLines = 0;
    int first = -1;
    while (first < 0) {
      if (!blocks.next(block)) {
        throw new TraceReadException(source + ": empty file, no spans");
      }
      if (block.tooLong) {
        first = 0;
        break;
      }
      for (int start = 0; start < block.length; ) {
        int newline = LineBlocks.newline(block.data, start, block.length);
        if (!isBlankRange(block.data, start, newline)) {
          first = start;
          break;
        }
        blankLines++;
        start = newline + 1;
      }
    }
    ReadContext context = new ReadContext(sink, source);
    context.hotOnly = hotOnly;
    context.file = file;
    if (scan) {
      if (state.scanner == null) {
        state.scanner = new OtlpLineScanner(context, decoder, hotOnly);
      }
      context.useScanner(state.scanner);
    }
    // A first line the scanner takes is one whole JSON value: JSON Lines, with no second look at it.
    long line = blankLines + 1;
    int start = first;
    if (!block.tooLong) {
      int newline = LineBlocks.newline(block.data, first, block.length);
      int end = newline > first && block.data[newline - 1] == '\r' ? newline - 1 : newline;
      context.line = line;
      context.lineOffset = block.offset + first;
      if (scan && end - first <= maxLineBytes && context.scanner(decoder).scan(block.data, first, end - first)) {
        line++;
        start = newline + 1;
      } else if (!isWholeDocumentOnOneLine(block.data, first, newline)) {
        // A pretty-printed document (Tempo, Jaeger, Zipkin downloads): one streamed parse.
        InputStream document = new SequenceInputStream(
            new ByteArrayInputStream(block.data, first, block.length - first), blocks.remainder());
        readDocumentStream(new ReadContext(sink, source), document, blankLines + 1);
        return;
      }
    }
    if (parallelism > 1 && !blocks.atEnd()) {
      new ParallelLines(this, source, parallelism, hotOnly, file, blockBytes).read(blocks, block, start, line - 1, sink);
    } else {
      do {
        line += readBlock(context, block, start, line);
        start = 0;
      } while (blocks.next(block));
    }
  }

  /**
   * Reads the lines of {@code block} from {@code start} into {@code context}'s sink, the first
   * numbered {@code firstLine}; returns how many lines there were.
   */
  long readBlock(ReadContext context, LineBlocks.Block block, int start, long firstLine) throws TraceReadException {
    if (block.tooLong) {
      context.lineOffset = block.offset;
      readLine(context, block.data, 0, 0, firstLine, true, true);
      return 1;
    }
    byte[] data = block.data;
    long line = firstLine;
    while (start < block.length) {
      int newline = LineBlocks.newline(data, start, block.length);
      int end = newline > start && data[newline - 1] == '\r' ? newline - 1 : newline;
      context.lineOffset = block.offset + start;
      readLine(context, data, start, end - start, line, newline < block.length, end - start > maxLineBytes);
      line++;
      start = newline + 1;
    }
    return line - firstLine;
  }

  /** Whether the first line holds a complete JSON value (JSON Lines), not the start of one. */
  private boolean isWholeDocumentOnOneLine(byte[] bytes, int start, int end) throws IOException {
    if (end > start && bytes[end - 1] == '\r') {
      end--;
    }
    if (end - start > maxLineBytes) {
      return true; // skipped with a warning as a line
    }
    int after = JsonBytes.skipValue(bytes, JsonBytes.skipWhitespace(bytes, start, end), end);
    if (after != JsonBytes.FAIL) {
      return true; // one whole value, checked byte by byte; Jackson need not look
    }
    try (JsonParser parser = decoder.json().createParser(bytes, start, end - start)) {
      parser.nextToken();
      parser.skipChildren();
      return true;
    } catch (JsonEOFException e) {
      return false;
    } catch (JsonProcessingException e) {
      // Not JSON at all: read line by line, which skips it with a warning.
      return true;
    }
  }

  /** Reads one line of a JSON Lines file into {@code context}'s sink. */
  void readLine(
      ReadContext context, byte[] bytes, int offset, int length, long lineNumber, boolean endedWithNewline, boolean tooLong)
      throws TraceReadException {
    context.line = lineNumber;
    if (tooLong) {
      context.problem("line longer than " + maxLineBytes + " bytes; skipped");
      return;
    }
    if (isBlank(bytes, offset, length)) {
      return;
    }
    if (scan && context.scanner(decoder).scan(bytes, offset, length)) {
      return;
    }
    try (JsonParser parser = decoder.json().createParser(bytes, offset, length)) {
      readValues(context, parser);
    } catch (JsonEOFException e) {
      if (!endedWithNewline) {
        context.problem("torn last line (the writer stopped mid-write); the complete spans before the tear are kept");
      } else {
        context.problem("incomplete JSON; skipped");
      }
    } catch (JsonProcessingException e) {
      context.problem("not JSON (" + e.getOriginalMessage() + "); skipped");
    } catch (IllegalStateException e) {
      context.problem(e.getMessage() + "; skipped");
    } catch (TraceReadException e) {
      throw e;
    } catch (IOException e) {
      context.problem("unreadable (" + e.getMessage() + "); skipped");
    }
  }

  private static boolean isBlank(byte[] bytes, int offset, int length) {
    return isBlankRange(bytes, offset, offset + length);
  }

  private static boolean isBlankRange(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private void readDocumentStream(ReadContext context, InputStream document, long firstLine) throws IOException {
    try (JsonParser parser = decoder.json().createParser(document)) {
      context.line = firstLine;
      readValues(context, parser);
    } catch (JsonEOFException e) {
      context.line = e.getLocation() == null ? 0 : e.getLocation().getLineNr() + firstLine - 1;
      context.problem("the file ends inside a JSON value (torn by a writer that stopped?); the spans before are kept");
    } catch (JsonProcessingException e) {
      context.line = e.getLocation() == null ? 0 : e.getLocation().getLineNr() + firstLine - 1;
      context.problem("not JSON (" + e.getOriginalMessage() + "); the rest of the file is skipped");
    } catch (IllegalStateException e) {
      context.problem(e.getMessage());
    }
  }

  /** Reads every root value the parser holds: OTLP, Tempo or Jaeger objects, Zipkin arrays. */
  private static void readValues(ReadContext context, JsonParser parser) throws IOException {
    OtlpJsonReader otlp = new OtlpJsonReader(context);
    JaegerJsonReader jaeger = new JaegerJsonReader(context);
    ZipkinJsonReader zipkin = new ZipkinJsonReader(context);
    JsonToken token;
    while ((token = parser.nextToken()) != null) {
      if (token == JsonToken.START_ARRAY) {
        zipkin.readDocument(parser);
      } else if (token == JsonToken.START_OBJECT) {
        boolean trace = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          if (otlp.readTopLevelField(parser, field)) {
            trace = true;
          } else if ("data".equals(field) && value == JsonToken.START_ARRAY) {
            jaeger.readDataArray(parser);
            trace = true;
          } else {
            parser.skipChildren();
          }
        }
        if (!trace) {
          throw new IllegalStateException("not a trace (no resourceSpans, batches, trace or data)");
        }
      } else {
        throw new IllegalStateException("not a trace (a bare " + token.asString() + ")");
      }
    }
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

  private static final class ProgressStream extends FilterInputStream {
    private final LongConsumer listener;
    private long read;
    private long reported;

    ProgressStream(InputStream in, LongConsumer listener) {
      super(in);
      this.listener = listener;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        read += n;
        if (read - reported >= PROGRESS_EVERY_BYTES) {
          reported = read;
          listener.accept(read);
        }
      }
      return n;
    }
  }
}
