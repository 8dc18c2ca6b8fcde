package dev.cabtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.replay.cli.CabTraceCli;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real OpenAI-compatible client (curl) in the cell, pointed at the recording proxy. */
class ModelProxyIT {

  private static final String KEY = "sk-test-SECRETKEY0123456789abcdef";

  @TempDir Path dir;

  @Test
  void everyCallBecomesAModelCallWithTheUpstreamsExactTokens() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AtomicLong inputSum = new AtomicLong();
    AtomicLong outputSum = new AtomicLong();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    upstream.createContext("/v1/chat/completions", exchange -> {
      exchange.getRequestBody().readAllBytes();
      int n = calls.incrementAndGet();
      long input = 1000L + 17 * n;
      long output = 50L + n;
      inputSum.addAndGet(input);
      outputSum.addAndGet(output);
      byte[] body = ("{\"id\":\"chatcmpl-" + n + "\",\"object\":\"chat.completion\",\"model\":\"gpt-5-mini-2025\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"answer " + n + "\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":" + input + ",\"completion_tokens\":" + output + ",\"total_tokens\":" + (input + output) + "}}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    upstream.start();
    Path capture = dir.resolve("cell.jsonl");
    try {
      int exit = ExampleCell.run(
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          "--out", capture.toString(),
          "--model-upstream", "http://127.0.0.1:" + upstream.getAddress().getPort(),
          "--", "sh", "-c",
          "for i in 1 2 3; do curl -sS -H 'Authorization: Bearer " + KEY + "' -H 'Content-Type: application/json'"
              + " \"$OPENAI_BASE_URL/chat/completions\" -d '{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}';"
              + " echo; done");
      assertThat(exit).isZero();
    } finally {
      upstream.stop(0);
    }

    Timeline timeline = TraceReader.create().read(capture);
    List<ModelCall> modelCalls = timeline.modelCalls();
    assertThat(modelCalls).hasSize(3);
    assertThat(timeline.tokens().input()).isEqualTo(inputSum.get());
    assertThat(timeline.tokens().output()).isEqualTo(outputSum.get());
    assertThat(modelCalls).allSatisfy(call -> {
      assertThat(call.span().kindName()).isEqualTo("model_call");
      assertThat(timeline.parent(call.span()).kindName()).isEqualTo("container");
      assertThat(call.responseModel()).isEqualTo("gpt-5-mini-2025");
    });
    // The client got exactly what the upstream answered.
    String output = timeline.frame(timeline.durationNanos()).output().text("stdout");
    assertThat(output).contains("\"content\":\"answer 1\"").contains("\"content\":\"answer 3\"");

    ByteArrayOutputStream tokens = new ByteArrayOutputStream();
    assertThat(CabTraceCli.run(new PrintStream(tokens, true, StandardCharsets.UTF_8), System.err, "tokens", capture.toString(), "--json")).isZero();
    JsonNode total = new ObjectMapper().readTree(tokens.toString(StandardCharsets.UTF_8)).get("total");
    assertThat(total.get("input").asLong()).isEqualTo(inputSum.get());
    assertThat(total.get("output").asLong()).isEqualTo(outputSum.get());
    assertThat(total.get("calls").asLong()).isEqualTo(3);
    assertThat(Files.readString(capture)).doesNotContain(KEY).doesNotContain("SECRETKEY");
  }
}
