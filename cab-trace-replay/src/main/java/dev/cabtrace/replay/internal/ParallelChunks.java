package dev.cabtrace.replay.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Output of many items (a million spans' lines) made a chunk of items at a time on several
 * threads, each chunk into a buffer of its own, and written in order: the bytes are those one
 * thread would have written. Few items, or one processor, are written on the calling thread as
 * they are made. At most a few chunks are in flight, their buffers are reused, and a chunk that
 * outgrows its buffer's budget (items with huge attributes) or fails is made again in order on the
 * calling thread, written as it is made: memory stays bounded in bytes for any number and size of
 * items, and a failure cuts the output where one thread's would have been cut. Internal: shared by
 * cab-trace's own packages, not part of its API; it may change without notice.
 */
public final class ParallelChunks {

  /** Items in a chunk. */
  public static final int CHUNK = 4096;
  /** Fewer items than this are written on the calling thread: a pool costs more than it saves. */
  public static final int PARALLEL_FROM = 4 * CHUNK;
  private static final AtomicInteger THREADS = new AtomicInteger();
  /**
   * The bytes a chunk may buffer: a 64th of the heap, between 1 and 16 MiB (a million spans' {@code
   * show --json} is under 3 MiB a chunk). Beyond it the chunk is written in order as it is made.
   */
  static final int BUDGET = (int) Math.max(1 << 20, Math.min(16 << 20, Runtime.getRuntime().maxMemory() / 64));

  /** What writes items {@code [from, to)} to {@code out}. */
  @FunctionalInterface
  public interface Writer {
    void write(int from, int to, OutputStream out) throws IOException;
  }

  /**
   * What writes items {@code [from, to)} to {@code out} when it can do so before the items ahead of
   * them are written: it returns false when it cannot (what it wrote is then dropped), and is asked
   * again, {@code inOrder}, on the calling thread once every item ahead is written. Asked in order,
   * it writes them and returns true.
   */
  @FunctionalInterface
  public interface Attempt {
    boolean write(int from, int to, OutputStream out, boolean inOrder) throws IOException;
  }

  /** What is made of items {@code [from, to)}. */
  @FunctionalInterface
  public interface Mapper<T> {
    T map(int from, int to);
  }

  private final int threads;

  private ParallelChunks(int threads) {
    this.threads = threads;
  }

  /** Chunks on as many threads as there are processors, up to 4 (as a load's parallelism). */
  public static ParallelChunks ofProcessors() {
    return new ParallelChunks(Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  /** Chunks on {@code threads} threads; 1 writes on the calling thread. */
  public static ParallelChunks of(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    return new ParallelChunks(threads);
  }

  private boolean serial(int count) {
    return threads == 1 || count < PARALLEL_FROM;
  }

  /**
   * Writes items {@code [0, count)} to {@code out} in order, chunk by chunk. What a chunk's writer
   * throws is thrown as it was, after the bytes that chunk wrote before it (and every earlier
   * chunk's) are written: the output is cut where one thread's would have been.
   */
  public void write(int count, Writer writer, OutputStream out) throws IOException {
    write(count, (from, to, chunk, inOrder) -> {
      writer.write(from, to, chunk);
      return true;
    }, out);
  }

  /**
   * As {@link #write(int, Writer, OutputStream)}, each chunk made by {@code attempt}, and made
   * again in order on the calling thread where an attempt could not make it out of order.
   */
  public void write(int count, Attempt attempt, OutputStream out) throws IOException {
    if (serial(count)) {
      attempt.write(0, count, out, true);
      return;
    }
    ExecutorService pool = pool();
    Deque<Future<Rendered>> inFlight = new ArrayDeque<>();
    Deque<Buffer> free = new ArrayDeque<>();
    try {
      for (int from = 0; from < count; from += CHUNK) {
        int to = Math.min(count, from + CHUNK);
        Buffer buffer = free.isEmpty() ? new Buffer() : free.pop();
        int chunkFrom = from;
        inFlight.add(pool.submit(() -> render(attempt, chunkFrom, to, buffer)));
        while (inFlight.size() >= 2 * threads) {
          free.push(writeOut(inFlight.removeFirst(), attempt, out));
        }
      }
      while (!inFlight.isEmpty()) {
        free.push(writeOut(inFlight.removeFirst(), attempt, out));
      }
    } finally {
      stop(pool, inFlight);
    }
  }

  /**
   * What {@code mapper} makes of each chunk of items {@code [0, count)}, in chunk order; one
   * result for all of them when they are few.
   */
  public <T> java.util.List<T> map(int count, Mapper<T> mapper) throws IOException {
    if (serial(count)) {
      return java.util.List.of(mapper.map(0, count));
    }
    ExecutorService pool = pool();
    java.util.List<Future<T>> futures = new java.util.ArrayList<>();
    try {
      for (int from = 0; from < count; from += CHUNK) {
        int chunkFrom = from;
        int to = Math.min(count, from + CHUNK);
        futures.add(pool.submit(() -> mapper.map(chunkFrom, to)));
      }
      java.util.List<T> results = new java.util.ArrayList<>(futures.size());
      for (Future<T> future : futures) {
        results.add(result(future));
      }
      return results;
    } finally {
      stop(pool, futures);
    }
  }

  /**
   * A chunk made out of order into {@code buffer}. One over its budget, or one whose making failed,
   * is not made: it is made again in order, written as it is made, so that what its attempt wrote
   * before an {@link OutOfMemoryError} or any other failure is the serial output's prefix (an attempt
   * out of order may write what only its turn can write right), and the failure is thrown there.
   */
  private static Rendered render(Attempt attempt, int from, int to, Buffer buffer) {
    buffer.reset();
    try {
      return new Rendered(from, to, buffer, attempt.write(from, to, buffer, false));
    } catch (IOException | RuntimeException | Error e) { // OverBudget, an OutOfMemoryError, any failure
      buffer.release();
      return new Rendered(from, to, buffer, false);
    }
  }

  /** A chunk's bytes, and whether they are whole (else it is made again in order). */
  private record Rendered(int from, int to, Buffer buffer, boolean made) {}

  private static Buffer writeOut(Future<Rendered> future, Attempt attempt, OutputStream out) throws IOException {
    Rendered rendered = result(future);
    if (!rendered.made()) {
      attempt.write(rendered.from(), rendered.to(), out, true);
      return rendered.buffer();
    }
    out.write(rendered.buffer().bytes, 0, rendered.buffer().length);
    return rendered.buffer();
  }

  private static <T> T result(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing");
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

  private ExecutorService pool() {
    return Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "cab-trace-write-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Stops the pool: chunks not started are dropped, and one being made after a failure is
   * finished, not interrupted (bounded work, so the wait is short): an interrupt closes a file
   * channel it reads from, for every later reader.
   */
  private static void stop(ExecutorService pool, java.util.Collection<? extends Future<?>> futures) {
    for (Future<?> future : futures) {
      future.cancel(false);
    }
    pool.shutdown();
    // An interrupted caller still waits: the chunk being made reads the caller's file.
    boolean interrupted = Thread.interrupted();
    while (true) {
      try {
        pool.awaitTermination(1, TimeUnit.MINUTES);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** A chunk over {@link #BUDGET}: thrown out of its attempt, which is made again in order. */
  private static final class OverBudget extends RuntimeException {
    private static final OverBudget INSTANCE = new OverBudget();

    private OverBudget() {
      super("a chunk over its budget", null, false, false);
    }
  }

  /** A chunk's bytes, reused for a later chunk once written. */
  private static final class Buffer extends OutputStream {
    private byte[] bytes = new byte[1 << 16];
    private int length;

    void reset() {
      length = 0;
    }

    @Override
    public void write(int b) {
      ensure(1);
      bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, length, len);
      length += len;
    }

    /** Drops a buffer grown big, for a chunk that did not fit or ran out of memory. */
    void release() {
      bytes = new byte[1 << 16];
      length = 0;
    }

    private void ensure(int more) {
      if (bytes.length - length < more) {
        long needed = (long) length + more;
        if (needed > BUDGET) {
          throw OverBudget.INSTANCE;
        }
        bytes = Arrays.copyOf(bytes, (int) Math.min(BUDGET, Math.max(2L * bytes.length, needed)));
      }
    }
  }
}
