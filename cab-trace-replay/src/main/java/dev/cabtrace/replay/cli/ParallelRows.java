package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.replay.internal.Utf8Line;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A table's lines made a chunk of rows at a time by as many threads as there are processors, and
 * written in row order by the calling thread: a million spans' lines are most of {@code show}'s
 * time, and each is a pure function of its row and the column widths. At most two chunks a thread
 * are made ahead of the one being written.
 */
final class ParallelRows {

  /** Rows a chunk: big enough that handing one over costs nothing, small enough to keep a few. */
  static final int CHUNK = 4096;

  /** Makes one row's line. */
  interface LineMaker<T> {
    void make(int index, T row, Utf8Line line, StringBuilder scratch);
  }

  /** Measures one row into the column widths. */
  interface Measurer<T> {
    void widen(int[] widths, int index, T row);
  }

  /** Writes one row as a JSON value. */
  interface JsonRowWriter<T> {
    void write(JsonGenerator json, T row) throws IOException;
  }

  /** A row writer for a generator: each chunk's generator gets its own. */
  interface JsonRows<T> {
    JsonRowWriter<T> on(JsonGenerator json);
  }

  /** What brings a fresh generator to where the array's values go, as the document has it. */
  interface JsonPlace {
    void open(JsonGenerator json) throws IOException;
  }

  private ParallelRows() {}

  /**
   * Writes {@code rows} as the values of the JSON array {@code json} has just opened, made in chunks
   * on several threads, each chunk by a generator of its own from {@code generators}: the first row
   * by {@code json} itself, then each chunk's bytes as {@code json} would have written them, after
   * a value at the same place (which {@code place} brings a fresh generator to, its pretty printer
   * indenting as deep). The caller closes the array with {@code json}, which has one value in it.
   */
  static <T> void jsonArray(JsonGenerator json, OutputStream out, List<T> rows, JsonRows<T> writers,
      GeneratorMaker generators, JsonPlace place) throws IOException {
    jsonArray(json, out, rows, writers, generators, place, threads(rows.size()));
  }

  /** Makes a generator writing to a stream, configured as the document's is. */
  interface GeneratorMaker {
    JsonGenerator make(OutputStream out) throws IOException;
  }

