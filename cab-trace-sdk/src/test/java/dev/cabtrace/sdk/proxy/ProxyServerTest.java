package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ProxyServerTest {

  @Test
  void anExchangeThatFailsUnexpectedlyIsAnswered500AndTheServerServesOn() throws Exception {
    try (ProxyServer server = new ProxyServer(new InetSocketAddress("127.0.0.1", 0), 4, (request, response) -> {
      throw new IllegalStateException("a bug in the handler");
    })) {
      server.start();
      for (int i = 0; i < 2; i++) {
        String answer = RawHttp.exchange(server.address().getPort(), "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 500 Internal Server Error\r\n").contains("a bug in the handler");
      }
    }
  }
}
