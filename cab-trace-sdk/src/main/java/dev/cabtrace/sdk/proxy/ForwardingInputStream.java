package dev.cabtrace.sdk.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The upstream's response body, written on to the client as it is read: whatever reads it (a
 * decoder, the usage reader) can never delay a byte on its way to the client. Remembers which side
 * failed, so a decoding error is told apart from a broken connection. Watched, its wait is a read
 * of the upstream: time spent writing to a slow client is not the upstream's silence.
 */
final class ForwardingInputStream extends ArrayReadingInputStream implements StallWatchdog.Watched {

  private final InputStream upstream;
  private final OutputStream client;
  private IOException upstreamFailure;
  private IOException clientFailure;
  private boolean ended;
  private volatile long readingSince;
  private volatile boolean reading;
  private volatile boolean stalled;

  ForwardingInputStream(InputStream upstream, OutputStream client) {
    this.upstream = upstream;
    this.client = client;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (ended) {
      return -1; // the upstream is not read past its end: a body closed since (the proxy closing) is whole
    }
    int n;
    readingSince = System.nanoTime();
    reading = true;
    try {
      n = upstream.read(buffer, offset, length);
    } catch (IOException e) {
      upstreamFailure = e;
      throw e;
    } finally {
      reading = false;
    }
    ended = n < 0;
    if (n > 0) {
      try {
        client.write(buffer, offset, n);
        client.flush();
      } catch (IOException e) {
        clientFailure = e;
        throw e;
      }
    }
    return n;
  }

  /** Forwards the rest of the body. */
  void drain() throws IOException {
    byte[] buffer = new byte[16 * 1024];
    while (read(buffer, 0, buffer.length) >= 0) {
      // forwarded by read
    }
  }

  /** How long a read of the upstream has waited, at {@code now}; 0 between reads. */
  @Override
  public long waitingNanos(long now) {
    return reading ? now - readingSince : 0;
  }

  /** Cuts the upstream's answer, which has gone quiet: its read fails, and {@link #stalled} says why. */
  @Override
  public void stall() {
    stalled = true;
    try {
      upstream.close();
    } catch (IOException e) {
      // cut either way
    }
  }

  /** Whether the answer was cut for sending nothing too long. */
  boolean stalled() {
    return stalled;
  }

  /** What broke the upstream connection, or null. */
  IOException upstreamFailure() {
    return upstreamFailure;
  }

  /** What broke the client's connection, or null. */
  IOException clientFailure() {
    return clientFailure;
  }

  @Override
  public void close() throws IOException {
    upstream.close();
  }
}
