package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
 * capture file is loaded all the same.
 */
final class JournalReader {

  private JournalReader() {}

  static void read(Path journal, TimelineBuilder builder, JsonFactory json) {
    String source = journal.toString();
    try (InputStream in = Files.newInputStream(journal)) {
      LineReader lines = new LineReader(in, 256 * 1024 * 1024);
      if (!lines.next()) {
        builder.warn(0, "crash journal " + source + " is empty; ignored");
        return;
      }
      long heartbeat = heartbeat(json, lines);
      if (heartbeat < 0) {
        builder.warn(0, "crash journal " + source + " has no heartbeat header; ignored");
        return;
      }
      ReadContext context = new ReadContext(SpanSink.journal(builder, heartbeat), source);
      OtlpJsonReader otlp = new OtlpJsonReader(context);
      while (lines.next()) {
        if (startsWith(lines, HEADER)) {
          long earlier = heartbeat(json, lines);
          if (earlier < 0) {
            builder.warn(0, "crash journal " + source + " has a run without its heartbeat at line "
                + lines.lineNumber() + "; the rest was ignored");
            return;
          }
          context = new ReadContext(SpanSink.journal(builder, earlier), source);
          otlp = new OtlpJsonReader(context);
          continue;
        }
        context.line = lines.lineNumber();
        try (JsonParser parser = json.createParser(lines.bytes(), 0, lines.length())) {
          if (parser.nextToken() != JsonToken.START_OBJECT) {
            continue;
          }
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (!otlp.readTopLevelField(parser, field)) {
              parser.skipChildren();
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      builder.warn(0, "crash journal " + source + " is torn or unreadable (" + e.getClass().getSimpleName() + "); what could be read was kept");
    }
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

  private static long heartbeat(JsonFactory json, LineReader lines) throws IOException {
    try (JsonParser parser = json.createParser(lines.bytes(), 0, lines.length())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return -1;
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
          return beat;
        }
        parser.skipChildren();
      }
    } catch (NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
