package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A cassette line is not trusted: what it may not make the proxy send. */
class CassetteRecordTest {

  private static String line(String status, String headers, String ttfb, String offset) {
    return "{\"version\":1,\"request\":{\"method\":\"GET\",\"target\":\"/v1/models\",\"hash\":\"h\"},"
        + "\"response\":{\"status\":" + status + ",\"headers\":{" + headers + "},\"ttfb_ms\":" + ttfb
        + ",\"chunks\":[{\"t_ms\":" + offset + ",\"text\":\"hello\"}]}}";
  }

  private static CassetteRecord parse(String line) {
    return CassetteLineReader.read(line.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      a CR LF in a value        | 200        | "x-a":["1\\r\\nSet-Cookie: stolen=1"] | 1            | 2            | control character
      a LF alone                | 200        | "x-a":["1\\nx-b: 2"]                   | 1            | 2            | control character
      a NUL                     | 200        | "x-a":["1\\u0000"]                     | 1            | 2            | control character
      a CR LF in a name         | 200        | "x-a\\r\\nSet-Cookie":["1"]            | 1            | 2            | not an HTTP token
      a space in a name         | 200        | "x a":["1"]                            | 1            | 2            | not an HTTP token
      a colon in a name         | 200        | "x:a":["1"]                            | 1            | 2            | not an HTTP token
      an empty name             | 200        | "":["1"]                               | 1            | 2            | not an HTTP token
      a status past every int   | 1e999999999 | ""                                    | 1            | 2            | not an HTTP status
      a status under 200        | 101        | ""                                     | 1            | 2            | not an HTTP status
      a status over 599         | 600        | ""                                     | 1            | 2            | not an HTTP status
      a status with a fraction  | 200.5      | ""                                     | 1            | 2            | not an HTTP status
      a time to first byte of years | 200    | ""                                     | 1e12         | 2            | response.ttfb_ms
      a chunk in years          | 200        | ""                                     | 1            | 1e12         | response.chunks[].t_ms
      a chunk past every double | 200        | ""                                     | 1            | 1e999999999  | response.chunks[].t_ms
      a chunk before the request | 200       | ""                                     | 1            | -1           | response.chunks[].t_ms
      """)
  void aLineThatWouldMakeTheProxySendWhatNoUpstreamSentIsNoExchange(String name, String status, String headers,
      String ttfb, String offset, String why) {
    String line = line(status, headers.equals("\"\"") ? "" : headers, ttfb, offset);
    assertThatThrownBy(() -> parse(line)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\r").doesNotContain("\n"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1.9", "0.99999999999999999999", "18446744073709551617", "1e999999999", "-1e-999999999", "0", "2"})
  void onlyVersionOneIsRead(String version) {
    String line = line("200", "", "1", "2").replace("\"version\":1,", "\"version\":" + version + ",");
    assertThatThrownBy(() -> parse(line)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("format version " + version + " is not one this cab-trace reads (1)");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1", "1.0", "1e0"})
  void versionOneIsReadHoweverTheNumberIsWritten(String version) {
    String line = line("200", "", "1", "2").replace("\"version\":1,", "\"version\":" + version + ",");
    assertThat(parse(line).status).isEqualTo(200);
  }

  @Test
  void theLimitsThemselvesAreAccepted() {
    assertThat(parse(line("599", "", "3600000", "3600000")).timeToFirstByteNanos).isEqualTo(3_600_000_000_000L);
    assertThat(parse(line("200.0", "\"x-a\":[\"tab\\tand é\"]", "0", "0")).status).isEqualTo(200);
  }

  @Test
  void framingHopByHopAndCredentialHeadersAreNeverReplayed() {
    CassetteRecord record = parse(line("200", "\"Transfer-Encoding\":[\"chunked\"],\"Content-Length\":[\"999\"],"
        + "\"Connection\":[\"close, x-hop\"],\"Keep-Alive\":[\"timeout=5\"],\"x-hop\":[\"1\"],\"Upgrade\":[\"h2c\"],"
        + "\"Set-Cookie\":[\"a=b\"],\"Content-Type\":[\"text/plain\"],\"X-Request-Id\":[\"r1\"]", "1", "2"));

    assertThat(record.headers).containsOnlyKeys("Content-Type", "X-Request-Id");
  }
}
