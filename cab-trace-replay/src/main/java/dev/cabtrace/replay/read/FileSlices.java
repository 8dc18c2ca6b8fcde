package dev.cabtrace.replay.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Byte ranges of a trace file read again when asked for: a timeline of a million spans keeps
 * where each span's attributes are in the file, not the bytes. Reads go through a window of 1 MiB,
 * so asking span after span in file order, or in tree order, costs about one read a window. The file stays open while
 * spans point into it.
 */
final class FileSlices {

  private static final Cleaner CLEANER = Cleaner.create();
  private static final int WINDOW = 1 << 20;
  private static final int BEHIND = 128 << 10;

  /**
   * Windows a thread each, mostly: a thread reads through the window its id picks, so threads
   * writing chunks of a table side by side do not wait on one lock or move one window back and
   * forth; two threads whose ids pick the same window share it, taking turns.
   */
  private static final int WINDOWS = 4;

  private final Path file;
  private final LazyAttributes.Decoder decoder;
  private final Channel channel;
  private final Window[] windows = new Window[WINDOWS];

  /** The slices of {@code file}, whose attributes {@code decoder} decodes. */
  FileSlices(Path file, LazyAttributes.Decoder decoder) {
    this.file = file;
    this.decoder = decoder;
    this.channel = new Channel(file);
    for (int i = 0; i < WINDOWS; i++) {
      windows[i] = new Window();
    }
    CLEANER.register(this, channel);
  }

  /** The decoder of the attributes in this file, with the limits of the reader that read it. */
  LazyAttributes.Decoder decoder() {
    return decoder;
  }

  /** What is made of a slice's bytes where they lie, in the window. */
  interface SliceReader<T> {
    T read(byte[] bytes, int offset, int length);
  }

  /**
   * What {@code reader} makes of the {@code length} bytes at {@code position}, read where they lie
   * (a million spans' attributes are not copied out first), under the lock of the window it
   * is read through.
   *
   * @throws TraceChangedException when the file is gone or ends before the slice does
   */
  <T> T read(long position, int length, SliceReader<T> reader) {
    Window window = windows[(int) (Thread.currentThread().getId() % WINDOWS)];
    synchronized (window) {
      if (window.start < 0 || position < window.start || position + length > window.start + window.length) {
        fill(window, position, length);
        if (position + length > window.start + window.length) {
          // Else the reader would be handed what an earlier window left beyond the end.
          throw changedAt(position);
        }
      }
      return reader.read(window.bytes, (int) (position - window.start), length);
    }
  }

  /** The failure of a read that no longer finds the attributes read at {@code position}. */
  TraceChangedException changedAt(long position) {
    return new TraceChangedException("the trace file changed since it was read: a span's attributes are no longer"
        + " at byte " + position + " of " + file + "; read it again");
  }

  /**
   * Reads a window that holds the {@code length} bytes at {@code position} and up to {@link #BEHIND}
   * bytes before them: in tree order a parent comes before its children, and is written after them
   * (it ends last), so the next slice asked for often lies a little back. Without that margin a 1
   * MiB window was read three times over, on the benchmark's trace. What the window already holds
   * of the new one is moved, not read again.
   */
  private void fill(Window window, long position, int length) {
    long start = Math.max(0, position - BEHIND);
    int size = (int) Math.max(WINDOW, position - start + length);
    long end = window.start + window.length;
    int kept = 0;
    if (window.bytes.length < size) {
      window.bytes = new byte[size];
    } else if (window.start >= 0 && start >= window.start && start < end) {
      kept = (int) (end - start);
      System.arraycopy(window.bytes, (int) (start - window.start), window.bytes, 0, kept);
    }
    window.start = -1; // until the read is done: the window holds neither the old bytes nor the new
    ByteBuffer buffer = ByteBuffer.wrap(window.bytes, kept, size - kept);
    try {
      try {
        readFully(channel.open(), buffer, start);
      } catch (ClosedChannelException closed) {
        // An interrupt of a thread reading closes the channel for every thread: it is opened again
        // and read through the interrupt, which is kept for the caller.
        boolean interrupted = Thread.interrupted();
        try {
          readFully(channel.open(), buffer, start);
        } finally {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }
    } catch (NoSuchFileException e) {
      throw new TraceChangedException("the trace file changed since it was read: " + file + " is gone; read it again");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the attributes back from " + file + ": "
          + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    }
    window.start = start;
    window.length = buffer.position();
  }

  private static void readFully(FileChannel open, ByteBuffer buffer, long start) throws IOException {
    while (buffer.hasRemaining()) {
      if (open.read(buffer, start + buffer.position()) < 0) {
        break;
      }
    }
  }

  /** A window's bytes: {@code length} of them from {@code start} of the file, or none while {@code start} is -1. */
  private static final class Window {
    byte[] bytes = new byte[0];
    long start = -1;
    int length;
  }

  /** The open file, closed when nothing points into it any more. */
  private static final class Channel implements Runnable {
    private final Path file;
    private FileChannel open;

    Channel(Path file) {
      this.file = file;
    }

    synchronized FileChannel open() throws IOException {
      if (open == null || !open.isOpen()) {
        open = FileChannel.open(file, StandardOpenOption.READ);
      }
      return open;
    }

    @Override
    public synchronized void run() {
      if (open != null) {
        try {
          open.close();
        } catch (IOException ignored) {
          // Nothing reads from it any more.
        }
      }
    }
  }
}
