package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

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

  /** Adds the spans of {@code journal} that {@code builder} lacks. */
  static void read(Path journal, TimelineBuilder builder, JsonFactory json) {
    String source = journal.toString();
    try (InputStream in = Files.newInputStream(journal)) {
      LineReader lines = new LineReader(in, MAX_LINE_BYTES);
      if (!lines.next()) {
        builder.warn(new LoadWarning(source, 0, "crash journal is empty; ignored"));
        return;
      }
      Header header = header(json, lines);
      if (header == null) {
        builder.warn(new LoadWarning(source, 1, "crash journal has no heartbeat header; ignored"));
        return;
      }
      ReadContext context = new ReadContext(SpanSink.journal(builder, header.heartbeat, source), source);
      OtlpJsonReader otlp = new OtlpJsonReader(context);
      while (lines.next()) {
        if (startsWith(lines, HEADER)) {
          Header earlier = header(json, lines);
          if (earlier == null) {
            builder.warn(new LoadWarning(source, lines.lineNumber(),
                "crash journal has a run without its heartbeat here; the rest was ignored"));
            return;
          }
          context = new ReadContext(SpanSink.journal(builder, earlier.heartbeat, source), source);
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

  /** A heartbeat line: {@code {"cabJournal":{"version":1,"heartbeatUnixNano":"...",...}}}. */
  private record Header(long heartbeat) {}

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
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String inner = parser.currentName();
            parser.nextToken();
            if ("heartbeatUnixNano".equals(inner)) {
              beat = Long.parseLong(parser.getValueAsString("-1"));
            } else {
              parser.skipChildren();
            }
          }
          return beat < 0 ? null : new Header(beat);
        }
        parser.skipChildren();
      }
    } catch (IOException | RuntimeException e) {
      return null; // torn or not JSON: no header
    }
    return null;
  }
}
