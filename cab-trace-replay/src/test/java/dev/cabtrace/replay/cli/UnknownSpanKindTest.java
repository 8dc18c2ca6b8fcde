package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.page.CellPage;
import dev.cabtrace.replay.read.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kind column shows {@code cab.span.kind} when it is a phase cab-trace knows, and the attribute
 * is then left out of the attributes; a kind it does not know shows as {@code unknown}, and the
 * recorded value stays among the attributes, where the table and the page show it.
 */
class UnknownSpanKindTest {

  @TempDir Path dir;

  private static String line(String spanId, String kind, String otherValue) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},\"spans\":[{"
        + "\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"" + spanId + "\""
        + ",\"name\":\"s" + spanId.charAt(15) + "\",\"kind\":1,\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"2000\""
        + ",\"attributes\":[{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"" + kind + "\"}},"
        + "{\"key\":\"other\",\"value\":{\"stringValue\":\"" + otherValue + "\"}}],\"status\":{}}]}]}]}";
  }

  @Test
  void aKindCabTraceDoesNotKnowStaysAnAttribute() throws IOException {
    // "plain" attributes are written from their bytes, others (a quote in a value) from their map.
    Path file = Files.writeString(dir.resolve("kinds.jsonl"), String.join("\n",
        line("0000000000000001", "tool_call", "plain"),
        line("0000000000000002", "sandbox_boot", "plain"),
        line("0000000000000003", "sandbox_boot", "a \\\"quote\\\""),
        line("0000000000000004", "tool_call", "a \\\"quote\\\"")) + "\n");

    CliRun.Result result = CliRun.run("show", file.toString());

    assertThat(result.exit()).as(result.err()).isZero();
    List<String> rows = result.out().lines().filter(row -> row.startsWith("000")).toList();
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0)).contains("tool_call").endsWith("{\"other\":\"plain\"}");
    assertThat(rows.get(1)).contains("unknown").endsWith("{\"cab.span.kind\":\"sandbox_boot\",\"other\":\"plain\"}");
    assertThat(rows.get(2)).contains("unknown")
        .endsWith("{\"cab.span.kind\":\"sandbox_boot\",\"other\":\"a \\\"quote\\\"\"}");
    assertThat(rows.get(3)).contains("tool_call").endsWith("{\"other\":\"a \\\"quote\\\"\"}");

    String page = CellPage.create(TraceReader.create().read(file)).html();
    assertThat(page).contains("\"attrs\":[[0,\"plain\"],[1,\"sandbox_boot\",0,\"plain\"],[1,\"sandbox_boot\",0,")
        .contains("\"attrKeys\":[\"other\",\"cab.span.kind\"]");
  }
}
