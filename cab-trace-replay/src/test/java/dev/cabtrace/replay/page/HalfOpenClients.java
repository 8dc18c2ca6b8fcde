package dev.cabtrace.replay.page;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * Clients that each send half a request's head and hold the connection, opening another as soon
 * as the server drops it: as a client that means to hold a server does, not one that gives up.
 */
final class HalfOpenClients implements AutoCloseable {

  private static final byte[] HALF_A_HEAD = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private final List<Thread> threads = new ArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final CountDownLatch sent;
  private final Semaphore drops = new Semaphore(0);
  private volatile boolean closed;

  private HalfOpenClients(int count) {
    this.sent = new CountDownLatch(count);
  }

  /** {@code count} clients of {@code host:port}, returned once each has sent its half head. */
  static HalfOpenClients hold(String host, int port, int count) throws InterruptedException {
    HalfOpenClients clients = new HalfOpenClients(count);
    for (int i = 0; i < count; i++) {
      Thread thread = new Thread(() -> clients.holdOne(host, port), "half-open-" + i);
      thread.setDaemon(true);
      clients.threads.add(thread);
      thread.start();
    }
    clients.sent.await();
    return clients;
  }

  /** Waits until the server has dropped {@code count} of the connections (each opened again). */
  void awaitDrops(int count) throws InterruptedException {
    drops.acquire(count);
  }

  private void holdOne(String host, int port) {
    boolean first = true;
    while (!closed) {
      Socket socket = new Socket();
      open.add(socket);
      try (socket) {
        if (closed) {
          return;
        }
        socket.connect(new java.net.InetSocketAddress(host, port));
        socket.getOutputStream().write(HALF_A_HEAD);
        socket.getOutputStream().flush();
        if (first) {
          first = false;
          sent.countDown();
        }
        InputStream in = socket.getInputStream();
        while (in.read() >= 0) {
          // Whatever comes, the head is never finished.
        }
      } catch (IOException e) {
        // Dropped (reset), or refused: another is opened.
      } finally {
        open.remove(socket);
      }
      if (!closed && !first) {
        drops.release();
      }
    }
  }

  /** Closes the connections and stops opening others. */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException e) {
        // closed already
      }
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
