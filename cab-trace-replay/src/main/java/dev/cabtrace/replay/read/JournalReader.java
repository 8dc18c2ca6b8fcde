package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.JsonToken;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a cab-trace crash journal: a header line with the last heartbeat, then the spans that were
 * open (and those that had just ended) when it was last written; then, when an earlier run of the
 * same capture file was killed, that run's journal as it left it, headed by its own heartbeat,
 * which ends its spans. A journal that is missing, torn or unreadable only costs a warning: the
 * capture file is loaded all the same. A line that cannot be read (torn by a kill, or garbage) is
 * skipped with a warning naming the journal and the line, and the lines after it are read.
 */
final class JournalReader {

  private static final int MAX_LINE_BYTES = 256 * 1024 * 1024;

  private JournalReader() {}

  /**
   * Adds the spans of {@code journal} that {@code builder} lacks. A journal whose header names
   * another capture file than {@code capture} (null: none read with it) is not merged, with a
   * warning, unless {@code named}: the journal was named on its own, to be read with its capture.
   */
  static void read(Path journal, Path capture, boolean named, TimelineBuilder builder, JsonFactory json) {
    String source = journal.toString();
    try (InputStream in = Files.newInputStream(journal)) {
      LineReader lines = new LineReader(in, MAX_LINE_BYTES);
      if (!lines.next()) {
        builder.warn(new LoadWarning(source, 0, "crash journal is empty; ignored"));
        return;
      }
      Header header = header(json, lines);
      long heartbeat;
      boolean firstLineHasSpans = false;
      if (header == null) {
        // Rewritten whole at every heartbeat: its last write is the last sign of life there is.
        heartbeat = Files.getLastModifiedTime(journal).to(java.util.concurrent.TimeUnit.NANOSECONDS);
        firstLineHasSpans = !startsWith(lines, HEADER);
        builder.warn(new LoadWarning(source, 1, "crash journal's heartbeat header "
            + (firstLineHasSpans ? "is missing" : "cannot be read") + "; its spans are read all the same, those that"
            + " never ended ending at its last write (the file's modification time), and whether it was written beside "
            + (capture == null ? "its capture file" : capture) + " is not known"));
      } else {
        heartbeat = header.heartbeat;
      }
      if (header != null && capture != null && !header.wasBeside(capture)) {
        String other = "crash journal's header names a capture file that is not " + capture + " as it is now (the header: "
            + header.capture + "; now: " + Header.identity(capture) + "): left by another run, or copied with its capture";
        if (!named) {
          builder.warn(new LoadWarning(source, 1, other + "; not merged (read " + journal.getFileName()
              + " by its name to merge it all the same)"));
          return;
        }
        builder.warn(new LoadWarning(source, 1, other + "; merged, as the journal was named"));
      }
      ReadContext context = new ReadContext(SpanSink.journal(builder, heartbeat, source), source);
      OtlpJsonReader otlp = new OtlpJsonReader(context);
      if (firstLineHasSpans) {
        context.line = 1;
        readLine(json, lines, context, otlp);
      }
      while (lines.next()) {
        if (startsWith(lines, HEADER)) {
          Header earlier = header(json, lines);
          if (earlier == null) {
            // An earlier run's: when it died is not known, so its open spans end where they start.
            builder.warn(new LoadWarning(source, lines.lineNumber(), "crash journal's heartbeat header of an earlier"
                + " run cannot be read; that run's spans are read all the same, those that never ended ending where"
                + " they start"));
          }
          context = new ReadContext(SpanSink.journal(builder, earlier == null ? Long.MIN_VALUE : earlier.heartbeat,
              source), source);
          otlp = new OtlpJsonReader(context);
          continue;
        }
        context.line = lines.lineNumber();
        readLine(json, lines, context, otlp);
      }
    } catch (IOException | RuntimeException e) {
      builder.warn(new LoadWarning(source, 0, "crash journal could not be read (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); the spans read from it before were kept"));
    }
  }

