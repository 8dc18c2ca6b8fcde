package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.replay.timeline.OutputChunk;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes recorded terminal output as an asciicast v2 file: a header line with width, height and
 * timestamp, then one {@code [seconds, "o", data]} line per chunk, timed from the span's start, so
 * that {@code asciinema play} shows it as it happened.
 */
final class Asciicast {

  // One JSON value per line, with nothing between them (no root value separator).
  private static final JsonFactory JSON = TerminalSafeEscapes.jsonFactory().setRootValueSeparator(null);

  private Asciicast() {}

  /** Writes the chunks of {@code span} (or of the whole timeline when null); returns their count. */
  static int write(Timeline timeline, TimelineSpan span, Writer out) throws IOException {
    List<OutputChunk> chunks =
        timeline.output().stream().filter(c -> span == null || c.span() == span).toList();
    TimelineSpan origin = span != null ? span : chunks.isEmpty() ? null : chunks.get(0).span();
    long start = origin == null ? timeline.t0EpochNanos() : origin.startEpochNanos();
    int width = dimension(origin, "cab.terminal.columns", 80);
    int height = dimension(origin, "cab.terminal.rows", 24);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.writeStartObject();
      json.writeNumberField("version", 2);
      json.writeNumberField("width", width);
      json.writeNumberField("height", height);
      json.writeNumberField("timestamp", Math.floorDiv(start, 1_000_000_000L));
      if (origin != null) {
        json.writeStringField("title", origin.name());
      }
      json.writeEndObject();
      json.flush();
      out.write('\n');
      for (OutputChunk chunk : chunks) {
        json.writeStartArray();
        json.writeNumber(Math.max(0, chunk.epochNanos() - start) / 1e9);
        json.writeString("o");
        json.writeString(asTerminalShowedIt(chunk));
        json.writeEndArray();
        json.flush();
        out.write('\n');
      }
    }
    return chunks.size();
  }

  /**
   * A pseudo-terminal's bytes as they are; output read from a pipe with each lone line feed made
   * CR LF, as the terminal's own output processing would have shown it.
   */
  private static String asTerminalShowedIt(OutputChunk chunk) {
    String text = new String(chunk.bytes(), StandardCharsets.UTF_8);
    if ("pty".equals(chunk.stream())) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' && (i == 0 || text.charAt(i - 1) != '\r')) {
        out.append('\r');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static int dimension(TimelineSpan span, String key, int fallback) {
    Object value = span == null ? null : span.attribute(key);
    if (value instanceof Number && ((Number) value).intValue() > 0) {
      return ((Number) value).intValue();
    }
    return fallback;
  }
}
