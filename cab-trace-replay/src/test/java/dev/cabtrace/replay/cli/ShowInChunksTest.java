package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.internal.ParallelChunks;
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
 * {@code show} and {@code show --json} of a trace big enough to be written in chunks on several
 * threads are byte for byte what one thread writes: spans of every depth, model calls, failed
 * spans, names to cut, attributes plain and not, read back from the file as they are asked for.
 */
class ShowInChunksTest {

  private static final int ROOTS = 400;
  private static final int CHILDREN = 12;
  private static final int GRANDCHILDREN = 10;

  @TempDir static Path dir;
  static Path file;
  static int spans;

  @BeforeAll
  static void writeTrace() throws IOException {
    file = dir.resolve("chunks.jsonl");
    int n = 0;
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int r = 0; r < ROOTS; r++) {
        int root = n++;
        long rootStart = r * 2_000_000_000L;
        for (int c = 0; c < CHILDREN; c++) {
          int child = n++;
          long childStart = rootStart + c * 100_000_000L + 1;
          for (int g = 0; g < GRANDCHILDREN; g++) {
            int grandchild = n++;
            out.write(span(grandchild, child, childStart + g * 1_000_000L + 1, 50_000 + grandchild, grandchildAttributes(grandchild)));
          }
          out.write(span(child, root, childStart, 90_000_000L, "[" + attribute("cab.span.kind", "\"tool_call\"") + "]"));
        }
        out.write(span(root, -1, rootStart, 1_900_000_000L, "[" + attribute("cab.span.kind", "\"adapter_run\"") + "]"));
      }
    }
    spans = n;
  }

  private static String grandchildAttributes(int n) {
    switch (n % 5) {
      case 0:
      case 3:
        return "[" + attribute("cab.span.kind", "\"model_call\"") + "," + attribute("gen_ai.request.model", "\"m-" + n % 3 + "\"")
            + "," + attributeInt("gen_ai.usage.input_tokens", n) + "," + attributeInt("gen_ai.usage.output_tokens", n % 97)
            + "," + attribute("cab.request_hash", "\"" + Integer.toHexString(n * 31) + "abcdef0123456789\"")
            + ",{\"key\":\"gen_ai.response.finish_reasons\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"stop\"}]}}}]";
      case 1:
        return "[" + attribute("caf\u00e9 \u2192 " + n, "\"not plain: \u00e9\\\"\\\\\"") + "]";
      case 2:
        return "[" + attribute("text", "\"" + "long value ".repeat(n % 30) + "\"") + "," + attributeInt("n", n) + "]";
      default:
        return n % 2 == 0 ? "[]" : "[" + attribute("html", "\"</script> & <b>\"") + ",{\"key\":\"d\",\"value\":{\"doubleValue\":" + n + ".5}}]";
    }
  }

  private static String attribute(String key, String jsonString) {
    return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":" + jsonString + "}}";
  }

  private static String attributeInt(String key, long value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"intValue\":\"" + value + "\"}}";
  }

  private static String span(int n, int parent, long startNanos, long durationNanos, String attributes) {
    long start = 1_700_000_000_000_000_000L + startNanos;
    String name = n % 11 == 0 ? "a name past the column's width, with \u00e9 and \u4e2d, " + "z".repeat(n % 40) : "s" + n;
    String status = n % 13 == 0 ? "{\"code\":2,\"message\":\"failed \\u001b[31m" + n + "\"}" : "{}";
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[" + attribute("cab.cell_id", "\"cell\"")
        + "]},\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\","
        + "\"spanId\":\"" + id(n) + "\"," + (parent < 0 ? "" : "\"parentSpanId\":\"" + id(parent) + "\",")
        + "\"name\":\"" + name + "\",\"kind\":1,\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\""
        + (start + durationNanos) + "\",\"attributes\":" + attributes + ",\"status\":" + status + "}]}]}]}\n";
  }

  private static String id(int n) {
    return String.format("%08x%08x", 0x5eed, n + 1);
  }

  @Test
  void theTablesAreWhatOneThreadWrites() throws IOException {
    assertThat(spans).isGreaterThan(2 * ParallelChunks.PARALLEL_FROM);
    Timeline timeline = TraceReader.builder().build().read(file);
    ByteArrayOutputStream one = new ByteArrayOutputStream();
    TraceTables.show(timeline, one, ParallelChunks.of(1));
    ByteArrayOutputStream three = new ByteArrayOutputStream();
    TraceTables.show(timeline, three, ParallelChunks.of(3));

    String text = one.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("Trace spans (" + spans + ")", "Model calls (" + timeline.modelCalls().size() + ")", "ERROR failed", "…", "caf\u00e9");
    assertThat(timeline.modelCalls()).hasSizeGreaterThan(ParallelChunks.PARALLEL_FROM);
    assertThat(text).doesNotContain("Warnings (");
    assertThat(three.toString(StandardCharsets.UTF_8)).isEqualTo(text);
    assertThat(CliRun.run("show", file.toString()).out()).isEqualTo(text);
  }

  @Test
  void theJsonIsWhatOneThreadWrites() throws IOException {
    Timeline timeline = TraceReader.builder().build().read(file);
    ByteArrayOutputStream one = new ByteArrayOutputStream();
    TimelineJson.show(timeline, one, ParallelChunks.of(1));
    ByteArrayOutputStream three = new ByteArrayOutputStream();
    TimelineJson.show(timeline, three, ParallelChunks.of(3));

    String json = one.toString(StandardCharsets.UTF_8);
    com.fasterxml.jackson.databind.JsonNode document = new ObjectMapper().readTree(json);
    assertThat(document.get("spans")).hasSize(spans);
    assertThat(document.get("modelCalls")).hasSize(timeline.modelCalls().size());
    assertThat(three.toString(StandardCharsets.UTF_8)).isEqualTo(json);
    assertThat(CliRun.run("show", file.toString(), "--json").out()).isEqualTo(json);
  }
}
