package dev.cabtrace.replay.page;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.internal.ParallelChunks;
import dev.cabtrace.replay.ledger.CellScore;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's data of a trace big enough to be written in chunks on several threads is byte for
 * byte what one thread writes, attribute keys numbered in the order they first come in the spans
 * though new keys turn up in chunk after chunk (each such chunk is written again in its turn).
 */
class PageDataInChunksTest {

  private static final int SPANS = 3 * ParallelChunks.PARALLEL_FROM + 777;

  @TempDir static Path dir;
  static Path file;

  @BeforeAll
  static void writeTrace() throws IOException {
    file = dir.resolve("chunks.jsonl");
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int n = 0; n < SPANS; n++) {
        // A key first met every 3,000 spans, so in most chunks; some lists not plain (é, a double).
        String attributes = "[" + attribute("k" + n / 3_000, "{\"intValue\":\"" + n + "\"}")
            + (n % 4 == 0 ? "," + attribute("cab.span.kind", "{\"stringValue\":\"" + (n % 8 == 0 ? "model_call" : "tool_call") + "\"}")
                + "," + attribute("gen_ai.usage.input_tokens", "{\"intValue\":\"" + n + "\"}") : "")
            + (n % 7 == 0 ? "," + attribute("caf\u00e9" + n / 5_000, "{\"doubleValue\":" + n + ".5}") : "")
            + (n % 5 == 0 ? "," + attribute("html", "{\"stringValue\":\"</script> " + n + "\"}") : "") + "]";
        long start = 1_700_000_000_000_000_000L + n * 1_000_000L;
        out.write("{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},"
            + "\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"" + String.format("%016x", n + 1)
            + "\"," + (n % 10 == 0 ? "" : "\"parentSpanId\":\"" + String.format("%016x", n / 10 * 10 + 1) + "\",")
            + "\"name\":\"s" + n + "\",\"kind\":1,\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\""
            + (start + (n % 10 == 0 ? 20_000_000L : 500_000L)) + "\",\"attributes\":" + attributes
            + ",\"status\":" + (n % 13 == 0 ? "{\"code\":2,\"message\":\"m" + n + "\"}" : "{}") + "}]}]}]}\n");
      }
    }
  }

  private static String attribute(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":" + value + "}";
  }

  private static String data(Timeline timeline, ParallelChunks chunks) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PageData.write(out, timeline, timeline.source(), CellAxes.of(CellScore.of(timeline)), null, null,
        dev.cabtrace.replay.timeline.ReplayCursor.DEFAULT_TICK_NANOS, chunks);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theDataIsWhatOneThreadWrites() throws IOException {
    Timeline timeline = TraceReader.builder().build().read(file);
    assertThat(timeline.warnings()).isEmpty();
    String one = data(timeline, ParallelChunks.of(1));

    assertThat(data(timeline, ParallelChunks.of(3))).isEqualTo(one);
    assertThat(data(timeline, ParallelChunks.of(2))).isEqualTo(one);
    JsonNode document = new ObjectMapper().readTree(one);
    JsonNode keys = document.at("/spans/attrKeys");
    assertThat(keys.get(0).asText()).isEqualTo("k0");
    assertThat(keys).hasSizeGreaterThan(SPANS / 3_000);
    JsonNode attrs = document.at("/spans/attrs");
    assertThat(attrs).hasSize(SPANS);
    for (int n : new int[] {0, 9_001, SPANS - 1}) {
      JsonNode first = attrs.get(n);
      assertThat(keys.get(first.get(0).asInt()).asText()).isEqualTo("k" + n / 3_000);
      assertThat(first.get(1).asLong()).isEqualTo(n);
    }
    assertThat(document.at("/calls/count").asInt()).isEqualTo((SPANS + 7) / 8);
    assertThat(CellPage.create(timeline).html()).contains(one);
  }
}
