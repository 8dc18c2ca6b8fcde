package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.replay.internal.Utf8Decoder;
import dev.cabtrace.replay.screen.TerminalSize;
import dev.cabtrace.replay.timeline.OutputChunk;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.io.Writer;
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
    // The size the screen views draw at; a span asked for by name, its own size where it has one.
    TerminalSize size = TerminalSize.of(timeline);
    if (span != null) {
      size = TerminalSize.of(span, size);
    }
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.writeStartObject();
      json.writeNumberField("version", 2);
      json.writeNumberField("width", size.columns());
      json.writeNumberField("height", size.rows());
      json.writeNumberField("timestamp", Math.floorDiv(start, 1_000_000_000L));
      if (origin != null) {
        json.writeStringField("title", origin.name());
      }
      json.writeEndObject();
      json.flush();
      out.write('\n');
      // Every chunk through one decoder, in the order they reached the terminal, as the screen
      // views decode them: a character split between two chunks is written whole with the second.
      TerminalBytes decoder = new TerminalBytes();
      for (int i = 0; i < chunks.size(); i++) {
        OutputChunk chunk = chunks.get(i);
        String text = decoder.decode(chunk.bytes(), i == chunks.size() - 1);
        json.writeStartArray();
        json.writeNumber(Math.max(0, chunk.epochNanos() - start) / 1e9);
        json.writeString("o");
        json.writeString(asTerminalShowedIt(chunk.stream(), text));
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
  private static String asTerminalShowedIt(String stream, String text) {
    if ("pty".equals(stream)) {
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

  /**
   * A terminal's bytes decoded as UTF-8 chunk after chunk, as the emulator decodes them ({@link
   * Utf8Decoder}: one U+FFFD per maximal invalid sequence): the bytes of a character a chunk ends in
   * the middle of wait for the next chunk; at the last chunk, an unfinished character is one U+FFFD.
   */
  private static final class TerminalBytes {
    private final Utf8Decoder decoder = new Utf8Decoder();
    private boolean pending;

    String decode(byte[] bytes, boolean last) {
      StringBuilder out = new StringBuilder(bytes.length);
      for (byte b : bytes) {
        int codePoint = decoder.accept(b & 0xff);
        if (codePoint == Utf8Decoder.INVALID_RETRY) {
          out.append((char) Utf8Decoder.REPLACEMENT);
          codePoint = decoder.accept(b & 0xff);
        }
        pending = codePoint == Utf8Decoder.NEED_MORE;
        if (!pending) {
          out.appendCodePoint(codePoint);
        }
      }
      if (last && pending) {
        out.append((char) Utf8Decoder.REPLACEMENT);
      }
      return out.toString();
    }
  }
}
