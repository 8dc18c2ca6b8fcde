package dev.cabtrace.sdk.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The output of a client's connection, watched: a write that the client does not make room for
 * (it has stopped reading and its socket's buffers are full) waits for ever, as a socket has no
 * write timeout. Cut, the connection is closed, which makes the write fail, and {@link
 * #stoppedReading} says why.
 */
final class ClientSocketOutput extends OutputStream implements StallWatchdog.Watched {

  // Progress is seen per slice: a large write the client drains slowly but steadily is not one wait.
  private static final int SLICE = 16 * 1024;

  private final Socket socket;
  private final OutputStream out;
  private volatile long writingSince;
  private volatile boolean writing;
  private volatile boolean stoppedReading;

  ClientSocketOutput(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    try {
      for (int written = 0; written < length; written += SLICE) {
        writingSince = System.nanoTime();
        writing = true;
        out.write(bytes, offset + written, Math.min(SLICE, length - written));
      }
    } finally {
      writing = false;
    }
  }

  /** How long the current write has waited, at {@code now}; 0 between writes. */
  @Override
  public long waitingNanos(long now) {
    return writing ? now - writingSince : 0;
  }

  /** Closes the connection under a write the client has made no room for. */
  @Override
  public void stall() {
    stoppedReading = true;
    reset();
  }

  /** Breaks the connection: a reset, so that the client cannot take what it got for a whole answer. */
  void reset() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** Whether the connection was closed because the client had stopped reading. */
  boolean stoppedReading() {
    return stoppedReading;
  }
}
