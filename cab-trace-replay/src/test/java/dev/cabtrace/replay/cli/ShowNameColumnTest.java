package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code show}'s span table keeps its Name column narrow whatever a trace names its spans. */
class ShowNameColumnTest {

  @TempDir Path dir;

  /** One OTLP line holding one span. */
  private static String line(String spanId, String parentId, String name, long start, long end) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},\"spans\":[{"
        + "\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"" + spanId + "\""
        + (parentId == null ? "" : ",\"parentSpanId\":\"" + parentId + "\"")
        + ",\"name\":\"" + name + "\",\"kind\":1,\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\"" + end
        + "\",\"attributes\":[],\"status\":{}}]}]}]}";
  }

  @Test
  void aLongNameIsCutInItsCellNotWideningEveryRow() throws IOException {
    String longName = "n".repeat(100_000);
    // A character of two chars where the cut falls: cut before it, not through it.
    String astral = "a".repeat(58) + "\uD83D\uDE00" + "tail";
    Path file = Files.writeString(dir.resolve("names.jsonl"),
        line("0000000000000001", null, longName, 1000, 2000) + "\n"
            + line("0000000000000002", "0000000000000001", "short", 1100, 1200) + "\n"
            + line("0000000000000003", "0000000000000001", astral, 1300, 1400) + "\n");

    CliRun.Result result = CliRun.run("show", file.toString());

    assertThat(result.exit()).as(result.err()).isZero();
    List<String> rows = result.out().lines().filter(row -> row.startsWith("000") || row.contains("↳ 000")).toList();
    assertThat(rows).hasSize(3);
    assertThat(result.out().lines()).allSatisfy(row -> assertThat(row.length()).isLessThan(300));
    assertThat(rows.get(0)).contains("n".repeat(59) + "…  ").doesNotContain("n".repeat(60));
    assertThat(rows.get(2)).contains("a".repeat(58) + "…  ").doesNotContain("\uD83D");
    // The column is as wide as its widest cut cell: the next column starts at one place in every row.
    assertThat(rows).allSatisfy(row -> assertThat(row.indexOf(" ms")).isEqualTo(rows.get(0).indexOf(" ms")));
  }
}
