package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** How a cassette tells requests apart, and how one exchange goes to a line and back. */
class CassetteRequestTest {

  private static CassetteRequest request(String target, String body, String... ignores) throws IOException {
    String head = "POST " + target + " HTTP/1.1\r\nContent-Type: application/json\r\n\r\n";
    IncomingRequest request = IncomingRequest.readHead(new ByteArrayInputStream(head.getBytes(StandardCharsets.US_ASCII)));
    request.body = body.getBytes(StandardCharsets.UTF_8);
    return CassetteRequest.of(request, Arrays.stream(ignores).map(CassetteJsonPath::parse).toList());
  }

  private static String canonical(String body, String... ignores) throws IOException {
    CassetteRequest request = request("/v1/chat/completions", body, ignores);
    return request.json == null ? null : new String(CassetteJson.write(request.json), StandardCharsets.UTF_8);
  }

  static Stream<Arguments> canonicalForms() {
    return Stream.of(
        Arguments.of("keys sorted at every level", "{\"b\":1,\"a\":{\"d\":[{\"z\":0,\"y\":1}],\"c\":2}}",
            "{\"a\":{\"c\":2,\"d\":[{\"y\":1,\"z\":0}]},\"b\":1}"),
        Arguments.of("whitespace dropped", "{ \"a\" :\t[ 1 ,\r\n 2 ]\n}\n", "{\"a\":[1,2]}"),
        Arguments.of("numbers as written", "{\"a\":1.0,\"b\":1e3,\"c\":-0}", "{\"a\":1.0,\"b\":1e3,\"c\":-0}"),
        Arguments.of("one escaping for strings", "{\"a\":\"h\\u0069 \\/ \\u00e9\"}", "{\"a\":\"hi / \u00e9\"}"),
        Arguments.of("the later of two equal keys", "{\"a\":1,\"a\":2}", "{\"a\":2}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("canonicalForms")
  void jsonBodiesAreCanonical(String name, String body, String expected) throws IOException {
    assertThat(canonical(body)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a member                    | $.metadata.request_id    | {"metadata":{"request_id":"r","user":"u"},"n":1}   | {"metadata":{"user":"u"},"n":1}
      a member in every element   | $.messages[*].id         | {"messages":[{"id":"1","c":"x"},{"id":"2"}]}       | {"messages":[{"c":"x"},{}]}
      one element's member        | $.messages[1].id         | {"messages":[{"id":"1"},{"id":"2"}]}               | {"messages":[{"id":"1"},{}]}
      an element                  | $.messages[0]            | {"messages":[1,2]}                                 | {"messages":[2]}
      a quoted name               | $['odd.name']            | {"odd.name":1,"odd":{"name":2}}                    | {"odd":{"name":2}}
      every member                | $.metadata.*             | {"metadata":{"a":1,"b":2},"n":1}                   | {"metadata":{},"n":1}
      a path that is not there    | $.nothing.here[3]        | {"n":1}                                            | {"n":1}
      a member of an array (none) | $.messages.id            | {"messages":[{"id":"1"}]}                          | {"messages":[{"id":"1"}]}
      """)
  void ignoredPathsAreRemovedBeforeCanonicalising(String name, String path, String body, String expected)
      throws IOException {
    assertThat(canonical(body, path)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no root              | metadata.id     | must start with $
      the whole body       | $               | names the whole body
      recursive descent    | $..id           | recursive descent
      a filter             | $.m[?(@.a)]     | neither a quoted name
      unclosed bracket     | $.m[0           | is not closed
      negative index       | $.m[-1]         | negative index
      """)
  void unsupportedPathsAreRefusedSayingWhy(String name, String path, String why) {
    assertThatThrownBy(() -> CassetteJsonPath.parse(path)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(path).hasMessageContaining(why);
  }

  @Test
  void aBodyThatIsNotJsonIsComparedByteForByte() throws IOException {
    CassetteRequest text = request("/v1/upload", "not json {");
    CassetteRequest twoDocuments = request("/v1/upload", "{} {}");
    assertThat(text.json).isNull();
    assertThat(twoDocuments.json).isNull();
    assertThat(text.hash).isEqualTo(CassetteRequest.sha256Hex("not json {".getBytes(StandardCharsets.UTF_8)));
    assertThat(request("/v1/upload", "not json  {").hash).isNotEqualTo(text.hash);
  }

  @Test
  void theKeyIsMethodPathQueryAndHash() throws IOException {
    CassetteRequest one = request("/v1/chat/completions?api-version=1", "{\"a\":1}");
    assertThat(one.key()).isEqualTo("POST /v1/chat/completions?api-version=1 " + one.hash);
    assertThat(request("/v1/chat/completions?api-version=2", "{\"a\":1}").key()).isNotEqualTo(one.key());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a key parameter       | /v1beta/models/m:generate?key=AIzaSyA-secret&alt=sse | /v1beta/models/m:generate?key=[REDACTED]&alt=sse
      an access token       | /v1/x?access_token=abc&b=1                           | /v1/x?access_token=[REDACTED]&b=1
      a signature           | /v1/x?sig=abc                                        | /v1/x?sig=[REDACTED]
      a key by its shape    | /v1/x?q=sk-proj-abcdefghijklmnopqrstuvwx             | /v1/x?q=[REDACTED]
      nothing secret        | /v1/chat/completions?api-version=2024-10-21           | /v1/chat/completions?api-version=2024-10-21
      an api key            | /v1/x?api_key=abc&apiKey=def&api%5Fkey=ghi           | /v1/x?api_key=[REDACTED]&apiKey=[REDACTED]&api%5Fkey=[REDACTED]
      a bare token          | /v1/x?token=abc                                      | /v1/x?token=[REDACTED]
      a signed URL          | /o?X-Amz-Credential=a&X-Amz-Security-Token=b&X-Amz-Signature=c&X-Amz-Expires=60 | /o?X-Amz-Credential=[REDACTED]&X-Amz-Security-Token=[REDACTED]&X-Amz-Signature=[REDACTED]&X-Amz-Expires=60
      token limits          | /v1/models?max_tokens=4000&max_output_tokens=5       | /v1/models?max_tokens=4000&max_output_tokens=5
      names that hold words | /v1/x?keyword=cats&session_id=s1&tokenizer=bpe&monkey=1 | /v1/x?keyword=cats&session_id=s1&tokenizer=bpe&monkey=1
      keys that are no keys | /v1/x?sort_key=name&idempotency_key=i1                | /v1/x?sort_key=name&idempotency_key=i1
      signatures            | /v1/x?urlSignature=a&X-Goog-Signature=b              | /v1/x?urlSignature=[REDACTED]&X-Goog-Signature=[REDACTED]
      """)
  void secretsInTheQueryAreMasked(String name, String target, String masked) {
    assertThat(CassetteRequest.maskTarget(target)).isEqualTo(masked);
  }

  @Test
  void aQueryParameterThatIsNoSecretTellsRequestsApartAndASecretOneDoesNot() throws IOException {
    CassetteRequest few = request("/v1/models?max_tokens=100", "");
    assertThat(request("/v1/models?max_tokens=4000", "").key()).isNotEqualTo(few.key());
    assertThat(request("/v1/x?keyword=a&session_id=1", "").key()).isNotEqualTo(request("/v1/x?keyword=b&session_id=1", "").key())
        .isNotEqualTo(request("/v1/x?keyword=a&session_id=2", "").key());
    assertThat(request("/v1/x?api_key=one&q=1", "").key()).as("the secret is not stored: it cannot tell them apart")
        .isEqualTo(request("/v1/x?api_key=two&q=1", "").key());
  }

  @Test
  void theKeyAnOlderCassetteStoredARequestUnderIsKnown() throws IOException {
    CassetteRequest request = request("/v1/models?max_tokens=100&key=abc", "");
    assertThat(request.target).isEqualTo("/v1/models?max_tokens=100&key=[REDACTED]");
    assertThat(request.legacyKey()).isEqualTo("POST /v1/models?max_tokens=[REDACTED]&key=[REDACTED] " + request.hash);
    assertThat(request("/v1/models?api-version=1&key=abc", "").legacyKey()).as("the same then and now").isNull();
    assertThat(request("/v1/models", "").legacyKey()).isNull();
  }

  @Test
  void anExchangeGoesToALineAndBackWithItsBytesAndTimes() throws IOException {
    byte[] split = "é".getBytes(StandardCharsets.UTF_8); // two bytes, cut between two chunks
    List<CassetteRecord.Chunk> chunks = List.of(
        new CassetteRecord.Chunk(120_500_000L, new byte[] {'a', split[0]}),
        new CassetteRecord.Chunk(250_000_001L, new byte[] {split[1], 'b'}),
        new CassetteRecord.Chunk(300_000_000L, "data: {\"x\":\"\\u0000\"}\n\n".getBytes(StandardCharsets.UTF_8)));
    CassetteRecord record = new CassetteRecord("POST", "/v1/chat/completions", "abc", 200,
        Map.of("content-type", List.of("text/event-stream")), -1, 100_250_000L, chunks, false);
    CassetteRequest request = request("/v1/chat/completions", "{\"model\":\"m\"}");

    byte[] line = record.toLine(request, Instant.parse("2025-01-02T03:04:05Z"));
    assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
    CassetteRecord back = CassetteLineReader.read(Arrays.copyOf(line, line.length - 1));

    assertThat(back.key()).isEqualTo(record.key());
    assertThat(back.status).isEqualTo(200);
    assertThat(back.contentLength).isEqualTo(-1);
    assertThat(back.timeToFirstByteNanos).isEqualTo(100_250_000L);
    assertThat(back.chunks).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(back.chunks.get(i).bytes()).isEqualTo(chunks.get(i).bytes());
      assertThat(back.chunks.get(i).offsetNanos()).isCloseTo(chunks.get(i).offsetNanos(), org.assertj.core.data.Offset.offset(1_000L));
    }
    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text).contains("\"t_ms\":120.500").contains("\"base64\":").contains("\"ttfb_ms\":100.250");
  }

  @Test
  void aResponseWithACredentialIsStoredMaskedAndFlagged() throws IOException {
    String secret = "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX";
    List<CassetteRecord.Chunk> chunks = List.of(
        new CassetteRecord.Chunk(1_000_000L, ("data: {\"key\":\"" + secret.substring(0, 12)).getBytes(StandardCharsets.UTF_8)),
        new CassetteRecord.Chunk(2_000_000L, (secret.substring(12) + "\"}\n\n").getBytes(StandardCharsets.UTF_8)));
    CassetteRecord record = new CassetteRecord("POST", "/v1/chat/completions", "abc", 200, Map.of(), -1, 0, chunks, false);

    byte[] line = record.toLine(request("/v1/chat/completions", "{}"), Instant.now());
    CassetteRecord back = CassetteLineReader.read(Arrays.copyOf(line, line.length - 1));

    assertThat(new String(line, StandardCharsets.UTF_8)).doesNotContain(secret.substring(8));
    assertThat(back.redacted).isTrue();
    assertThat(back.chunks).as("the key spanned two chunks: masked with the second, where it ended")
        .extracting(chunk -> chunk.offsetNanos(), chunk -> new String(chunk.bytes(), StandardCharsets.UTF_8))
        .containsExactly(tuple(1_000_000L, "data: {\"key\":\""), tuple(2_000_000L, "[REDACTED]\"}\n\n"));
  }

  @Test
  void aRequestBodysSecretFieldsAreStoredMaskedByTheirNames() throws IOException {
    String body = "{\"model\":\"m\",\"api_key\":\"abc123def456\",\"auth\":{\"password\":\"hunter2\",\"user\":\"me\"},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"max_tokens is fine\"}],\"max_tokens\":5}";
    CassetteRecord record = new CassetteRecord("POST", "/v1/chat/completions", "abc", 200, Map.of(), -1, 0, List.of(), false);

    String line = new String(record.toLine(request("/v1/chat/completions", body), Instant.now()), StandardCharsets.UTF_8);

    assertThat(line).doesNotContain("abc123def456").doesNotContain("hunter2").doesNotContain("\"me\"")
        .contains("\"api_key\":\"[REDACTED]\"").contains("\"auth\":{\"password\":\"[REDACTED]\",\"user\":\"[REDACTED]\"}")
        .contains("\"content\":\"max_tokens is fine\"").contains("\"max_tokens\":5").contains("\"model\":\"m\"");
  }

  @Test
  void aCompressedStreamIsDecodedChunkByChunkAtItsRecordedTimes() throws IOException {
    java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
    List<CassetteRecord.Chunk> chunks = new java.util.ArrayList<>();
    String[] events = {"data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n", "data: [DONE]\n\n"};
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(sent, true)) {
      for (int i = 0; i < events.length; i++) {
        gzip.write(events[i].getBytes(StandardCharsets.UTF_8));
        gzip.flush(); // a server that streams compressed flushes each event
        chunks.add(new CassetteRecord.Chunk((i + 1) * 100_000_000L, sent.toByteArray()));
        sent.reset();
      }
    }
    chunks.add(new CassetteRecord.Chunk(400_000_000L, sent.toByteArray())); // the gzip trailer
    CassetteRecord record = new CassetteRecord("POST", "/v1/chat/completions", "abc", 200,
        Map.of("Content-Type", List.of("text/event-stream"), "Content-Encoding", List.of("gzip")), -1, 50_000_000L,
        List.copyOf(chunks), false);

    CassetteRecord decoded = record.withoutContentCoding();

    assertThat(decoded.headers).containsOnlyKeys("Content-Type");
    assertThat(decoded.contentLength).isEqualTo(-1);
    assertThat(decoded.timeToFirstByteNanos).isEqualTo(50_000_000L);
    assertThat(decoded.chunks).extracting(chunk -> new String(chunk.bytes(), StandardCharsets.UTF_8))
        .containsExactly(events);
    assertThat(decoded.chunks).extracting(CassetteRecord.Chunk::offsetNanos)
        .containsExactly(100_000_000L, 200_000_000L, 300_000_000L);
  }

  @Test
  void aBodyThatIsNotInItsCodingCannotBeDecoded() {
    CassetteRecord record = new CassetteRecord("POST", "/v1/chat/completions", "abc", 200,
        Map.of("content-encoding", List.of("gzip")), 3, 0,
        List.of(new CassetteRecord.Chunk(0, "abc".getBytes(StandardCharsets.UTF_8))), false);
    assertThat(record.withoutContentCoding()).isNull();
    CassetteRecord unknown = new CassetteRecord("POST", "/v1/chat/completions", "abc", 200,
        Map.of("content-encoding", List.of("compress")), 3, 0, List.of(), false);
    assertThat(unknown.withoutContentCoding()).isNull();
  }
}
