package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.cli.CliRun.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end, through its main entry point, on real files. */
class CabTraceCliTest {

  @TempDir Path dir;

  private Path resource(String name) throws IOException {
    Path file = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/dev/cabtrace/replay/read/" + name)) {
      Files.copy(in, file);
    }
    return file;
  }

  @Test
  void showJsonOfATraceChangedWhileItIsWrittenIsLeftCutNotClosedIntoAWholeDocument() throws IOException {
    // Two spans whose attributes each take more than the window they are read back through: once
    // the trace has changed, the rest of the document reads them from the file again.
    Path trace = resource("seed-cell.otlp.jsonl");
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
    Result result = run("show", resource("seed-cell.otlp.jsonl").toString());

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
    Result result = run("show", resource("aider-cell.official-otlp-stdout-1.63.jsonl").toString(), "--json");

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
    Path trace = resource("aider-cell.official-otlp-stdout-1.63.jsonl");
    Result result = run("frame", trace.toString(), "--at", "3.5s", "--json");

    assertThat(result.exit()).isZero();
    assertThat(fieldValues(result.out(), "name")).containsExactly("aider:python/flaky-retry", "aider:run");
    assertThat(result.out()).contains("\"modelCallsFinished\" : 1").contains("\"input\" : 5210");

    Result text = run("frame", trace.toString(), "--at", "3500ms");
    assertThat(text.out()).contains("t = 3 500 ms / 12.53 s").contains("Active (2)").contains("tokens so far: in 5210");
  }

  @Test
  void tokensPrintsTheLedgerPerCellAndModel() throws IOException {
    Result result = run("tokens", resource("aider-cell.official-otlp-stdout-1.63.jsonl").toString());

    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .containsPattern("sample-sweep/aider/gpt-5-mini/python/flaky-retry +2 +11254 +508")
        .containsPattern("gpt-5-mini +2 +11254 +508 +0 +0 +11762")
        .contains("Total: 11254 prompt + 508 completion = 11762 tokens over 2 call(s)");
  }

  @Test
  void exitCodesAndOneLineErrors() throws IOException {
    Result missing = run("show", dir.resolve("nope.jsonl").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().strip()).isEqualTo("cab-trace: cannot read " + dir.resolve("nope.jsonl") + ": no such file");

    Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"resourceSpans\":[]}\nnot json\n");
    Result strict = run("show", bad.toString(), "--strict");
    assertThat(strict.exit()).isEqualTo(1);
    assertThat(strict.err().strip()).isEqualTo("cab-trace: " + bad + ":2: not JSON (Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')); skipped");

    Result usage = run("show");
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err()).contains("Missing required parameter: 'FILE'");
    assertThat(run("frame", bad.toString(), "--at", "soon").exit()).isEqualTo(2);
    assertThat(run("frame", bad.toString(), "--at", "soon").err()).contains("not a duration: \"soon\"");
    assertThat(run("bogus").exit()).isEqualTo(2);
    for (String command : List.of("show", "frame", "replay", "tokens", "cast")) {
      Result help = run(command, "--help");
      assertThat(help.exit()).as(command).isZero();
      assertThat(help.out()).as(command).contains("Usage: cab-trace " + command);
    }
    assertThat(missing.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void errorLinesEscapeTheNamesAndTextTheyQuote() throws IOException {
    Path missing = dir.resolve("esc\u001b[31m\u001b[2J.jsonl");
    Result unreadable = run("show", missing.toString());
    assertThat(unreadable.exit()).isEqualTo(1);
    assertThat(unreadable.err().strip())
        .isEqualTo("cab-trace: cannot read " + dir + "/esc\\e[31m\\e[2J.jsonl: no such file");

    Result verbose = run("show", missing.toString(), "--verbose");
    assertThat(verbose.exit()).isEqualTo(1);
    assertThat(verbose.err()).contains("esc\\e[31m").contains("\n\tat ");
    assertThat(verbose.err().chars()).noneMatch(c -> c == 0x1b);

    Result usage = run("check", resource("seed-cell.otlp.jsonl").toString(), "--max-wall", "\u001b]0;pwned\u0007");
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err().strip()).isEqualTo("cab-trace: not a duration: \"\\e]0;pwned\\x07\" (try 90s, 1500ms, 2m, 1h or PT1M)");

    Result unknown = run("show", "x", "--bogus\u001b[31m");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("Unknown option: '--bogus\\e[31m'\n").contains("Usage: cab-trace show");
    assertThat(unknown.err().chars()).noneMatch(c -> c == 0x1b);
    Result typo = run("show\u001b[31m");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("'show\\e[31m'").contains("Did you mean");
    assertThat(typo.err().chars()).noneMatch(c -> c == 0x1b);
  }

  @Test
  void escapeSequencesInATraceNeverReachTheTerminal() throws IOException {
    String evil = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\","
        + "\"name\":\"\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\",\"kind\":1,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\","
        + "\"attributes\":[{\"key\":\"k\\u001b[1m\",\"value\":{\"stringValue\":\"\\u001b[31mred\\r\\n\"}}]}]}]}]}\n";
    Path file = Files.writeString(dir.resolve("evil.jsonl"), evil);

    for (String command : List.of("show", "frame", "tokens", "replay")) {
      List<String> args = new ArrayList<>(List.of(command, file.toString()));
      if (command.equals("frame")) {
        args.addAll(List.of("--at", "0s"));
      }
      Result result = run(args.toArray(String[]::new));
      assertThat(result.exit()).as(command).isZero();
      assertThat(result.out().chars()).as(command).noneMatch(c -> c == 0x1b || c == 0x07 || (c >= 0x80 && c <= 0x9f));
    }
    assertThat(run("show", file.toString()).out()).contains("\\e]0;pwned\\x07\\e[2J\\u009b31m");
  }

  @Test
  void jsonOutputEscapesC1DelAndInvisibleCharacters() throws IOException {
    String name = "csi\u009b31m del\u007f ls\u2028 rlo\u202e bom\ufeff";
    String trace = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\","
        + "\"name\":\"csi\\u009b31m del\\u007f ls\\u2028 rlo\\u202e bom\\ufeff\",\"kind\":1,"
        + "\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[]}]}]}]}\n";
    Path file = Files.writeString(dir.resolve("c1.jsonl"), trace);

    for (List<String> args : List.of(List.of("show", "--json"), List.of("frame", "--at", "0s", "--json"))) {
      List<String> command = new ArrayList<>(args);
      command.add(1, file.toString());
      Result result = run(command.toArray(String[]::new));
      assertThat(result.exit()).as(args.toString()).isZero();
      assertThat(result.out().chars()).as(args.toString())
          .noneMatch(c -> c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x202e || c == 0xfeff);
      assertThat(result.out()).contains("csi\\u009b31m del\\u007f ls\\u2028 rlo\\u202e bom\\ufeff");
      // Escaped, not lost: a JSON reader gets the name back as it was.
      assertThat(fieldValues(result.out(), "name")).contains(name);
    }
  }

  @Test
  void showJsonKeepsALoneSurrogateAsItsEscapeAndAPairAsItsCharacter() throws IOException {
    // OTLP JSON may carry a lone surrogate (an agent cut a string in the middle of a pair); UTF-8
    // cannot hold one, so the document writes its escape rather than '?'.
    String trace = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\","
        + "\"name\":\"cut \\ud83d here, whole \\ud83d\\ude00\",\"kind\":1,"
        + "\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[]}]}]}]}\n";
    Path file = Files.writeString(dir.resolve("surrogates.jsonl"), trace);

    Result result = run("show", file.toString(), "--json");

    assertThat(result.exit()).isZero();
    assertThat(result.out()).contains("cut \\uD83D here, whole \uD83D\uDE00").doesNotContain("?");
    assertThat(fieldValues(result.out(), "name")).contains("cut \uD83D here, whole \uD83D\uDE00");
  }

  @Test
  void aBackslashInATraceIsShownDoubledAndInvisibleCharactersAsEscapes() throws IOException {
    String trace = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\","
        + "\"name\":\"fake\\\\e[31m\\u202eevil\\u200b\",\"kind\":1,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\","
        + "\"attributes\":[{\"key\":\"path\",\"value\":{\"stringValue\":\"C:\\\\tmp \\\"x\\\"\"}}]}]}]}]}\n";
    Path file = Files.writeString(dir.resolve("backslash.jsonl"), trace);

    String out = run("show", file.toString()).out();
    assertThat(out).contains("fake\\\\e[31m\\u202eevil\\u200b").contains("{\"path\":\"C:\\\\tmp \\\"x\\\"\"}");
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
  void readsStdinWithADash() throws IOException {
    InputStream saved = System.in;
    try (InputStream in = Files.newInputStream(resource("seed-cell.zipkin.json"))) {
      System.setIn(in);
      Result result = run("show", "-", "--json");
      assertThat(result.exit()).isZero();
      assertThat(fieldValues(result.out(), "kind")).contains("container", "cleanup");
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  // A reader that opens the pipe a second time waits for a writer that never comes: failed, not hung.
  @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void readsATraceFromAPipeByItsPathAsFromTheFile() throws Exception {
    // `cab-trace show <(zcat cell.jsonl.gz)`: a path that cannot be read twice, where a file's
    // attributes are left in it and read back when shown.
    Path file = resource("seed-cell.otlp.jsonl");
    for (String command : List.of("show", "html")) {
      Path pipe = dir.resolve(command + ".pipe");
      assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
      Thread writer = new Thread(() -> {
        try {
          Files.write(pipe, Files.readAllBytes(file));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      writer.setDaemon(true);
      writer.start();
      List<String> args = command.equals("show") ? List.of("show", "--json") : List.of("html", "-o", dir.resolve("pipe.html").toString());
      Result fromPipe = run(concat(args, pipe.toString()));
      writer.join();
      Result fromFile = run(command.equals("show") ? concat(args, file.toString())
          : List.of("html", file.toString(), "-o", dir.resolve("file.html").toString()).toArray(new String[0]));

      assertThat(fromPipe.err()).as(command).isEmpty();
      assertThat(fromPipe.exit()).as(command).isZero();
      if (command.equals("show")) {
        assertThat(fromPipe.out().replace(pipe.toString(), "FILE")).isEqualTo(fromFile.out().replace(file.toString(), "FILE"));
        assertThat(fromPipe.out()).contains("\"task_category\"");
      } else {
        assertThat(Files.readString(dir.resolve("pipe.html")).replace(pipe.getFileName().toString(), "FILE"))
            .isEqualTo(Files.readString(dir.resolve("file.html")).replace(file.getFileName().toString(), "FILE"));
      }
    }
  }

  private static String[] concat(List<String> args, String last) {
    List<String> all = new ArrayList<>(args);
    all.add(1, last);
    return all.toArray(new String[0]);
  }

  /** Every string value of {@code field} anywhere in the document. */
  private static List<String> fieldValues(String json, String field) throws IOException {
    List<String> values = new ArrayList<>();
    try (JsonParser parser = new JsonFactory().createParser(json)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME && parser.currentName().equals(field)) {
          if (parser.nextToken() == JsonToken.VALUE_STRING) {
            values.add(parser.getText());
          }
        }
      }
    }
    return values;
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
