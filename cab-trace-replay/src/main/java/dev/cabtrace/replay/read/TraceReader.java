package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
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

  private final boolean strict;
  private final boolean readJournal;
  private final int maxLineBytes;
  private final ProgressListener progress;
  private final JsonFactory json;
  private final int parallelism;
  private final boolean scan;
  private final LazyAttributes.Decoder decoder;

  private TraceReader(Builder builder) {
    this.strict = builder.strict;
    this.readJournal = builder.readJournal;
    this.maxLineBytes = builder.maxLineBytes;
    this.progress = builder.progress;
    this.parallelism = builder.parallelism;
    this.json =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(200)
                    .maxStringLength(builder.maxLineBytes)
                    .maxNumberLength(64)
                    .build())
            .build();
    this.scan = builder.scan;
    this.decoder = new LazyAttributes.Decoder(json);
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
      JournalReader.read(journal, builder, json);
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
    if (Files.isDirectory(file)) {
      throw new TraceReadException("cannot read " + source + ": it is a directory");
    }
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      FileSlices slices = hotOnly ? null : new FileSlices(file);
      readInto(in, source, builder, hotOnly, slices, (int) Math.max(1024, Math.min(1 << 16, size + 1)));
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
      int bufferBytes) throws IOException {
    InputStream in = progress == null ? raw : new ProgressStream(raw, read -> progress.progress(read, builder.size()));
    LineReader lines = new LineReader(in, maxLineBytes, bufferBytes);
    SpanSink sink = SpanSink.direct(builder, strict);
    boolean any = false;
    while (lines.next()) {
      if (!lines.isBlank() || lines.tooLong()) {
        any = true;
        break;
      }
    }
    if (!any) {
      throw new TraceReadException(source + ": empty file, no spans");
    }
    if (!lines.tooLong() && !isWholeDocumentOnOneLine(lines)) {
      // A pretty-printed document (Tempo, Jaeger, Zipkin downloads): one streamed parse.
      InputStream document =
          new SequenceInputStream(
              new ByteArrayInputStream(lines.bytes(), 0, lines.length()),
              new SequenceInputStream(new ByteArrayInputStream(new byte[] {'\n'}), lines.remainder()));
      readDocumentStream(new ReadContext(sink, source), document, lines.lineNumber());
      return;
    }
    if (parallelism > 1) {
      new ParallelLines(this, source, parallelism, hotOnly, file).read(lines, sink);
    } else {
      ReadContext context = new ReadContext(sink, source);
      context.hotOnly = hotOnly;
      context.file = file;
      do {
        context.lineOffset = lines.lineOffset();
        readLine(context, lines.bytes(), 0, lines.length(), lines.lineNumber(), lines.endedWithNewline(), lines.tooLong());
      } while (lines.next());
    }
  }

  /** Whether the first line holds a complete JSON value (JSON Lines), not the start of one. */
  private boolean isWholeDocumentOnOneLine(LineReader lines) throws IOException {
    int end = JsonBytes.skipValue(lines.bytes(), JsonBytes.skipWhitespace(lines.bytes(), 0, lines.length()), lines.length());
    if (end != JsonBytes.FAIL) {
      return true; // one whole value, checked byte by byte; Jackson need not look
    }
    try (JsonParser parser = json.createParser(lines.bytes(), 0, lines.length())) {
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
    try (JsonParser parser = json.createParser(bytes, offset, length)) {
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
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private void readDocumentStream(ReadContext context, InputStream document, long firstLine) throws IOException {
    try (JsonParser parser = json.createParser(document)) {
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
