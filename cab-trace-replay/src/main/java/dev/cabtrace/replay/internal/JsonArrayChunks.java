package dev.cabtrace.replay.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The elements of a big JSON array written a chunk at a time on several threads ({@link
 * ParallelChunks}), each chunk by a generator of its own, into the document a generator is
 * writing. That chunk generator is first led, with its bytes dropped, to where the array starts
 * in the document and, past the first chunk, past one element, so that it writes the chunk's
 * elements with the very separators and indents the document's generator would have. Internal:
 * shared by cab-trace's own packages, not part of its API; it may change without notice.
 */
public final class JsonArrayChunks {

  private JsonArrayChunks() {}

  /** A generator like the document's, writing to {@code out}. */
  @FunctionalInterface
  public interface Generators {
    JsonGenerator create(OutputStream out) throws IOException;
  }

  /** Writes into a fresh generator what the document has before the array's first element. */
  @FunctionalInterface
  public interface Lead {
    void write(JsonGenerator json) throws IOException;
  }

  /**
   * Writes elements {@code [from, to)}; false when it cannot out of order, as {@link
   * ParallelChunks.Attempt} says.
   */
  @FunctionalInterface
  public interface Elements {
    boolean write(JsonGenerator json, int from, int to, boolean inOrder) throws IOException;
  }

  /**
   * Writes {@code count} elements into the array {@code json} has just started (and written
   * nothing into), to {@code out}, the stream under {@code json}; then {@code json} is to end the
   * array. Its generator counts no element of its own: pretty printing must end an array the same
   * way with elements or without (Jackson's default and compact printing do).
   */
  public static void write(JsonGenerator json, OutputStream out, ParallelChunks chunks, Generators generators,
      Lead lead, int count, Elements elements) throws IOException {
    json.flush();
    chunks.write(count, (from, to, chunkOut, inOrder) -> {
      Dropping dropping = new Dropping(chunkOut);
      try (JsonGenerator chunk = generators.create(dropping)) {
        chunk.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        chunk.configure(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT, false);
        lead.write(chunk);
        if (from > 0) {
          chunk.writeNumber(0); // an element before the chunk's first: the separator comes next
        }
        chunk.flush();
        dropping.on = false;
        return elements.write(chunk, from, to, inOrder);
      }
    }, out);
  }

  /** A stream that drops what is written while {@link #on}. */
  private static final class Dropping extends FilterOutputStream {
    boolean on = true;

    Dropping(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      if (!on) {
        out.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!on) {
        out.write(b, off, len);
      }
    }

    @Override
    public void close() throws IOException {
      flush(); // the chunk's stream is written on
    }
  }
}
