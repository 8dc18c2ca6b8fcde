package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official {@code openai} npm client streams a chat completion through the proxy from an
 * upstream that ends its event-stream lines with LF, CRLF or a lone CR (all valid SSE, all read by
 * the client): the client reads the same content and usage, and the span holds the exact usage.
 */
@Timeout(300)
class ProxyOpenAiClientIT {

  private static final Path CLIENT_SOURCES = Path.of("src/test/node/openai-client");
  private static final Path CLIENT = Path.of("target/node-openai-client");
  private static final String STREAM =
      "data: {\"id\":\"chatcmpl-B1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
          + "data: {\"id\":\"chatcmpl-B1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
          + ": keep-alive\n\n"
          + "data: {\"id\":\"chatcmpl-B1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
          + "data: {\"id\":\"chatcmpl-B1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",\"choices\":[],\"usage\":{\"prompt_tokens\":5210,\"completion_tokens\":388,\"total_tokens\":5598}}\n\n"
          + "data: [DONE]\n\n";

  @TempDir Path dir;

  @BeforeAll
  static void installTheOfficialClient() throws Exception {
    Files.createDirectories(CLIENT);
    for (String file : List.of("package.json", "stream.mjs")) {
      Files.copy(CLIENT_SOURCES.resolve(file), CLIENT.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.isDirectory(CLIENT.resolve("node_modules/openai"))) {
      return;
    }
    Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
        .directory(CLIENT.toFile()).redirectErrorStream(true).start();
    String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(npm.waitFor(240, TimeUnit.SECONDS)).as("npm install finished").isTrue();
    assertThat(npm.exitValue()).as("npm install: %s", log).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"LF", "CRLF", "CR"})
  void theOfficialClientReadsEveryLineEndingThroughTheProxyAndTheUsageIsRecorded(String ending) throws Exception {
    String eol = ending.equals("LF") ? "\n" : ending.equals("CRLF") ? "\r\n" : "\r";
    byte[] body = STREAM.replace("\n", eol).getBytes(StandardCharsets.UTF_8);
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    String printed;
    try (ScriptedUpstream upstream = new ScriptedUpstream().on("/v1/chat/completions", exchange ->
            ScriptedUpstream.stream(exchange, "text/event-stream", null, List.of(body), 0));
        CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(dir.resolve("cell.jsonl")).addSpanExporter(spans)
            .setEnvironment(Map.of()).build()) {
      try (CellSpan container = sdk.cellTracer().container("node:run");
          ModelCallRecordingProxy proxy = ModelCallRecordingProxy.builder(upstream.uri(), sdk.cellTracer()).start()) {
        ProcessBuilder node = new ProcessBuilder("node", CLIENT.resolve("stream.mjs").toAbsolutePath().toString())
            .redirectErrorStream(true);
        node.environment().put("OPENAI_BASE_URL", proxy.baseUrl() + "/v1");
        Process process = node.start();
        printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(printed).isZero();
      }
      sdk.flush();
      assertThat(printed).isEqualTo(
          "{\"content\":\"Hello\",\"finish\":\"stop\",\"usage\":{\"prompt_tokens\":5210,\"completion_tokens\":388,\"total_tokens\":5598}}");
      SpanData call = spans.getFinishedSpanItems().stream()
          .filter(s -> "model_call".equals(s.getAttributes().get(CabAttributes.SPAN_KIND))).findFirst().orElseThrow();
      assertThat(call.getAttributes().get(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(5210L);
      assertThat(call.getAttributes().get(CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(388L);
      assertThat(call.getAttributes().get(CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
      assertThat(call.getAttributes().get(CabAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo("gpt-4o-mini-2024-07-18");
    }
  }
}
