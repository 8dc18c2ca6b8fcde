package dev.cabtrace.replay.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
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

  private final Path file;
  private final LazyAttributes.Decoder decoder;
  private final Channel channel;
  private byte[] window = new byte[0];
  private long windowStart = -1;
  private int windowLength;

  /** The slices of {@code file}, whose attributes {@code decoder} decodes. */
  FileSlices(Path file, LazyAttributes.Decoder decoder) {
    this.file = file;
    this.decoder = decoder;
    this.channel = new Channel(file);
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
   * (a million spans' attributes are not copied out first), under this file's lock.
   *
   * @throws TraceChangedException when the file is gone or ends before the slice does
   */
  synchronized <T> T read(long position, int length, SliceReader<T> reader) {
    if (windowStart < 0 || position < windowStart || position + length > windowStart + windowLength) {
      fill(position, length);
      if (position + length > windowStart + windowLength) {
        // Else the reader would be handed what an earlier window left beyond the end.
        throw changedAt(position);
      }
    }
    return reader.read(window, (int) (position - windowStart), length);
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
  private void fill(long position, int length) {
    long start = Math.max(0, position - BEHIND);
    int size = (int) Math.max(WINDOW, position - start + length);
    long end = windowStart + windowLength;
    int kept = 0;
    if (window.length < size) {
      window = new byte[size];
    } else if (windowStart >= 0 && start >= windowStart && start < end) {
      kept = (int) (end - start);
      System.arraycopy(window, (int) (start - windowStart), window, 0, kept);
    }
    windowStart = -1; // until the read is done: the window holds neither the old bytes nor the new
    ByteBuffer buffer = ByteBuffer.wrap(window, kept, size - kept);
    try {
      FileChannel open = channel.open();
      while (buffer.hasRemaining()) {
        if (open.read(buffer, start + buffer.position()) < 0) {
          break;
        }
      }
    } catch (NoSuchFileException e) {
      throw new TraceChangedException("the trace file changed since it was read: " + file + " is gone; read it again");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the attributes back from " + file + ": " + e.getMessage(), e);
    }
    windowStart = start;
    windowLength = buffer.position();
  }

  /** The open file, closed when nothing points into it any more. */
  private static final class Channel implements Runnable {
    private final Path file;
    private FileChannel open;

    Channel(Path file) {
      this.file = file;
    }

    synchronized FileChannel open() throws IOException {
      if (open == null) {
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
