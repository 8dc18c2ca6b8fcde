package dev.cabtrace.replay.read;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** A stream that tells a listener how many bytes have been read, every 16 MiB. */
final class ProgressStream extends FilterInputStream {

  private static final long PROGRESS_EVERY_BYTES = 16L * 1024 * 1024;

  private final LongConsumer listener;
  private long read;
  private long reported;

  ProgressStream(InputStream in, LongConsumer listener) {
    super(in);
    this.listener = listener;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      read += n;
      if (read - reported >= PROGRESS_EVERY_BYTES) {
        reported = read;
        listener.accept(read);
      }
    }
    return n;
  }
}