  /** {@link #jsonArray(JsonGenerator, OutputStream, List, JsonRows, GeneratorMaker, JsonPlace)} on {@code threads} threads. */
  static <T> void jsonArray(JsonGenerator json, OutputStream out, List<T> rows, JsonRows<T> writers,
      GeneratorMaker generators, JsonPlace place, int threads) throws IOException {
    JsonRowWriter<T> writer = writers.on(json);
    if (threads <= 1) {
      for (T row : rows) {
        writer.write(json, row);
      }
      return;
    }
    writer.write(json, rows.get(0));
    json.flush();
    ExecutorService pool = pool(threads);
    try {
      ArrayDeque<Future<Chunk>> pending = new ArrayDeque<>();
      int next = 1;
      while (next < rows.size() || !pending.isEmpty()) {
        while (next < rows.size() && pending.size() < 2 * threads) {
          int from = next;
          pending.add(pool.submit(() -> new Chunk().makeJson(rows, from, writers, generators, place)));
          next += CHUNK;
        }
        take(pending.poll()).writeTo(out);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The widths of {@code rows}, from {@code start}: the widest of each column, measured in chunks by several threads. */
  static <T> int[] widths(List<T> rows, int[] start, Measurer<T> measurer) throws IOException {
    return widths(rows, start, measurer, threads(rows.size()));
  }

  /** {@link #widths(List, int[], Measurer)} on {@code threads} threads. */
  static <T> int[] widths(List<T> rows, int[] start, Measurer<T> measurer, int threads) throws IOException {
    int[] widths = start.clone();
    if (threads <= 1) {
      for (int i = 0; i < rows.size(); i++) {
        measurer.widen(widths, i, rows.get(i));
      }
      return widths;
    }
    ExecutorService pool = pool(threads);
    try {
      ArrayDeque<Future<int[]>> pending = new ArrayDeque<>();
      for (int from = 0; from < rows.size(); from += CHUNK) {
        int first = from;
        int to = Math.min(rows.size(), from + CHUNK);
        pending.add(pool.submit(() -> {
          int[] chunkWidths = start.clone();
          for (int i = first; i < to; i++) {
            measurer.widen(chunkWidths, i, rows.get(i));
          }
          return chunkWidths;
        }));
      }
      for (Future<int[]> future : pending) {
        int[] chunkWidths = take(future);
        for (int c = 0; c < widths.length; c++) {
          widths[c] = Math.max(widths[c], chunkWidths[c]);
        }
      }
      return widths;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Writes each row's line, trimmed of trailing blanks and ended by a newline, in row order. */
  static <T> void write(List<T> rows, LineMaker<T> maker, OutputStream out) throws IOException {
    write(rows, maker, out, threads(rows.size()));
  }

  /** {@link #write(List, LineMaker, OutputStream)} on {@code threads} threads. */
  static <T> void write(List<T> rows, LineMaker<T> maker, OutputStream out, int threads) throws IOException {
    if (threads <= 1) {
      Chunk chunk = new Chunk();
      Utf8Line line = new Utf8Line();
      for (int from = 0; from < rows.size(); from += CHUNK) {
        chunk.make(rows, from, maker, line).writeTo(out);
      }
      return;
    }
    ExecutorService pool = pool(threads);
    try {
      ArrayDeque<Future<Chunk>> pending = new ArrayDeque<>();
      int next = 0;
      while (next < rows.size() || !pending.isEmpty()) {
        while (next < rows.size() && pending.size() < 2 * threads) {
          int from = next;
          pending.add(pool.submit(() -> new Chunk().make(rows, from, maker, new Utf8Line())));
          next += CHUNK;
        }
        take(pending.poll()).writeTo(out);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static int threads(int rows) {
    return rows <= CHUNK ? 1 : Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), rows / CHUNK));
  }

  private static ExecutorService pool(int threads) {
    return Executors.newFixedThreadPool(threads, work -> {
      Thread thread = new Thread(work, "cab-trace-lines");
      thread.setDaemon(true);
      return thread;
    });
  }

  private static <V> V take(Future<V> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing lines");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new UncheckedIOException(new IOException(cause));
    }
  }

  /** A chunk's lines as bytes. */
  private static final class Chunk {
    private byte[] bytes = new byte[1 << 16];
    private int length;
    private final StringBuilder scratch = new StringBuilder();

    <T> Chunk make(List<T> rows, int from, LineMaker<T> maker, Utf8Line line) {
      length = 0;
      int to = Math.min(rows.size(), from + CHUNK);
      for (int i = from; i < to; i++) {
        line.clear();
        maker.make(i, rows.get(i), line, scratch);
        line.trimTrailingWhitespace();
        line.ascii('\n');
        append(line.bytes(), line.length());
      }
      return this;
    }

    /**
     * The JSON of rows {@code from} on, each after the separator a value before it gets: a fresh
     * generator is brought to the array's place and given a first value, and what it writes after
     * that is kept.
     */
    <T> Chunk makeJson(List<T> rows, int from, JsonRows<T> writers, GeneratorMaker generators, JsonPlace place)
        throws IOException {
      length = 0;
      OutputStream sink = new OutputStream() {
        @Override
        public void write(int b) {
          append(new byte[] {(byte) b}, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          append(b, off, len);
        }
      };
      JsonGenerator json = generators.make(sink);
      place.open(json);
      json.writeNull();
      json.flush();
      int opening = length;
      JsonRowWriter<T> writer = writers.on(json);
      int to = Math.min(rows.size(), from + CHUNK);
      for (int i = from; i < to; i++) {
        writer.write(json, rows.get(i));
      }
      json.flush();
      System.arraycopy(bytes, opening, bytes, 0, length - opening);
      length -= opening;
      return this;
    }

    private void append(byte[] b, int count) {
      append(b, 0, count);
    }

    private void append(byte[] b, int offset, int count) {
      if (bytes.length - length < count) {
        bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + count));
      }
      System.arraycopy(b, offset, bytes, length, count);
      length += count;
    }

    void writeTo(OutputStream out) throws IOException {
      out.write(bytes, 0, length);
    }
  }
}
