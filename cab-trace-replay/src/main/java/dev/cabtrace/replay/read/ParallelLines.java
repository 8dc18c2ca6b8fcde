package dev.cabtrace.replay.read;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parses a JSON Lines file on several threads: lines go out in chunks, each parsed into its own
 * buffer, and the buffers are handed on in file order, so the result is what one thread would
 * have found. At most a few chunks are in flight, so memory stays bounded for any file size.
 */
final class ParallelLines {

  private static final int CHUNK_BYTES = 2 * 1024 * 1024;
  private static final int CHUNK_LINES = 2048;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final TraceReader reader;
  private final String source;
  private final int threads;
  private final boolean hotOnly;
  private final FileSlices file;
  private final boolean[] clampGiven = new boolean[1];

  ParallelLines(TraceReader reader, String source, int threads, boolean hotOnly, FileSlices file) {
    this.reader = reader;
    this.source = source;
    this.threads = threads;
    this.hotOnly = hotOnly;
    this.file = file;
  }

  /** Reads the line the reader stands on and every line after it. */
  void read(LineReader lines, SpanSink sink) throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            runnable -> {
              Thread thread = new Thread(runnable, "cab-trace-read-" + THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    Deque<Future<SpanSink.Buffered>> inFlight = new ArrayDeque<>();
    try {
      Chunk chunk = new Chunk();
      do {
        chunk.add(lines);
        if (chunk.bytes >= CHUNK_BYTES || chunk.count >= CHUNK_LINES) {
          inFlight.add(pool.submit(parse(chunk)));
          chunk = new Chunk();
          while (inFlight.size() >= 2 * threads) {
            handOn(inFlight.removeFirst(), sink);
          }
        }
      } while (lines.next());
      if (chunk.count > 0) {
        inFlight.add(pool.submit(parse(chunk)));
      }
      while (!inFlight.isEmpty()) {
        handOn(inFlight.removeFirst(), sink);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private java.util.concurrent.Callable<SpanSink.Buffered> parse(Chunk chunk) {
    return () -> {
      SpanSink.Buffered found = new SpanSink.Buffered();
      ReadContext context = new ReadContext(found, source);
      context.hotOnly = hotOnly;
      context.file = file;
      for (int i = 0; i < chunk.count; i++) {
        context.lineOffset = chunk.fileOffsets[i];
        reader.readLine(context, chunk.data, chunk.offsets[i], chunk.lengths[i], chunk.lineNumbers[i],
            chunk.newline[i], chunk.tooLong[i]);
      }
      return found;
    };
  }

  private void handOn(Future<SpanSink.Buffered> future, SpanSink sink) throws IOException {
    SpanSink.Buffered found;
    try {
      found = future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TraceReadException("interrupted while reading " + source);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new TraceReadException("cannot read " + source + ": " + cause);
    }
    found.drainTo(sink, source, clampGiven);
  }

  /** Lines copied out of the reader's buffer, to be parsed on another thread. */
  private static final class Chunk {
    byte[] data = new byte[64 * 1024];
    int bytes;
    int count;
    int[] offsets = new int[256];
    int[] lengths = new int[256];
    long[] lineNumbers = new long[256];
    long[] fileOffsets = new long[256];
    boolean[] newline = new boolean[256];
    boolean[] tooLong = new boolean[256];

    void add(LineReader lines) {
      if (count == offsets.length) {
        int size = count * 2;
        offsets = Arrays.copyOf(offsets, size);
        lengths = Arrays.copyOf(lengths, size);
        lineNumbers = Arrays.copyOf(lineNumbers, size);
        fileOffsets = Arrays.copyOf(fileOffsets, size);
        newline = Arrays.copyOf(newline, size);
        tooLong = Arrays.copyOf(tooLong, size);
      }
      int length = lines.tooLong() ? 0 : lines.length();
      if (bytes + length > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, bytes + length));
      }
      System.arraycopy(lines.bytes(), 0, data, bytes, length);
      offsets[count] = bytes;
      lengths[count] = length;
      lineNumbers[count] = lines.lineNumber();
      fileOffsets[count] = lines.lineOffset();
      newline[count] = lines.endedWithNewline();
      tooLong[count] = lines.tooLong();
      bytes += length;
      count++;
    }
  }
}
