package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * Loads one stream into a {@link TimelineBuilder}, for {@link TraceReader}: tells JSON Lines from
 * one pretty-printed document by the first lines, reads JSON Lines block by block ({@link
 * LineBlocks}) on this thread or on several ({@link ParallelLines}), each line by the byte scanner
 * or else the Jackson readers, and a document by the Jackson readers.
 */
final class TraceLoader {

  /** Lines are read in blocks of this many bytes, refilled, never reallocated: memory touched is memory paid for. */
  static final int BLOCK_BYTES = 1 << 20;

  /** The most spans and warnings of a block a thread keeps room for from load to load. */
  private static final int KEPT_FOUND = 1 << 14;

  private final boolean strict;
  private final int maxLineBytes;
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
    SpanSink.Buffered found;
    boolean busy;
    /** The block went to parsing threads ({@link ParallelLines}), which a failed load may leave on it. */
    boolean lent;
  }

  TraceLoader(boolean strict, int maxLineBytes, int parallelism, boolean scan) {
    this.strict = strict;
    this.maxLineBytes = maxLineBytes;
    this.parallelism = parallelism;
    this.scan = scan;
    this.decoder = new LazyAttributes.Decoder(maxLineBytes);
  }

  LazyAttributes.Decoder decoder() {
    return decoder;
  }

  /** Loads {@code in}, called {@code source} in messages, read in blocks of {@code blockBytes}. */
  void load(InputStream in, String source, TimelineBuilder builder, boolean hotOnly, FileSlices file, int blockBytes)
      throws IOException {
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
      if (!read && state.lent) {
        state.block = null; // a failed parallel load may leave a parsing thread on it
      }
      state.lent = false;
      state.busy = false;
      if (state.scanner != null) {
        state.scanner.release();
      }
      if (state.block != null && state.block.data.length > BLOCK_BYTES) {
        state.block = null; // grown for one long line: not kept
      }
      if (state.found != null) {
        // Emptied (a failed load leaves spans in it), and not kept grown for a block of tiny spans.
        state.found = state.found.capacity() > KEPT_FOUND ? null : state.found.reset(false);
      }
    }
  }

  private void readInto(InputStream in, String source, TimelineBuilder builder, boolean hotOnly, FileSlices file,
      int blockBytes, ThreadState state) throws IOException {
    LineBlocks blocks = new LineBlocks(in, maxLineBytes, blockBytes);
    SpanSink sink = SpanSink.direct(builder, strict, hotOnly);
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
      if (block.offset == 0) {
        String compressed = compression(block.data, block.length);
        if (compressed != null) {
          throw new TraceReadException(source + ": " + compressed);
        }
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
    // The lines this thread reads are found into a buffer and handed on to the sink a block at a
    // time, as the parsing threads' are (ParallelLines): the sink's work (reading a model call, a
    // ledger's sums) is then compiled in a loop of its own, not into every compilation of the
    // scanner.
    if (state.found == null) {
      state.found = new SpanSink.Buffered();
    }
    SpanSink.Buffered found = state.found.reset(hotOnly);
    boolean[] givenOnce = {false};
    ReadContext context = new ReadContext(found, source);
    context.hotOnly = hotOnly;
    context.file = file;
    if (scan) {
      if (state.scanner == null) {
        state.scanner = new OtlpLineScanner(context, decoder);
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
      } else if (!isWholeDocumentOnOneLine(block.data, first, newline)
          && !anyOtlpLine(block.data, newline + 1, block.length)) {
        // A pretty-printed document (Tempo, Jaeger, Zipkin downloads): one streamed parse. (Lines
        // torn before whole OTLP lines are read as lines, and skipped as incomplete.)
        InputStream document = new SequenceInputStream(
            new ByteArrayInputStream(block.data, first, block.length - first), blocks.remainder());
        readDocumentStream(new ReadContext(sink, source), document, blankLines + 1,
            isArrayOfOtlp(block.data, first, block.length));
        return;
      }
    }
    found.handOn(sink, source, givenOnce);
    if (parallelism > 1 && !blocks.atEnd()) {
      state.lent = true;
      new ParallelLines(this, source, parallelism, hotOnly, file, blockBytes).read(blocks, block, start, line - 1, sink);
    } else {
      do {
        line += readBlock(context, block, start, line);
        found.handOn(sink, source, givenOnce);
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

  /** How many non-blank lines after a first line that is no whole value are looked at for a whole OTLP one. */
  private static final int LINES_LOOKED_AT = 8;

  /**
   * Whether, after a first line that is no whole value, one of the next few non-blank lines is a
   * whole OTLP object on its own ({@code {"resourceSpans":[...]}}), every line before it torn (an
   * object's start that stops short) or not JSON at all: JSON Lines whose writer was cut off
   * mid-line, once or more (a run killed before it wrote a whole line, another after it). A
   * pretty-printed document never has such a line there, and one of its lines that is a whole
   * value of its own ({@code "resourceSpans": [}, an element and its comma) ends the search.
   * Only the second line was looked at: two torn lines made the file a document, whose parse
   * failed on the second, and every whole line after them was lost.
   */
  private boolean anyOtlpLine(byte[] bytes, int start, int end) throws IOException {
    for (int looked = 0; start < end && looked < LINES_LOOKED_AT; ) {
      int newline = LineBlocks.newline(bytes, start, end);
      if (!isBlankRange(bytes, start, newline)) {
        if (isOtlpLine(bytes, start, newline)) {
          return true;
        }
        if (!isTornOrNotJson(bytes, start, newline)) {
          return false;
        }
        looked++;
      }
      start = newline + 1;
    }
    return false;
  }

  /** Whether the line is the start of an object that stops short, or not JSON at all. */
  private boolean isTornOrNotJson(byte[] bytes, int start, int newline) throws IOException {
    start = JsonBytes.skipWhitespace(bytes, start, newline);
    if (newline - start > maxLineBytes) {
      return false;
    }
    try (JsonParser parser = decoder.json().createParser(bytes, start, newline - start)) {
      parser.nextToken();
      parser.skipChildren();
      return false; // a whole value
    } catch (JsonEOFException e) {
      return start < newline && bytes[start] == '{'; // as a torn OTLP line begins; a document may begin with [
    } catch (JsonProcessingException e) {
      return true;
    }
  }

  /** Whether the line from {@code start} to its {@code newline} is a whole OTLP object on its own. */
  private boolean isOtlpLine(byte[] bytes, int start, int newline) {
    start = JsonBytes.skipWhitespace(bytes, start, newline);
    if (start >= newline || bytes[start] != '{' || newline - start > maxLineBytes) {
      return false;
    }
    boolean otlp = false;
    try (JsonParser parser = decoder.json().createParser(bytes, start, newline - start)) {
      parser.nextToken();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        otlp |= "resourceSpans".equals(field) || "batches".equals(field);
        parser.nextToken();
        parser.skipChildren();
      }
      return otlp && parser.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads one line of a JSON Lines file into {@code context}'s sink. */
  void readLine(
      ReadContext context, byte[] bytes, int offset, int length, long lineNumber, boolean endedWithNewline, boolean tooLong)
      throws TraceReadException {
    context.line = lineNumber;
    if (tooLong) {
      context.problem("line longer than " + maxLineBytes + " bytes", "skipped");
      return;
    }
    if (isBlank(bytes, offset, length)) {
      return;
    }
    if (scan && context.scanner(decoder).scan(bytes, offset, length)) {
      return;
    }
    long before = context.added();
    try (JsonParser parser = decoder.json().createParser(bytes, offset, length)) {
      readValues(context, parser, isArrayOfOtlp(bytes, offset, offset + length));
    } catch (JsonEOFException e) {
      if (!endedWithNewline) {
        context.problem("torn last line (the writer stopped mid-write)", "the complete spans before the tear are kept");
      } else {
        context.problem("incomplete JSON", skipped(context.added() - before));
      }
    } catch (JsonProcessingException e) {
      context.problem(isBinary(bytes, offset, length) ? BINARY : "not JSON (" + e.getOriginalMessage() + ")",
          skipped(context.added() - before));
    } catch (IllegalStateException e) {
      context.problem(e.getMessage(), skipped(context.added() - before));
    } catch (TraceReadException e) {
      throw e;
    } catch (IOException e) {
      context.problem("unreadable (" + e.getMessage() + ")", "skipped");
    }
  }

  /** What became of a line that failed after {@code kept} of its spans were read: none is the whole line skipped. */
  private static String skipped(long kept) {
    return kept == 0 ? "skipped"
        : "the rest of the line is skipped; the " + (kept == 1 ? "span" : kept + " spans") + " before it on the line kept";
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

  /** What a line of bytes that are not text is said to be. */
  private static final String BINARY = "binary, not JSON text (OTLP protobuf? cab-trace reads OTLP, Jaeger and Zipkin JSON)";

  /**
   * How the input is compressed when its first bytes say so (gzip's, zstd's), as a trace saved
   * compressed is: read as text, its bytes say only that a character is illegal. Null for none.
   */
  private static String compression(byte[] b, int length) {
    if (length >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B) {
      return "gzip-compressed: decompress it first (gunzip it, or read it through zcat: cab-trace show <(zcat FILE))";
    }
    if (length >= 4 && (b[0] & 0xFF) == 0x28 && (b[1] & 0xFF) == 0xB5 && (b[2] & 0xFF) == 0x2F && (b[3] & 0xFF) == 0xFD) {
      return "zstd-compressed: decompress it first (unzstd it, or read it through zstdcat: cab-trace show <(zstdcat FILE))";
    }
    return null;
  }

  /**
   * Whether the line holds a byte no JSON text has, in a string or out of one: a NUL or another
   * control character but a tab, a carriage return or an escape (a log line's colors).
   */
  private static boolean isBinary(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte c = bytes[i];
      if (c >= 0 && c < 0x20 && c != '\t' && c != '\r' && c != 0x1B) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the bytes from {@code from} begin an array whose first element begins with OTLP's
   * {@code resourceSpans} (or {@code batches}): documents saved together in one array, not
   * Zipkin's array of spans.
   */
  static boolean isArrayOfOtlp(byte[] b, int from, int to) {
    int i = JsonBytes.skipWhitespace(b, from, to);
    if (i >= to || b[i] != '[') {
      return false;
    }
    i = JsonBytes.skipWhitespace(b, i + 1, to);
    if (i >= to || b[i] != '{') {
      return false;
    }
    i = JsonBytes.skipWhitespace(b, i + 1, to);
    return JsonBytes.startsWith(b, i, to, RESOURCE_SPANS_NAME) || JsonBytes.startsWith(b, i, to, BATCHES_NAME);
  }

  private static final byte[] RESOURCE_SPANS_NAME = "\"resourceSpans\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] BATCHES_NAME = "\"batches\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private void readDocumentStream(ReadContext context, InputStream document, long firstLine, boolean otlpArray)
      throws IOException {
    try (JsonParser parser = decoder.json().createParser(document)) {
      context.startDocument(parser, firstLine);
      try {
        readValues(context, parser, otlpArray);
      } finally {
        context.endDocument();
      }
    } catch (JsonEOFException e) {
      context.line = e.getLocation() == null ? 0 : e.getLocation().getLineNr() + firstLine - 1;
      context.problem("the file ends inside a JSON value (torn by a writer that stopped?)", "the spans before are kept");
    } catch (JsonProcessingException e) {
      context.line = e.getLocation() == null ? 0 : e.getLocation().getLineNr() + firstLine - 1;
      context.problem("not JSON (" + e.getOriginalMessage() + ")", "the rest of the file is skipped");
    } catch (IllegalStateException e) {
      context.problem(e.getMessage(), null);
    }
  }

  /**
   * Reads every root value the parser holds: OTLP, Tempo or Jaeger objects, Zipkin arrays; with
   * {@code otlpArray}, arrays of OTLP documents ({@link #isArrayOfOtlp}), each read as one.
   */
  private static void readValues(ReadContext context, JsonParser parser, boolean otlpArray) throws IOException {
    OtlpJsonReader otlp = new OtlpJsonReader(context);
    JaegerJsonReader jaeger = new JaegerJsonReader(context);
    ZipkinJsonReader zipkin = new ZipkinJsonReader(context);
    JsonToken token;
    while ((token = parser.nextToken()) != null) {
      if (token == JsonToken.START_ARRAY && otlpArray) {
        while (context.nextObject(parser, "document in the array of OTLP documents")) {
          readObject(parser, otlp, jaeger);
        }
      } else if (token == JsonToken.START_ARRAY) {
        zipkin.readDocument(parser);
      } else if (token == JsonToken.START_OBJECT) {
        readObject(parser, otlp, jaeger);
      } else {
        throw new IllegalStateException("not a trace (" + SkippedElements.describe(token) + ", not a JSON object or array)");
      }
    }
  }

  /** One object of a trace format; the parser stands on its START_OBJECT. */
  private static void readObject(JsonParser parser, OtlpJsonReader otlp, JaegerJsonReader jaeger) throws IOException {
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
  }

}
