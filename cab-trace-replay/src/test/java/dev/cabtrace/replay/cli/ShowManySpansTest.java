package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code show} and {@code show --json} on a trace of thousands of spans: every span once, children
 * under their parents in start order (the JSON in start order), each with its own attributes; the
 * file lists each span after its children, as an exporter does.
 */
class ShowManySpansTest {

  private static final int ROOTS = 40;
  private static final int CHILDREN = 20;
  private static final int GRANDCHILDREN = 15;

  @TempDir Path dir;

  @Test
  void everySpanIsShownOnceUnderItsParentWithItsOwnAttributes() throws IOException {
    List<String> lines = new ArrayList<>();
    List<String> treeOrder = new ArrayList<>();
    int n = 0;
    for (int r = 0; r < ROOTS; r++) {
      String root = id(n);
      treeOrder.add(root);
      List<String> rootLines = new ArrayList<>();
      rootLines.add(span(n++, root, null, r * 1_000_000_000L));
      for (int c = 0; c < CHILDREN; c++) {
        String child = id(n);
        treeOrder.add(child);
        rootLines.add(span(n++, child, root, r * 1_000_000_000L + c * 10_000_000L));
        for (int g = 0; g < GRANDCHILDREN; g++) {
          treeOrder.add(id(n));
          rootLines.add(span(n++, id(n - 1), child, r * 1_000_000_000L + c * 10_000_000L + g * 100_000L + 1));
        }
      }
      Collections.reverse(rootLines); // a span ends, and is exported, after its children
      lines.addAll(rootLines);
    }
    assertThat(n).isGreaterThan(12_000);
    Path file = dir.resolve("many.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);

    CliRun.Result result = CliRun.run("show", file.toString());

    assertThat(result.exit()).as(result.err()).isZero();
    List<String> out = List.of(result.out().split("\n"));
    int header = out.indexOf(out.stream().filter(line -> line.startsWith("Span ")).findFirst().orElseThrow());
    List<String> spanLines = out.subList(header + 1, header + 1 + n);
    List<String> shownIds = new ArrayList<>();
    for (String line : spanLines) {
      String id = line.replace("↳", " ").strip().substring(0, 16);
      shownIds.add(id);
      int index = Integer.parseInt(id.substring(8), 16);
      assertThat(line).as("line of span %d", index).endsWith("{\"i\":" + index + "}");
      int depth = treeDepth(index);
      assertThat(line).as("line of span %d", index).startsWith("  ".repeat(depth) + (depth > 0 ? "↳ " : "") + id);
    }
    assertThat(shownIds).isEqualTo(treeOrder);
    assertThat(out.get(header + 1 + n)).isEmpty();

    CliRun.Result json = CliRun.run("show", file.toString(), "--json");
    assertThat(json.exit()).as(json.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode spans = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(json.out()).get("spans");
    assertThat(spans).hasSize(n);
    java.util.Set<String> seen = new java.util.HashSet<>();
    long lastStart = -1;
    for (com.fasterxml.jackson.databind.JsonNode span : spans) {
      String id = span.get("spanId").asText();
      assertThat(seen.add(id)).as("span %s once", id).isTrue();
      assertThat(span.get("attributes").get("i").asInt()).isEqualTo(Integer.parseInt(id.substring(8), 16));
      assertThat(span.get("startMs").asDouble()).isGreaterThanOrEqualTo(lastStart);
      lastStart = (long) span.get("startMs").asDouble();
    }
  }

  /** The depth of the span numbered {@code n}: its place in its root's run of spans says it. */
  private static int treeDepth(int n) {
    int inRoot = n % (1 + CHILDREN * (1 + GRANDCHILDREN));
    return inRoot == 0 ? 0 : (inRoot - 1) % (1 + GRANDCHILDREN) == 0 ? 1 : 2;
  }

  private static String id(int n) {
    return String.format("%08x%08x", 0xabcdef, n);
  }

  private static String span(int n, String id, String parent, long startNanos) {
    long start = 1_700_000_000_000_000_000L + startNanos;
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},"
        + "\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"" + id + "\","
        + (parent == null ? "" : "\"parentSpanId\":\"" + parent + "\",")
        + "\"name\":\"s" + n + "\",\"kind\":1,\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\""
        + (start + 50_000) + "\",\"attributes\":[{\"key\":\"i\",\"value\":{\"intValue\":\"" + n + "\"}}],\"status\":{}}]}]}]}";
  }
}
