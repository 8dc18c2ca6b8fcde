package dev.cabtrace.replay.read;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parses a JSON Lines file on several threads: each block of lines ({@link LineBlocks}) is parsed
 * where it lies into its own buffer, and the buffers are handed on in file order, so the result is
 * what one thread would have found. At most a few blocks are in flight and they are refilled, not
 * reallocated, so memory stays bounded for any file size.
 */
final class ParallelLines {

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final TraceLoader reader;
  private final String source;
  private final int threads;
  private final boolean hotOnly;
  private final FileSlices file;
  private final int blockBytes;
  private final boolean[] clampGiven = new boolean[1];
  // One context per parsing thread: its interners and scanner serve every block that thread parses.
  private final ThreadLocal<ReadContext> contexts;

  ParallelLines(TraceLoader reader, String source, int threads, boolean hotOnly, FileSlices file, int blockBytes) {
    this.reader = reader;
    this.source = source;
    this.threads = threads;
    this.hotOnly = hotOnly;
    this.file = file;
    this.blockBytes = blockBytes;
    this.contexts = ThreadLocal.withInitial(() -> {
      ReadContext context = new ReadContext(new SpanSink.Buffered(hotOnly), source);
      context.hotOnly = hotOnly;
      context.file = file;
      return context;
    });
  }

  /** What one block held: its spans and warnings, numbered from its first line, and how many lines. */
  private record Parsed(LineBlocks.Block block, SpanSink.Buffered found, long lines) {}

  /**
   * Reads {@code first} from {@code start}, then every block after it; {@code linesBefore} lines
   * came before {@code start}.
   */
  void read(LineBlocks blocks, LineBlocks.Block first, int start, long linesBefore, SpanSink sink) throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            runnable -> {
              Thread thread = new Thread(runnable, "cab-trace-read-" + THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    Deque<Future<Parsed>> inFlight = new ArrayDeque<>();
    Deque<LineBlocks.Block> free = new ArrayDeque<>();
    long handedOn = linesBefore;
    try {
      LineBlocks.Block block = first;
      int from = start;
      while (true) {
        inFlight.add(pool.submit(parse(block, from)));
        from = 0;
        while (inFlight.size() >= 2 * threads) {
          handedOn += handOn(inFlight.removeFirst(), sink, handedOn, free);
        }
        block = free.isEmpty() ? new LineBlocks.Block(blockBytes) : free.pop();
        if (!blocks.next(block)) {
          break;
        }
      }
      while (!inFlight.isEmpty()) {
        handedOn += handOn(inFlight.removeFirst(), sink, handedOn, free);
      }
    } finally {
      pool.shutdownNow();
      // After a failure, blocks still being parsed are not handed back to be refilled; a block is
      // a bounded piece of work, so this wait is short.
      try {
        pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Callable<Parsed> parse(LineBlocks.Block block, int from) {
    return () -> {
      ReadContext context = contexts.get();
      long lines = reader.readBlock(context, block, from, 1);
      return new Parsed(block, ((SpanSink.Buffered) context.sink()).detach(), lines);
    };
  }

  /** Hands a parsed block on, its lines numbered after {@code linesBefore}; returns its line count. */
  private long handOn(Future<Parsed> future, SpanSink sink, long linesBefore, Deque<LineBlocks.Block> free)
      throws IOException {
    Parsed parsed;
    try {
      parsed = future.get();
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
    // The spans hold nothing of the block's bytes (names are strings, attributes copies or file offsets).
    free.push(parsed.block());
    parsed.found().drainTo(sink, source, clampGiven, linesBefore);
    return parsed.lines();
  }
}
