package dev.cabtrace.replay.push;

import dev.cabtrace.replay.internal.InMemoryDocument;
import dev.cabtrace.replay.internal.OtlpJsonRequest;
import dev.cabtrace.replay.internal.ProtoSpans;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A capture file's OTLP/JSON lines, one at a time, made into span data as {@code record} makes a
 * request it receives: every field the file gives. A line is held only while it is converted.
 */
final class OtlpJsonLines implements Closeable {

  /**
   * The longest line converted: the longest request {@code record} takes, or a sixteenth of the
   * heap, whichever is less. The conversion holds a line six times over (its text rewritten, the
   * protobuf JSON parser's tree, the message, its bytes, the spans); a 60 MiB line needed a heap of
   * 384 MiB. A longer line's spans come from the timeline.
   */
  static final int MAX_LINE_BYTES = InMemoryDocument.MAX_BYTES;

  private final InputStream in;
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private byte[] line = new byte[1 << 12];
  private int length;
  private boolean tooLong;

  OtlpJsonLines(InputStream in) {
    this.in = in;
  }

  static OtlpJsonLines open(Path file) throws IOException {
    return new OtlpJsonLines(Files.newInputStream(file));
  }

  /**
   * The spans of the next line; none for a line that is not an OTLP/JSON export request (torn, not
   * JSON, another format, a span whose ids are wrong), null after the last line.
   */
  List<SpanData> next() throws IOException {
    if (!readLine()) {
      return null;
    }
    if (tooLong || !isObject()) {
      return List.of();
    }
    try {
      return ProtoSpans.of(OtlpJsonRequest.toProtobuf(Arrays.copyOf(line, length)), true).spans();
    } catch (IOException | ProtoSpans.Malformed | RuntimeException e) {
      return List.of(); // the bytes are in memory: an IOException is JSON that does not parse
    } catch (OutOfMemoryError e) {
      // The conversion's copies of this one line, all unreachable once it unwinds: its spans go as
      // the timeline has them, rather than the push ending in a stack trace.
      return List.of();
    }
  }

  /**
   * Whether the line starts with {@code {} and ends with {@code }}: a line of a pretty-printed
   * document does not, and is not parsed to find out.
   */
  private boolean isObject() {
    int first = 0;
    int last = length - 1;
    while (first <= last && isBlank(line[first])) {
      first++;
    }
    while (last >= first && isBlank(line[last])) {
      last--;
    }
    return first < last && line[first] == '{' && line[last] == '}';
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t' || b == '\r';
  }

  /** Reads the next line into {@code line}, or only its length when it is too long; false at the end. */
  private boolean readLine() throws IOException {
    length = 0;
    tooLong = false;
    boolean any = false;
    while (true) {
      if (position == limit) {
        limit = Math.max(0, in.read(buffer));
        position = 0;
        if (limit == 0) {
          return any;
        }
      }
      any = true;
      int end = position;
      while (end < limit && buffer[end] != '\n') {
        end++;
      }
      append(position, end - position);
      position = end;
      if (end < limit) {
        position++;
        return true;
      }
    }
  }

  private void append(int from, int bytes) {
    if (tooLong || (long) length + bytes > MAX_LINE_BYTES) {
      tooLong = true;
      return;
    }
    if (length + bytes > line.length) {
      line = Arrays.copyOf(line, Math.max(2 * line.length, length + bytes));
    }
    System.arraycopy(buffer, from, line, length, bytes);
    length += bytes;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
