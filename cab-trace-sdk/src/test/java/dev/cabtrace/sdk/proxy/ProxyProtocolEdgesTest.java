package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy at the edges of the protocol: line endings of event streams, content codings read by
 * the real curl, hop-by-hop headers. Encoded answers are made by independent encoders: the JDK for
 * gzip and deflate, Debian's {@code brotli} and {@code zstd} tools for br and zstd.
 */
@Timeout(120)
class ProxyProtocolEdgesTest {

  private static final String USAGE_JSON =
      "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":5210,\"completion_tokens\":388,\"total_tokens\":5598}}";
  private static final String USAGE_STREAM =
      "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
          + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
          + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":5210,\"completion_tokens\":388,\"total_tokens\":5598}}\n\n"
          + "data: [DONE]\n\n";

  @TempDir Path dir;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private ScriptedUpstream upstream;
  private CabTraceSdk sdk;
  private CellSpan container;
  private ModelCallRecordingProxy proxy;

  @BeforeEach
  void start() throws IOException {
    upstream = new ScriptedUpstream();
    sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("cell.jsonl")).addSpanExporter(spans).build();
    container = sdk.cellTracer().container("aider:run");
    proxy = ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer()).start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    container.close();
    sdk.close();
    upstream.close();
  }

  private List<SpanData> modelCalls(int expected) {
    return FinishedModelCalls.await(sdk, spans, expected);
  }

  private static void assertExactUsage(SpanData call) {
    assertThat(call.getAttributes().get(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(5210L);
    assertThat(call.getAttributes().get(CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(388L);
    assertThat(call.getAttributes().get(CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
    assertThat(call.getAttributes().get(CabAttributes.USAGE_UNREADABLE)).isNull();
  }

  @Test
  void aCarriageReturnOnlyEventStreamKeepsItsUsageEndToEnd() throws Exception {
    String crOnly = USAGE_STREAM.replace("\n", "\r");
    upstream.on("/v1/chat/completions", exchange -> ScriptedUpstream.stream(exchange, "text/event-stream", null,
        splitInto(ScriptedUpstream.utf8(crOnly), 7), 0));

    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.body()).isEqualTo(crOnly);
    assertExactUsage(modelCalls(1).get(0));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gzip", "deflate", "br", "zstd"})
  void compressedAnswersKeepTheirExactUsageThroughTheRealCurl(String coding) throws Exception {
    byte[] json = encode(coding, ScriptedUpstream.utf8(USAGE_JSON));
    byte[] stream = encode(coding, ScriptedUpstream.utf8(USAGE_STREAM));
    upstream.on("/plain/v1/chat/completions", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Content-Encoding", coding);
      exchange.sendResponseHeaders(200, json.length);
      exchange.getResponseBody().write(json);
    });
    upstream.on("/stream/v1/chat/completions", exchange ->
        ScriptedUpstream.stream(exchange, "text/event-stream", coding, splitInto(stream, 3), 20));

    String plain = curlCompressed("/plain/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}");
    String streamed = curlCompressed("/stream/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true}");

    assertThat(plain).isEqualTo(USAGE_JSON);
    assertThat(streamed).isEqualTo(USAGE_STREAM);
    assertThat(upstream.lastHeaders.get("/plain/v1/chat/completions").get("Accept-encoding").get(0))
        .as("curl --compressed asked for every coding, and the proxy passed that on").contains("br").contains("zstd");
    for (SpanData call : modelCalls(2)) {
      assertExactUsage(call);
    }
  }

  @Test
  void aBodyItCannotDecodeIsForwardedUnchangedAndMarkedUnreadable() throws Exception {
    byte[] unknown = ScriptedUpstream.utf8("\u0001\u0002not really compressed");
    byte[] corrupt = ScriptedUpstream.utf8("this is not brotli at all, even if the header says so");
    upstream.on("/unknown/v1/chat/completions", exchange -> {
      exchange.getResponseHeaders().set("Content-Encoding", "compress");
      exchange.sendResponseHeaders(200, unknown.length);
      exchange.getResponseBody().write(unknown);
    });
    upstream.on("/corrupt/v1/chat/completions", exchange -> {
      exchange.getResponseHeaders().set("Content-Encoding", "br");
      exchange.sendResponseHeaders(200, corrupt.length);
      exchange.getResponseBody().write(corrupt);
    });
    HttpClient client = HttpClient.newHttpClient();
    for (String path : List.of("/unknown", "/corrupt")) {
      HttpResponse<byte[]> response = client.send(
          HttpRequest.newBuilder(URI.create(proxy.baseUrl() + path + "/v1/chat/completions"))
              .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.body()).isEqualTo(path.equals("/unknown") ? unknown : corrupt);
    }

    List<SpanData> calls = modelCalls(2);
    assertThat(calls).allSatisfy(call -> {
      assertThat(call.getAttributes().get(CabAttributes.USAGE_UNREADABLE)).isTrue();
      assertThat(call.getAttributes().get(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    });
    assertThat(calls.get(0).getAttributes().get(CabAttributes.USAGE_UNREADABLE_REASON))
        .isEqualTo("content-encoding compress is not decoded");
    assertThat(calls.get(1).getAttributes().get(CabAttributes.USAGE_UNREADABLE_REASON))
        .startsWith("the br body could not be decoded");
  }

  @Test
  void theHeadersOfAStreamReachTheClientBeforeItsFirstByte() throws Exception {
    java.util.concurrent.CountDownLatch firstByte = new java.util.concurrent.CountDownLatch(1);
    upstream.on("/v1/chat/completions", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try {
        firstByte.await(); // a model thinking before it says anything
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      exchange.getResponseBody().write(ScriptedUpstream.utf8(USAGE_STREAM));
    });
    String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true}";

    try (java.net.Socket socket = RawHttp.send(proxy.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)) {
      String head;
      try {
        head = RawHttp.readHead(socket.getInputStream());
      } finally {
        firstByte.countDown();
      }

      assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("content-type: text/event-stream\r\n");
      assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("data: [DONE]");
    }
    assertExactUsage(modelCalls(1).get(0));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Transfer-Encoding: gzip, chunked", "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip"})
  void aRequestBodyInATransferCodingBesideChunkedIsRefusedNotForwardedStillCoded(String transferEncoding)
      throws Exception {
    upstream.on("/v1/chat/completions", exchange -> exchange.sendResponseHeaders(200, -1));
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(gzipped)) {
      gzip.write(ScriptedUpstream.utf8("{\"model\":\"gpt-4o-mini\"}"));
    }
    String body = new String(gzipped.toByteArray(), StandardCharsets.ISO_8859_1);

    String answer = RawHttp.exchange(proxy.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + transferEncoding + "\r\nConnection: close\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n" + body
        + "\r\n0\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 501 ").contains("transfer coding not supported");
    assertThat(upstream.lastHeaders).doesNotContainKey("/v1/chat/completions");
  }

  @Test
  void aChunkedRequestBodyIsForwardedWhateverTheCaseOfItsCoding() throws Exception {
    upstream.on("/v1/chat/completions", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, USAGE_JSON.length());
      exchange.getResponseBody().write(ScriptedUpstream.utf8(USAGE_JSON));
    });
    String body = "{\"model\":\"gpt-4o-mini\"}";

    String answer = RawHttp.exchange(proxy.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Transfer-Encoding:  Chunked \r\nConnection: close\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n"
        + body + "\r\n0\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith(USAGE_JSON);
    assertThat(modelCalls(1).get(0).getAttributes().get(CabAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
  }

  @Test
  void headersNamedInConnectionStayOnTheirHop() throws Exception {
    upstream.on("/v1/models", exchange -> {
      exchange.getResponseHeaders().set("Connection", "x-upstream-hop");
      exchange.getResponseHeaders().set("X-Upstream-Hop", "1");
      exchange.getResponseHeaders().set("X-End-To-End", "2");
      exchange.sendResponseHeaders(200, 2);
      exchange.getResponseBody().write(ScriptedUpstream.utf8("{}"));
    });

    Process curl = new ProcessBuilder("curl", "-sS", "-D", "-", "-o", "/dev/null",
        "-H", "Connection: x-client-hop", "-H", "X-Client-Hop: secret", "-H", "X-Kept: yes",
        proxy.baseUrl() + "/v1/models").redirectErrorStream(true).start();
    String headers = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).isZero();

    assertThat(headers).containsIgnoringCase("x-end-to-end: 2").doesNotContainIgnoringCase("x-upstream-hop");
    assertThat(upstream.lastHeaders.get("/v1/models")).containsKey("X-kept").doesNotContainKey("X-client-hop");
  }

  private String curlCompressed(String path, String body) throws Exception {
    Process curl = new ProcessBuilder("curl", "-sS", "--compressed", "-N", "-H", "Content-Type: application/json",
        "--data-binary", body, proxy.baseUrl() + path).redirectErrorStream(true).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).as("curl: %s", out).isZero();
    return out;
  }

  private byte[] encode(String coding, byte[] plain) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (coding) {
      case "gzip":
        try (OutputStream gzip = new GZIPOutputStream(out)) {
          gzip.write(plain);
        }
        return out.toByteArray();
      case "deflate":
        try (OutputStream deflate = new DeflaterOutputStream(out)) {
          deflate.write(plain);
        }
        return out.toByteArray();
      default:
        // Debian's brotli and zstd command-line tools (.ci/run installs them).
        Path input = Files.write(dir.resolve("plain-" + coding), plain);
        Process tool = (coding.equals("br")
            ? new ProcessBuilder("brotli", "-c", input.toString())
            : new ProcessBuilder("zstd", "-c", "-q", input.toString())).start();
        byte[] encoded = tool.getInputStream().readAllBytes();
        assertThat(tool.waitFor()).as("%s encoder", coding).isZero();
        return encoded;
    }
  }

  private static List<byte[]> splitInto(byte[] bytes, int parts) {
    List<byte[]> out = new ArrayList<>();
    int size = Math.max(1, (bytes.length + parts - 1) / parts);
    for (int i = 0; i < bytes.length; i += size) {
      out.add(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
    }
    return out;
  }
}