  /** One line of spans; one that cannot be read is skipped with a warning, the lines after it read on. */
  private static void readLine(JsonFactory json, LineReader lines, ReadContext context, OtlpJsonReader otlp) {
    if (lines.tooLong()) {
      context.warn("line longer than " + MAX_LINE_BYTES + " bytes; skipped");
      return;
    }
    if (lines.isBlank()) {
      return;
    }
    long before = context.added();
    boolean spans = false;
    try (JsonParser parser = json.createParser(lines.bytes(), 0, lines.length())) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          parser.nextToken();
          if (otlp.readTopLevelField(parser, field)) {
            spans = true;
          } else {
            parser.skipChildren();
          }
        }
      }
      if (!spans) {
        context.warn("not a line of spans; skipped");
      }
    } catch (JsonEOFException e) {
      context.warn((lines.endedWithNewline() ? "incomplete JSON (torn by the process's end?)"
          : "torn last line (the process stopped mid-write)") + "; " + skipped(context.added() - before));
    } catch (JsonProcessingException e) {
      context.warn("not JSON (" + e.getOriginalMessage() + "); " + skipped(context.added() - before));
    } catch (IOException | RuntimeException e) {
      context.warn("unreadable (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
          + "); " + skipped(context.added() - before));
    }
  }

  /** What became of a line that failed after {@code kept} of its spans were read. */
  private static String skipped(long kept) {
    return kept == 0 ? "skipped"
        : "the rest of the line is skipped; the " + (kept == 1 ? "span" : kept + " spans") + " before it on the line kept";
  }

  private static final byte[] HEADER = "{\"cabJournal\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * Whether {@code file}, a regular file, starts with a journal's header; false when it cannot be
   * read, or is not a regular file (a pipe read here would lose its first bytes to the reader).
   */
  static boolean startsWithHeader(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    byte[] start = new byte[HEADER.length];
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(start, 0, start.length) == start.length && java.util.Arrays.equals(start, HEADER);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean startsWith(LineReader lines, byte[] prefix) {
    return lines.length() >= prefix.length
        && java.util.Arrays.equals(lines.bytes(), 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * A heartbeat line: {@code {"cabJournal":{"version":1,"heartbeatUnixNano":"...","pid":...,
   * "capture":{"fileKey":"...","bytes":...}}}}, the capture as the SDK's CaptureIdentity writes it
   * (absent from older SDKs' journals, and on file systems without file keys).
   *
   * @param capture the capture file's key and length when the heartbeat was written, or null
   */
  private record Header(long heartbeat, CaptureIdentity capture) {

    /**
     * Whether the journal was written beside {@code file} as it is now: the same file (its key),
     * as long or longer (appended to since). True when either side has no key to compare.
     */
    boolean wasBeside(Path file) {
      CaptureIdentity now = identity(file);
      return capture == null || now == null || (capture.fileKey.equals(now.fileKey) && now.bytes >= capture.bytes);
    }

    /** {@code file}'s key and length, or null when it has no key (or cannot be read). */
    static CaptureIdentity identity(Path file) {
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        Object key = attributes.fileKey();
        return key == null ? null : new CaptureIdentity(key.toString(), attributes.size());
      } catch (NoSuchFileException e) {
        return null;
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  /** A capture file's identity on its file system, and its length. */
  private record CaptureIdentity(String fileKey, long bytes) {
    @Override
    public String toString() {
      return "file " + fileKey + " of " + bytes + " bytes";
    }
  }

  /** The heartbeat line the reader stands on, or null when it is not one. */
  private static Header header(JsonFactory json, LineReader lines) {
    try (JsonParser parser = json.createParser(lines.bytes(), 0, lines.length())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if ("cabJournal".equals(field) && parser.currentToken() == JsonToken.START_OBJECT) {
          long beat = -1;
          CaptureIdentity capture = null;
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String inner = parser.currentName();
            parser.nextToken();
            if ("heartbeatUnixNano".equals(inner)) {
              beat = Long.parseLong(parser.getValueAsString("-1"));
            } else if ("capture".equals(inner)) {
              capture = capture(parser);
            } else {
              parser.skipChildren();
            }
          }
          return beat < 0 ? null : new Header(beat, capture);
        }
        parser.skipChildren();
      }
    } catch (IOException | RuntimeException e) {
      return null; // torn or not JSON: no header
    }
    return null;
  }

  /** The header's {@code capture} member the parser stands on; null when it is not one. */
  private static CaptureIdentity capture(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return null;
    }
    String key = null;
    long bytes = -1;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("fileKey".equals(field) && value == JsonToken.VALUE_STRING) {
        key = parser.getText();
      } else if ("bytes".equals(field) && value == JsonToken.VALUE_NUMBER_INT
          && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
        bytes = parser.getLongValue();
      } else {
        parser.skipChildren();
      }
    }
    return key == null || bytes < 0 ? null : new CaptureIdentity(key, bytes);
  }
}
