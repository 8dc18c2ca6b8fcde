package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.fieldValues;
import static dev.cabtrace.replay.cli.CliRun.fixtureIn;
import static dev.cabtrace.replay.cli.CliRun.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.cli.CliRun.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end, through its main entry point, on real files. */
class CabTraceCliTest {

  @TempDir Path dir;

  @Test
  void showJsonOfATraceChangedWhileItIsWrittenIsLeftCutNotClosedIntoAWholeDocument() throws IOException {
    // Two spans whose attributes each take more than the window they are read back through: once
    // the trace has changed, the rest of the document reads them from the file again.
    Path trace = fixtureIn(dir, "seed-cell.otlp.jsonl");
    String padding = "x".repeat(1_200_000);
    for (String spanId : List.of("00000000000000aa", "00000000000000ab")) {
      Files.writeString(trace, "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":["
          + "{\"traceId\":\"bbff3415624849ccae3d4dd5f4b6b86a\",\"spanId\":\"" + spanId + "\",\"name\":\"padded\","
          + "\"startTimeUnixNano\":\"1781680663106812000\",\"endTimeUnixNano\":\"1781680663107812000\","
          + "\"attributes\":[{\"key\":\"padding\",\"value\":{\"stringValue\":\"" + padding + "\"}}]}]}]}]}\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }
    byte[] blanked = Files.readAllBytes(trace);
    for (int i = 0; i < blanked.length; i++) {
      blanked[i] = blanked[i] == '\n' ? (byte) '\n' : (byte) ' ';
    }
    // When the document's first bytes arrive, the trace is rewritten: the same length, nothing it held.
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    java.io.OutputStream stdout = new java.io.OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (written.size() == 0) {
          Files.write(trace, blanked);
        }
        written.write(b, off, len);
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = CabTraceCli.run(new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), "show", trace.toString(), "--json");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("cab-trace: the trace file changed since it was read");
    String document = written.toString(StandardCharsets.UTF_8);
    assertThat(document).startsWith("{").doesNotEndWith("}\n").doesNotEndWith("}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ObjectMapper().readTree(document))
        .isInstanceOf(IOException.class);
  }

  @Test
  void showNamesTheFirstFewTracesOfManyAndCountsTheRest() throws IOException {
    Path trace = dir.resolve("many-traces.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int t = 1; t <= 7; t++) {
      lines.append("{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[")
          .append("{\"traceId\":\"").append(String.format("%032x", t)).append("\",\"spanId\":\"")
          .append(String.format("%016x", t)).append("\",\"name\":\"s").append(t)
          .append("\",\"startTimeUnixNano\":\"").append(1_000_000_000L * t).append("\",\"endTimeUnixNano\":\"")
          .append(1_000_000_000L * t + 5).append("\"}]}]}]}\n");
    }
    Files.writeString(trace, lines);

    Result result = run("show", trace.toString());

    assertThat(result.exit()).isZero();
    assertThat(result.out().lines().filter(line -> line.startsWith("Trace ")).findFirst()).hasValue(
        "Trace " + String.format("%032x, %032x, %032x, %032x, %032x", 1, 2, 3, 4, 5) + " and 2 more · 7 spans · duration 6.00 s");
  }

  @Test
  void showPrintsTheSeedTablesWithChildrenIndented() throws IOException {
    Result result = run("show", fixtureIn(dir, "seed-cell.otlp.jsonl").toString());

    assertThat(result.exit()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out())
        .contains("Trace spans (5)")
        .contains("Span                  Kind         Name")
        .containsPattern("bbff3415624849cc +task_setup +prepare:polyglot/rust-error-handling +0 ms +1 ms")
        .containsPattern("  ↳ 6d6affe2ef5c48b6 +container +openhands:run +1 ms +85455 ms")
        .containsPattern("867ff73c6155414a +adapter_run .* 85456 ms")
        .contains("Per-call token capture is not available for this run.")
        .contains("Duration 85.46 s");
    // Children come right under their parent.
    String out = result.out();
    assertThat(out.indexOf("867ff73c6155414a")).isLessThan(out.indexOf("d072eb449df94f91"));
    assertThat(out.indexOf("6d6affe2ef5c48b6")).isLessThan(out.indexOf("b1b051dc6c754109"));
  }

  @Test
  void showJsonIsOneDocumentWithSpansTokensDurationAndWarnings() throws IOException {
    Result result = run("show", fixtureIn(dir, "aider-cell.official-otlp-stdout-1.63.jsonl").toString(), "--json");

    assertThat(result.exit()).isZero();
    String json = result.out();
    assertThat(fieldValues(json, "name")).contains("aider:run", "cleanup:aider");
    JsonNode document = new ObjectMapper().readTree(json);
    assertThat(document.at("/tokens/input").asLong()).isEqualTo(11254);
    assertThat(document.at("/tokens/output").asLong()).isEqualTo(508);
    assertThat(document.at("/tokens/total").asLong()).isEqualTo(11762);
    assertThat(document.at("/tokens/calls").asLong()).isEqualTo(2);
    assertThat(document.at("/durationMs").asDouble()).isEqualTo(12530.0);
    // The fixture parents adapter_run and cleanup to task_setup, which ended long before them.
    assertThat(document.at("/warnings").size()).isEqualTo(2);
    assertThat(document.at("/warnings/0").asText()).contains("runs outside its parent");
    assertThat(document.at("/modelCalls").size()).isEqualTo(2);
    JsonNode container = document.at("/spans/2");
    assertThat(container.get("name").asText()).isEqualTo("aider:run");
    assertThat(container.get("parentSpanId").asText()).isEqualTo("ad333935d043d29a");
    assertThat(container.get("status").asText()).isEqualTo("ERROR");
    assertThat(container.at("/attributes/process.exit.code").asLong()).isEqualTo(1);
    assertThat(container.at("/attributes/container.command_args").isArray()).isTrue();
    assertThat(container.get("startMs").asDouble()).isEqualTo(7.0);
  }

  @Test
  void frameJsonSaysWhatIsActiveAndTheTokensSoFar() throws IOException {
    Path trace = fixtureIn(dir, "aider-cell.official-otlp-stdout-1.63.jsonl");
    Result result = run("frame", trace.toString(), "--at", "3.5s", "--json");

    assertThat(result.exit()).isZero();
    assertThat(fieldValues(result.out(), "name")).containsExactly("aider:python/flaky-retry", "aider:run");
    assertThat(result.out()).contains("\"modelCallsFinished\" : 1").contains("\"input\" : 5210");

    Result text = run("frame", trace.toString(), "--at", "3500ms");
    assertThat(text.out()).contains("t = 3 500 ms / 12.53 s").contains("Active (2)").contains("tokens so far: in 5210");
  }

  @Test
  void tokensPrintsTheLedgerPerCellAndModel() throws IOException {
    Result result = run("tokens", fixtureIn(dir, "aider-cell.official-otlp-stdout-1.63.jsonl").toString());

    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .containsPattern("sample-sweep/aider/gpt-5-mini/python/flaky-retry +2 +11254 +508")
        .containsPattern("gpt-5-mini +2 +11254 +508 +0 +0 +11762")
        .contains("Total: 11254 prompt + 508 completion = 11762 tokens over 2 call(s)");
  }

  @Test
  void showCutsLongAttributesAfterTheErrorAndWritesCountsAndFlagsAsJson() throws IOException {
    String longValue = "x".repeat(300);
    String trace = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\","
        + "\"name\":\"tool\",\"kind\":1,\"startTimeUnixNano\":\"1000000\",\"endTimeUnixNano\":\"3000000\","
        + "\"status\":{\"code\":2,\"message\":\"boom\"},"
        + "\"attributes\":[{\"key\":\"count\",\"value\":{\"intValue\":\"12345678901\"}},"
        + "{\"key\":\"ok\",\"value\":{\"boolValue\":false}},"
        + "{\"key\":\"long\",\"value\":{\"stringValue\":\"" + longValue + "\"}}]}]}]}]}\n";
    Path file = Files.writeString(dir.resolve("long.jsonl"), trace);

    String out = run("show", file.toString()).out();

    String attributes = "{\"count\":12345678901,\"ok\":false,\"long\":\"" + longValue + "\"}";
    String shown = "ERROR boom " + attributes.substring(0, 159) + "…";
    String line = out.lines().filter(l -> l.startsWith("0000000000000001")).findFirst().orElseThrow();
    assertThat(line).endsWith("  " + shown).contains(" 2 ms ");
  }

  @Test
  void showPrintsTheModelCallTableWithItsColumnsPaddedToTheWidestCell() throws IOException {
    String trace = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":["
        + "{\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\",\"name\":\"chat\","
        + "\"kind\":3,\"startTimeUnixNano\":\"1781680663108812000\",\"endTimeUnixNano\":\"1781680664342812000\","
        + "\"attributes\":[{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"model_call\"}},"
        + "{\"key\":\"cab.request_hash\",\"value\":{\"stringValue\":\"sha256:0123456789abcdef\"}},"
        + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"11630\"}},"
        + "{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":\"783\"}},"
        + "{\"key\":\"gen_ai.response.finish_reasons\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"stop\"}]}}}]},"
        + "{\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000002\",\"name\":\"chat\","
        + "\"kind\":3,\"startTimeUnixNano\":\"1781680665000000000\",\"endTimeUnixNano\":\"1781680665056900000\","
        + "\"attributes\":[{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"model_call\"}},"
        + "{\"key\":\"gen_ai.response.finish_reasons\",\"value\":{\"arrayValue\":{\"values\":["
        + "{\"stringValue\":\"length\"},{\"stringValue\":\"stop\"}]}}}]}]}]}]}\n";
    Path file = Files.writeString(dir.resolve("calls.jsonl"), trace);

    String out = run("show", file.toString()).out();

    // Widths by hand: the widest cell of each column but the last, then two spaces.
    int[] widths = {1, 27, 13, 6, 10, 7};
    String table = String.join("\n",
        "Model calls (2)",
        callLine(widths, "#", "Timestamp", "Request hash", "Prompt", "Completion", "Latency", "Finish"),
        callLine(widths, "1", "2026-06-17T07:17:43.108812Z", "sha256:01234…", "11630", "783", "1234 ms", "stop"),
        callLine(widths, "2", "2026-06-17T07:17:45Z", "-", "?", "?", "56 ms", "length,stop"),
        callLine(widths, "", "total", "", "11630", "783", "1290 ms", "1 call(s) without usage"));
    assertThat(out).contains(table + "\n");
  }

  private static String callLine(int[] widths, String... cells) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length - 1; c++) {
      line.append(cells[c]).append(" ".repeat(widths[c] + 2 - cells[c].length()));
    }
    return line.append(cells[cells.length - 1]).toString();
  }

  @Test
  void versionIsTheBuildsVersion() throws IOException {
    Result result = run("--version");
    assertThat(result.exit()).isZero();
    assertThat(result.out()).startsWith("cab-trace ").doesNotContain("unknown");
    String version = result.out().strip().substring("cab-trace ".length());
    assertThat(Files.readString(Path.of("pom.xml"))).contains("<version>" + version + "</version>");
  }

  @Test
  void tokensPerCorrectTaskDividesByTheRecordedPasses() throws IOException {
    String line = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"cab.cell_id\",\"value\":{\"stringValue\":\"s/aider/m/t\"}}]},"
        + "\"scopeSpans\":[{\"spans\":["
        + "{\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\",\"name\":\"run\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"100\","
        + "\"attributes\":[{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"adapter_run\"}},{\"key\":\"cab.pass\",\"value\":{\"boolValue\":true}}]},"
        + "{\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000002\",\"parentSpanId\":\"0000000000000001\",\"name\":\"chat m\",\"startTimeUnixNano\":\"2\",\"endTimeUnixNano\":\"50\","
        + "\"attributes\":[{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"m\"}},{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"900\"}},{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":\"100\"}}]}"
        + "]}]}]}\n";
    Path file = Files.writeString(dir.resolve("pass.jsonl"), line);

    Result result = run("tokens", file.toString(), "--json");

    JsonNode cell = new ObjectMapper().readTree(result.out()).at("/cells/0");
    assertThat(cell.get("cell").asText()).isEqualTo("s/aider/m/t");
    assertThat(cell.get("total").asLong()).isEqualTo(1000);
    assertThat(cell.get("passes").asLong()).isEqualTo(1);
    assertThat(cell.get("tokensPerCorrectTask").asLong()).isEqualTo(1000);
  }

  @Test
  void tokensCountsACallDeclaredByTheProxyOnceBesideTheAgentsOwnGenAiSpanForIt() throws IOException {
    String usage = "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"m\"}},"
        + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"900\"}},"
        + "{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":\"100\"}}";
    String line = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"cab.cell_id\",\"value\":{\"stringValue\":\"s/aider/m/t\"}}]},"
        + "\"scopeSpans\":[{\"spans\":["
        + "{\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000002\",\"name\":\"chat m\",\"startTimeUnixNano\":\"2\",\"endTimeUnixNano\":\"50\","
        + "\"attributes\":[{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"model_call\"}}," + usage + "]},"
        + "{\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000003\",\"name\":\"chat m\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"60\","
        + "\"attributes\":[" + usage + "]}"
        + "]}]}]}\n";
    Path file = Files.writeString(dir.resolve("twice.jsonl"), line);

    JsonNode ledger = new ObjectMapper().readTree(run("tokens", file.toString(), "--json").out());

    assertThat(ledger.at("/total/total").asLong()).isEqualTo(1000);
    assertThat(ledger.at("/total/calls").asLong()).isEqualTo(1);
    assertThat(ledger.at("/cells/0/calls").asLong()).isEqualTo(1);
    assertThat(ledger.at("/models/0/calls").asLong()).isEqualTo(1);
    assertThat(new ObjectMapper().readTree(run("show", file.toString(), "--json").out()).get("modelCalls")).hasSize(1);
  }
}
