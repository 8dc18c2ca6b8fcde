package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
    // Four exchanges at a time, 2 x 4 + 16 connection threads. (With one, a request sent as the
    // previous answer arrives may find that exchange's permit not yet given back: a 429 of its own.)
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
}
