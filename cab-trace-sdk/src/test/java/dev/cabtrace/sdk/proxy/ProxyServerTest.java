package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class ProxyServerTest {

  @Test
  void anExchangeThatFailsUnexpectedlyIsAnswered500AndTheServerServesOn() throws Exception {
    try (ProxyServer server = new ProxyServer(new InetSocketAddress("127.0.0.1", 0), 4, Duration.ofMinutes(10),
        (request, response) -> {
          throw new IllegalStateException("a bug in the handler");
        })) {
      server.start();
      for (int i = 0; i < 2; i++) {
        String answer = RawHttp.exchange(server.address().getPort(), "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 500 Internal Server Error\r\n").contains("a bug in the handler");
      }
    }
  }

  @Test
  void connectionsKeptAliveAndIdleMakeRoomForANewOneInsteadOfItBeingRefused() throws Exception {
    ProxyServer.Handler ok = (request, response) -> {
      byte[] body = "ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      response.start(200, java.util.List.of(java.util.Map.entry("Content-Type", java.util.List.of("text/plain"))),
          body.length);
      response.body().write(body);
      response.body().flush();
    };
    // Four exchanges at a time, 2 x 4 + 16 connection threads.
    int maxExchanges = 4;
    try (ProxyServer server =
        new ProxyServer(new InetSocketAddress("127.0.0.1", 0), maxExchanges, Duration.ofMinutes(10), ok)) {
      server.start();
      java.util.List<java.net.Socket> kept = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 2 * maxExchanges + 16; i++) {
          java.net.Socket socket = RawHttp.send(server.address().getPort(), "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n");
          assertThat(RawHttp.readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
          assertThat(socket.getInputStream().readNBytes(2)).hasSize(2);
          kept.add(socket); // left open, idle, as a client that never closes its connections
          // Idle from the server's side too before the next one: which connection has been idle the
          // longest is then the order they were opened in, however the threads are scheduled.
          while (server.idleConnections() < kept.size()) {
            Thread.onSpinWait();
          }
        }

        String answer = RawHttp.exchange(server.address().getPort(), "GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(server.rejectedRequests()).isZero();
        assertThat(kept.get(0).getInputStream().read()).as("the connection idle the longest was closed").isEqualTo(-1);
      } finally {
        for (java.net.Socket socket : kept) {
          socket.close();
        }
      }
    }
  }

  /**
   * A client at the limit (one exchange at a time here) that asks again, on a new connection, as
   * soon as it has read an answer, while the exchange that sent it is still ending (a span, a
   * cassette line): the exchange's place was given back before the client could see its answer end.
   */
  @ParameterizedTest(name = "an answer {0}")
  @ValueSource(strings = {"with a body", "with an empty body", "to HEAD", "cut off"})
  void theNextRequestOfAClientAtTheLimitIsNotRefusedWhileTheLastExchangeEnds(String answer) throws Exception {
    CountDownLatch askedAgain = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    ProxyServer.Handler handler = (request, response) -> {
      boolean isFirst = first.getAndSet(false);
      byte[] body = isFirst && answer.equals("with an empty body")
          ? new byte[0] : "ok".getBytes(StandardCharsets.US_ASCII);
      response.start(200, List.of(Map.entry("Content-Type", List.of("text/plain"))), body.length);
      if (isFirst && answer.equals("cut off")) {
        response.body().write(body, 0, 1);
        response.body().flush();
        response.abort();
      } else {
        response.body().write(body);
        response.body().flush();
      }
      if (isFirst) {
        await(askedAgain); // still ending, with all the client will get out
      }
    };
    String method = answer.equals("to HEAD") ? "HEAD" : "GET";
    String next = "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n";
    try (ProxyServer server =
        new ProxyServer(new InetSocketAddress("127.0.0.1", 0), 1, Duration.ofMinutes(10), handler)) {
      server.start();
      int port = server.address().getPort();
      try (Socket kept = RawHttp.send(port, method + " /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")) {
        InputStream in = kept.getInputStream();
        if (answer.equals("cut off")) {
          readUntilBroken(in);
        } else {
          assertThat(RawHttp.readHead(in)).startsWith("HTTP/1.1 200");
          String body = answer.equals("with a body") ? "ok" : "";
          assertThat(new String(in.readNBytes(body.length()), StandardCharsets.US_ASCII)).isEqualTo(body);
        }

        String again = RawHttp.exchange(port, "GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        askedAgain.countDown();

        assertThat(again).startsWith("HTTP/1.1 200");
        assertThat(server.rejectedRequests()).isZero();
        if (!answer.equals("cut off")) {
          kept.getOutputStream().write(next.getBytes(StandardCharsets.US_ASCII));
          assertThat(RawHttp.readHead(in)).as("the connection kept alive carries the next request")
              .startsWith("HTTP/1.1 200");
        }
      }
    } finally {
      askedAgain.countDown();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads {@code in} until its connection ends, by a close or a reset. */
  private static void readUntilBroken(InputStream in) {
    try {
      in.readAllBytes();
    } catch (IOException reset) {
      // as a cut answer ends
    }
  }
}
