package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncomingRequestTest {

  private static IncomingRequest head(String head) throws IOException {
    return IncomingRequest.readHead(new ByteArrayInputStream(head.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void headersOfOneNameInAnyCaseAreOneHeaderUnderTheFirstSpelling() throws IOException {
    IncomingRequest request = head("POST /v1/chat/completions HTTP/1.1\r\nX-Trace: a\r\nContent-Type: application/json\r\n"
        + "x-trace: b\r\nX-TRACE: c\r\ncontent-type: text/plain\r\n\r\n");
    assertThat(request.headers.keySet()).containsExactly("X-Trace", "Content-Type");
    assertThat(request.headers.get("X-Trace")).containsExactly("a", "b", "c");
    assertThat(request.header("content-TYPE")).isEqualTo("application/json");
  }

  @Test
  void aHeadOfThousandsOfShortHeaderLinesIsReadWithEveryNameOnce() throws IOException {
    // Short lines fill the 64 KB a head may have with as many names as it holds: every name comes
    // out once, both values with it, and each is found whatever its case.
    StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\n");
    int names = 4_000;
    for (int i = 0; i < names; i++) {
      head.append('h').append(i).append(":1\r\n");
    }
    for (int i = 0; i < names; i++) {
      head.append('H').append(i).append(":2\r\n");
    }
    IncomingRequest request = head(head.append("\r\n").toString());
    assertThat(request.headers).hasSize(names);
    assertThat(request.headers.get("h3999")).isEqualTo(List.of("1", "2"));
    assertThat(request.header("H2500")).isEqualTo("1");
  }
}
