package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.run;

import static dev.cabtrace.replay.ledger.OtlpLines.bool;
import static dev.cabtrace.replay.ledger.OtlpLines.integer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.replay.ledger.OtlpLines;
import dev.cabtrace.replay.cli.CliRun.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** score, check and diff through the CLI's entry point, on real files ({@link SweepCliTest}: sweep). */
@Timeout(120)
class LedgerCliTest {

  private static final long T0 = 1_781_680_663_106_812_000L;

  @TempDir Path dir;

  private Path copy(String name) throws IOException {
    return Files.write(dir.resolve(name), CliRun.fixture(name));
  }

  // ---------------------------------------------------------------- score

  @Test
  void scoreJsonHasTheSeedsAxesAndKeyNames() throws IOException {
    Result result = run("score", copy("seed-cell.otlp.jsonl").toString(), "--json");

    assertThat(result.exit()).as(result.err()).isZero();
    JsonNode score = new ObjectMapper().readTree(result.out());
    assertThat(fieldNames(score)).containsExactly("tokens", "latency", "warnings");
    assertThat(fieldNames(score.get("tokens"))).containsExactly("prompt_tokens", "completion_tokens", "total_tokens",
        "model_calls", "tokens_per_correct_task", "pass_used_for_division");
    assertThat(fieldNames(score.get("latency"))).containsExactly("wall_clock_ms", "container_active_ms", "model_call_ms",
        "run_unfinished");
    assertThat(score.at("/latency/wall_clock_ms").doubleValue()).isEqualTo(85456.275);
    assertThat(score.at("/latency/container_active_ms").doubleValue()).isEqualTo(85455.699);
    assertThat(score.at("/latency/model_call_ms").doubleValue()).isZero();
    assertThat(score.at("/tokens/model_calls").asLong()).isZero();
    for (String unknown : List.of("prompt_tokens", "completion_tokens", "total_tokens", "tokens_per_correct_task",
        "pass_used_for_division")) {
      assertThat(score.get("tokens").get(unknown).isNull()).as(unknown).isTrue();
    }
  }

  /**
   * One cell's spans, to read through both {@code score} and {@code tokens}: every case a ledger
   * could read its verdict or its tokens per correct task differently in.
   */
  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> verdictsAndUsage() {
    String call = "0000000000000003";
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("a verdict as text, as Zipkin and Jaeger carry it",
            new String[][] {{"adapter_run", OtlpLines.str("cab.pass", "True")}}, true, 1L, 1_000L),
        org.junit.jupiter.params.provider.Arguments.of("a verdict as 1",
            new String[][] {{"adapter_run", integer("cab.pass", 1)}}, true, 1L, 1_000L),
        org.junit.jupiter.params.provider.Arguments.of("two passing runs: one task passed, not two",
            new String[][] {{"adapter_run", bool("cab.pass", true)}, {"adapter_run", bool("cab.pass", true)}}, true, 1L, 1_000L),
        org.junit.jupiter.params.provider.Arguments.of("a passing run and a failing one: the cell failed",
            new String[][] {{"adapter_run", bool("cab.pass", true)}, {"adapter_run", bool("cab.pass", false)}}, true, 0L, null),
        org.junit.jupiter.params.provider.Arguments.of("cab.pass on a tool call is no verdict",
            new String[][] {{"adapter_run"}, {"tool_call", bool("cab.pass", true)}}, true, null, null),
        org.junit.jupiter.params.provider.Arguments.of("a call without its usage: nothing to divide",
            new String[][] {{"adapter_run", bool("cab.pass", true)}}, false, 1L, null),
        org.junit.jupiter.params.provider.Arguments.of("a pass and no model call: nothing to divide",
            new String[][] {{"adapter_run", bool("cab.pass", true)}}, null, 1L, null));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("verdictsAndUsage")
  void tokensAndScoreReadTheSameVerdictAndTokensPerCorrectTask(String name, String[][] spans, Boolean usage,
      Long passes, Long perCorrectTask) throws IOException {
    // usage: true a call of 900 + 100 tokens, false a call without its output count, null no call.
    OtlpLines cell = OtlpLines.cell("4bf92f3577b34da6a3ce929d0e0e4736", "aider", "m");
    for (int i = 0; i < spans.length; i++) {
      String[] attributes = Arrays.copyOfRange(spans[i], 1, spans[i].length);
      cell.span(10 + i, 0, spans[i][0] + i, spans[i][0], T0 + i * 1_000_000L, T0 + (i + 1) * 1_000_000L, attributes);
    }
    if (usage != null) {
      cell.span(3, 10, "chat m", "model_call", T0 + 100, T0 + 200, usage
          ? new String[] {integer("gen_ai.usage.input_tokens", 900), integer("gen_ai.usage.output_tokens", 100)}
          : new String[] {integer("gen_ai.usage.input_tokens", 900)});
    }
    Path file = Files.writeString(dir.resolve("cell.jsonl"), cell.text());

    JsonNode score = new ObjectMapper().readTree(run("score", file.toString(), "--json").out());
    JsonNode tokens = new ObjectMapper().readTree(run("tokens", file.toString(), "--json").out());

    assertThat(nullable(score.at("/tokens/pass_used_for_division"))).as("score").isEqualTo(passes);
    assertThat(nullable(score.at("/tokens/tokens_per_correct_task"))).as("score").isEqualTo(perCorrectTask);
    JsonNode row = tokens.at("/cells/0");
    assertThat(tokens.get("cells")).as(tokens.toString()).hasSize(1);
    assertThat(nullable(row.path("passes"))).as("tokens " + tokens).isEqualTo(passes);
    assertThat(nullable(row.path("tokensPerCorrectTask"))).as("tokens " + tokens).isEqualTo(perCorrectTask);
  }

  @Test
  void tokensListsACellThatMadeNoModelCallUnderTheNameShowGivesIt() throws IOException {
    // No cab.cell_id: the cell is its file, as show's "Cell" line names it.
    Path file = Files.writeString(dir.resolve("cell.jsonl"), OtlpLines.cell("4bf92f3577b34da6a3ce929d0e0e4736", "aider", "m")
        .span(1, 0, "agent", "adapter_run", T0, T0 + 1_000_000L).text());
    assertThat(run("show", file.toString()).out()).startsWith("Cell " + file + "\n");

    JsonNode json = new ObjectMapper().readTree(run("tokens", file.toString(), "--json").out());
    assertThat(json.get("cells")).as(json.toString()).hasSize(1);
    assertThat(json.at("/cells/0/cell").asText()).isEqualTo(file.toString());
    assertThat(json.at("/cells/0/calls").asLong()).isZero();
    assertThat(run("tokens", file.toString()).out()).contains("\n" + file + "  0      0");
    // From stdin too, under the name show gives it.
    java.io.InputStream saved = System.in;
    try (java.io.InputStream in = Files.newInputStream(file)) {
      System.setIn(in);
      assertThat(new ObjectMapper().readTree(run("tokens", "-", "--json").out()).at("/cells/0/cell").asText())
          .isEqualTo("<stdin>");
    } finally {
      System.setIn(saved);
    }

    // A cab.cell_id names it, calls or none; each cell a capture holds is listed.
    Path named = Files.writeString(dir.resolve("remote.jsonl"), OtlpLines.remoteAgentCell(T0));
    JsonNode cells = new ObjectMapper().readTree(run("tokens", named.toString(), "--json").out()).get("cells");
    assertThat(CliRun.fieldValues(cells.toString(), "cell")).containsExactly("late", "s/aider/m/t");
  }

  @Test
  void tokensCountsTheCallsOfAnAgentsOwnResourceForTheFilesOneCellAsScoreDoes() throws IOException {
    // As record's receiver writes a cell: the agent's spans keep their resource, without cab.cell_id.
    String trace = "3cf92f3577b34da6a3ce929d0e0e4736";
    String[] usage = {integer("gen_ai.usage.input_tokens", 100), integer("gen_ai.usage.output_tokens", 20)};
    String harness = OtlpLines.resource(trace, OtlpLines.str("service.name", "cab-harness"),
            OtlpLines.str("cab.cell_id", "s/aider/m/t"))
        .span(1, 0, "agent", "adapter_run", T0, T0 + 9_000_000, bool("cab.pass", true)).text();
    String agent = OtlpLines.resource(trace, OtlpLines.str("service.name", "aider"))
        .span(2, 1, "chat m", "model_call", T0 + 1_000_000, T0 + 2_000_000, usage)
        .span(3, 1, "chat m", "model_call", T0 + 3_000_000, T0 + 4_000_000, usage).text();
    Path file = Files.writeString(dir.resolve("recorded.jsonl"), harness + agent);

    JsonNode tokens = new ObjectMapper().readTree(run("tokens", file.toString(), "--json").out());
    JsonNode score = new ObjectMapper().readTree(run("score", file.toString(), "--json").out());

    assertThat(CliRun.fieldValues(tokens.get("cells").toString(), "cell")).containsExactly("s/aider/m/t");
    assertThat(tokens.at("/cells/0/calls").asLong()).isEqualTo(2);
    assertThat(tokens.at("/cells/0/total").asLong()).isEqualTo(score.at("/tokens/total_tokens").asLong()).isEqualTo(240);
    assertThat(tokens.at("/cells/0/tokensPerCorrectTask").asLong())
        .isEqualTo(score.at("/tokens/tokens_per_correct_task").asLong());

    // Two cells in one file (a sweep's merged trace): whose the calls are is unknown; they stay the file's.
    String other = OtlpLines.resource(trace, OtlpLines.str("cab.cell_id", "s/aider/m/u"))
        .span(4, 0, "agent", "adapter_run", T0, T0 + 9_000_000).text();
    Path merged = Files.writeString(dir.resolve("merged.jsonl"), harness + other + agent);
    JsonNode cells = new ObjectMapper().readTree(run("tokens", merged.toString(), "--json").out()).get("cells");
    assertThat(CliRun.fieldValues(cells.toString(), "cell")).containsExactly(merged.toString(), "s/aider/m/t", "s/aider/m/u");
    assertThat(cells.at("/0/calls").asLong()).isEqualTo(2);
  }

  /** A number, or null for JSON null or a key left out. */
  private static Long nullable(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asLong();
  }

  @Test
  void scoreShowAndSweepKnowTheCellWhenASpanOfAnotherResourceStartsFirst() throws IOException {
    Path file = Files.writeString(dir.resolve("remote.jsonl"), OtlpLines.remoteAgentCell(T0));

    assertThat(run("score", file.toString()).out()).startsWith("Cell s/aider/m/t\n");
    assertThat(run("show", file.toString()).out()).startsWith("Cell s/aider/m/t\n");
    JsonNode sweep = new ObjectMapper().readTree(run("sweep", file.toString(), "--json").out());
    assertThat(sweep.at("/groups/0/tui").asText()).isEqualTo("aider");
    assertThat(sweep.at("/groups/0/model").asText()).isEqualTo("m");
  }

  @Test
  void aNegativeTokenCountIsNotRecordedAndBreaksATokenBudgetWithAWarning() throws IOException {
    // 50,050 tokens and -49,000: summed, 1,050, within a budget of 2,000.
    Path file = Files.writeString(dir.resolve("negative.jsonl"), OtlpLines.cell("6bf92f3577b34da6a3ce929d0e0e4736", "aider", "m")
        .span(1, 0, "agent", "adapter_run", T0, T0 + 9_000_000, bool("cab.pass", true))
        .span(2, 1, "chat m", "model_call", T0 + 1_000_000, T0 + 2_000_000,
            integer("gen_ai.usage.input_tokens", 50_000), integer("gen_ai.usage.output_tokens", 50))
        .span(3, 1, "chat m", "model_call", T0 + 3_000_000, T0 + 4_000_000,
            integer("gen_ai.usage.input_tokens", -49_000), integer("gen_ai.usage.output_tokens", 0))
        .text());

    Result check = run("check", file.toString(), "--max-total-tokens", "2000");
    JsonNode score = new ObjectMapper().readTree(run("score", file.toString(), "--json").out());
    JsonNode tokens = new ObjectMapper().readTree(run("tokens", file.toString(), "--json").out());
    JsonNode show = new ObjectMapper().readTree(run("show", file.toString(), "--json").out());

    assertThat(check.exit()).as(check.out()).isEqualTo(3);
    assertThat(score.at("/tokens/total_tokens").isNull()).as(score.toString()).isTrue();
    assertThat(tokens.at("/total/input").asLong()).isEqualTo(50_000);
    assertThat(tokens.at("/cells/0/unknownCalls").asLong()).as(tokens.toString()).isEqualTo(1);
    // Every total that leaves the call out says so.
    assertThat(tokens.at("/total/unknownCalls").asLong()).as(tokens.toString()).isEqualTo(1);
    assertThat(show.at("/tokens/unknownCalls").asLong()).as(show.toString()).isEqualTo(1);
    assertThat(run("frame", file.toString(), "--at", "1h").out())
        .contains("tokens so far: in 50000 · out 50 · total 50050 (1 call(s) without usage)");
    assertThat(show.get("warnings").toString())
        .contains("span 0000000000000003 (chat m) has gen_ai.usage.input_tokens=-49000, which is not a count; taken as not recorded");
  }

  @Test
  void aCallWithHalfItsUsageIsLeftOutOfEverySumWhole() throws IOException {
    Path file = Files.writeString(dir.resolve("half.jsonl"), OtlpLines.cell("6cf92f3577b34da6a3ce929d0e0e4736", "aider", "m")
        .span(1, 0, "agent", "adapter_run", T0, T0 + 9_000_000, bool("cab.pass", true))
        .span(2, 1, "chat m", "model_call", T0 + 1_000_000, T0 + 2_000_000,
            integer("gen_ai.usage.input_tokens", 100), integer("gen_ai.usage.output_tokens", 10))
        .span(3, 1, "chat m", "model_call", T0 + 3_000_000, T0 + 4_000_000,
            integer("gen_ai.usage.input_tokens", -1), integer("gen_ai.usage.output_tokens", 1),
            integer("gen_ai.usage.cache_read_input_tokens", 5))
        .span(4, 1, "chat m", "model_call", T0 + 5_000_000, T0 + 6_000_000, integer("gen_ai.usage.output_tokens", 7))
        .text());

    JsonNode tokens = new ObjectMapper().readTree(run("tokens", file.toString(), "--json").out());
    JsonNode show = new ObjectMapper().readTree(run("show", file.toString(), "--json").out());

    for (JsonNode sum : List.of(tokens.get("total"), tokens.at("/cells/0"), tokens.at("/models/0"), show.get("tokens"))) {
      assertThat(sum.get("input").asLong()).as(sum.toString()).isEqualTo(100);
      assertThat(sum.get("output").asLong()).as(sum.toString()).isEqualTo(10);
      assertThat(sum.get("total").asLong()).as(sum.toString()).isEqualTo(110);
      assertThat(sum.get("calls").asLong()).as(sum.toString()).isEqualTo(3);
      assertThat(sum.get("unknownCalls").asLong()).as(sum.toString()).isEqualTo(2);
    }
    assertThat(tokens.at("/total/cacheRead").asLong()).isZero();
    assertThat(run("frame", file.toString(), "--at", "1h").out())
        .contains("tokens so far: in 100 · out 10 · total 110 (2 call(s) without usage)");
    JsonNode score = new ObjectMapper().readTree(run("score", file.toString(), "--json").out());
    assertThat(score.at("/tokens/total_tokens").isNull()).as(score.toString()).isTrue();
  }

  @Test
  void aRunThatNeverEndedScoresALowerBoundAndBreaksAWallBudget() throws IOException {
    Path file = Files.writeString(dir.resolve("unfinished.jsonl"), OtlpLines.cell("1cf92f3577b34da6a3ce929d0e0e4736", "aider", "m")
        .span(1, 0, "agent", "adapter_run", T0, 0, bool("cab.pass", true))
        .span(2, 1, "c:agent", "container", T0 + 1_000_000, T0 + 5_000_000)
        .text());

    JsonNode score = new ObjectMapper().readTree(run("score", file.toString(), "--json").out());
    Result tight = run("check", file.toString(), "--max-wall", "1ms");
    Result loose = run("check", file.toString(), "--max-wall", "1h");
    JsonNode sweep = new ObjectMapper().readTree(run("sweep", file.toString(), "--json").out());

    assertThat(score.at("/latency/wall_clock_ms").asDouble()).isEqualTo(5.0);
    assertThat(score.at("/latency/run_unfinished").asBoolean()).isTrue();
    assertThat(run("score", file.toString()).out()).contains("at least: adapter_run never ended");
    assertThat(tight.exit()).as(tight.out()).isEqualTo(3);
    // A gate does not pass on a run it cannot measure, however loose the limit.
    assertThat(loose.exit()).as(loose.out()).isEqualTo(3);
    assertThat(loose.out()).isEqualTo(
        "over budget: wall_clock_ms unknown, at least 5 (an adapter_run never ended), limit 3600000\n");
    assertThat(sweep.at("/groups/0/wall_clock_ms_median").asDouble()).isEqualTo(5.0);
  }

  @Test
  void tokensHoldsAnAbsurdSumAtLongMaxValueAsScoreDoes() throws IOException {
    String[] huge = {integer("gen_ai.usage.input_tokens", Long.MAX_VALUE), integer("gen_ai.usage.output_tokens", 10)};
    Path file = Files.writeString(dir.resolve("huge.jsonl"), OtlpLines.cell("7bf92f3577b34da6a3ce929d0e0e4736", "aider", "m")
        .span(1, 0, "agent", "adapter_run", T0, T0 + 9_000_000, bool("cab.pass", true))
        .span(2, 1, "chat m", "model_call", T0 + 1_000_000, T0 + 2_000_000, huge)
        .span(3, 1, "chat m", "model_call", T0 + 3_000_000, T0 + 4_000_000, huge)
        .text());

    JsonNode tokens = new ObjectMapper().readTree(run("tokens", file.toString(), "--json").out());
    JsonNode score = new ObjectMapper().readTree(run("score", file.toString(), "--json").out());

    for (String path : List.of("/total/input", "/total/total", "/cells/0/total", "/models/0/total", "/cells/0/tokensPerCorrectTask")) {
      assertThat(tokens.at(path).asLong()).as(path + " in " + tokens).isEqualTo(Long.MAX_VALUE);
    }
    assertThat(score.at("/tokens/total_tokens").asLong()).isEqualTo(Long.MAX_VALUE);
    assertThat(run("tokens", file.toString()).out())
        .contains("Total: 9223372036854775807 prompt + 20 completion = 9223372036854775807 tokens over 2 call(s)");
    // diff's call table and the cell page's axes hold it too, never a negative figure.
    String diff = run("diff", file.toString(), file.toString()).out();
    assertThat(diff).contains("9223372036854775807").doesNotContain("-9223372036854775");
    String page = run("html", file.toString(), "-").out();
    assertThat(page).doesNotContain("-9223372036854775");
  }

  @Test
  void scoreTextPrintsBothAxes() throws IOException {
    Result result = run("score", copy("aider-cell.official-otlp-stdout-1.63.jsonl").toString());

    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .containsPattern("tokens\n  prompt_tokens +11254\n  completion_tokens +508\n  total_tokens +11762\n  model_calls +2\n")
        .containsPattern("pass_used_for_division +not recorded")
        .containsPattern("latency\n  wall_clock_ms +12505 +12.51 s\n  container_active_ms +12493 ")
        .containsPattern("model_call_ms +3200 +3.20 s");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  // ---------------------------------------------------------------- check

  @Test
  void checkExitsZeroWithinBudgetAndThreeOverIt() throws IOException {
    String aider = copy("aider-cell.official-otlp-stdout-1.63.jsonl").toString();

    Result within = run("check", aider, "--max-total-tokens", "20000", "--max-model-calls", "2", "--max-wall", "PT1M",
        "--max-model-call-time", "3200ms");
    assertThat(within.exit()).as(within.err()).isZero();
    assertThat(within.out()).isEqualTo("within budget: total_tokens 11762 <= 20000\n"
        + "within budget: model_calls 2 <= 2\n"
        + "within budget: wall_clock_ms 12505 <= 60000\n"
        + "within budget: model_call_ms 3200 <= 3200\n");

    Result over = run("check", aider, "--max-total-tokens", "10000", "--max-wall", "12s", "--max-model-calls", "5");
    assertThat(over.exit()).isEqualTo(3);
    assertThat(over.out().lines().filter(l -> l.startsWith("over budget: ")).toList())
        .containsExactly("over budget: total_tokens 11762 > 10000", "over budget: wall_clock_ms 12505 > 12000");
    assertThat(over.out()).contains("within budget: model_calls 2 <= 5");
  }

  @Test
  void checkOnTokensNotRecordedOrAMissingVerdictIsBroken() throws IOException {
    String seed = copy("seed-cell.otlp.jsonl").toString();

    Result tokens = run("check", seed, "--max-total-tokens", "10000", "--max-wall", "2m");
    assertThat(tokens.exit()).isEqualTo(3);
    assertThat(tokens.out()).isEqualTo("over budget: total_tokens not recorded (0 model call record(s)), limit 10000\n"
        + "within budget: wall_clock_ms 85456.275 <= 120000\n");

    Result pass = run("check", seed, "--require-pass");
    assertThat(pass.exit()).isEqualTo(3);
    assertThat(pass.out()).isEqualTo("over budget: pass not recorded (no cab.pass on adapter_run), required true\n");
  }

  @Test
  void checkUsageErrorsExitTwoAndUnreadableTracesOne() throws IOException {
    String seed = copy("seed-cell.otlp.jsonl").toString();

    Result none = run("check", seed);
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).startsWith("cab-trace: no budget to check");
    Result badDuration = run("check", seed, "--max-wall", "soon");
    assertThat(badDuration.exit()).isEqualTo(2);
    assertThat(badDuration.err().strip()).isEqualTo("cab-trace: not a duration: \"soon\" (try 90s, 1500ms, 2m, 1h or PT1M)");
    assertThat(run("check", seed, "--max-total-tokens", "many").exit()).isEqualTo(2);
    Result tooLong = run("check", seed, "--max-wall", "PT3000000H");
    assertThat(tooLong.exit()).isEqualTo(2);
    assertThat(tooLong.err().strip()).isEqualTo("cab-trace: not a duration: \"PT3000000H\" (longer than 292 years)");
    Result missing = run("check", dir.resolve("nope.jsonl").toString(), "--require-pass");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("no such file");
  }

  // ---------------------------------------------------------------- diff

  private Path cell(String name, long containerNanos, long... callTokens) throws IOException {
    OtlpLines cell = OtlpLines.cell("0000000000000000000000000000abcd", "aider", "gpt-5")
        .span(1, 0, "aider:t", "adapter_run", T0, T0 + containerNanos + 2_000_000)
        .span(2, 1, "aider:run", "container", T0 + 1_000_000, T0 + 1_000_000 + containerNanos);
    for (int i = 0; i < callTokens.length; i++) {
      long start = T0 + 2_000_000 + i * 10_000_000L;
      cell.span(10 + i, 2, "chat gpt-5", "model_call", start, start + 5_000_000,
          integer("gen_ai.usage.input_tokens", callTokens[i]), integer("gen_ai.usage.output_tokens", 10));
    }
    return Files.writeString(dir.resolve(name), cell.text());
  }

  @Test
  void diffPrintsAlignedSpansTokenChangesAndExitsThreeOnARegression() throws IOException {
    String a = cell("a.jsonl", 1_000_000_000L, 990, 1990).toString();   // 3000 tokens, 1.002 s wall
    String b = cell("b.jsonl", 1_100_000_000L, 990, 2590, 90).toString(); // 3700 tokens, 1.102 s wall

    Result ok = run("diff", a, b, "--max-regression", "tokens=25%,wall=10%");
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out())
        .contains("Spans (4 in both, 0 only in A, 1 only in B)")
        .containsPattern("  ↳ container:aider:run +1000 ms +1100 ms +\\+100 ms \\(\\+10\\.0%\\)")
        .contains("Only in B (1)\n  adapter_run:aider:t > container:aider:run > model_call:chat gpt-5#3  5 ms  100 tokens")
        .containsPattern("model_call:chat gpt-5#2 +2000 +2600 +\\+600 \\(\\+30\\.0%\\)")
        .containsPattern("total_tokens +3000 +3700 +\\+700 \\(\\+23\\.3%\\)")
        .containsPattern("wall_clock_ms +1002 +1102 +\\+100 \\(\\+10\\.0%\\)")
        .doesNotContain("regression:");

    Result broken = run("diff", a, b, "--max-regression", "tokens=10%", "--max-regression", "model_calls=50,container=5%");
    assertThat(broken.exit()).isEqualTo(3);
    assertThat(broken.out().lines().filter(l -> l.startsWith("regression:")).toList()).containsExactly(
        "regression: total_tokens +23.3% > +10.0% (3000 -> 3700)",
        "regression: container_active_ms +10.0% > +5.0% (1000 -> 1100)");

    Result same = run("diff", a, a, "--max-regression", "tokens=0,wall=0,model_calls=0,container=0,model_call_time=0");
    assertThat(same.exit()).isZero();
  }

  @Test
  void diffJsonHasSnakeCaseKeys() throws IOException {
    String a = cell("a.jsonl", 1_000_000_000L, 990, 1990).toString();
    String b = cell("b.jsonl", 1_100_000_000L, 990, 2590, 90).toString();

    Result result = run("diff", a, b, "--json", "--max-regression", "tokens=10%");
    assertThat(result.exit()).isEqualTo(3);
    JsonNode diff = new ObjectMapper().readTree(result.out());
    assertThat(fieldNames(diff)).containsExactly("a", "b", "spans", "only_in_a", "only_in_b", "model_calls", "totals", "regressions", "warnings");
    assertThat(diff.get("spans").size()).isEqualTo(4);
    JsonNode container = diff.at("/spans/1");
    assertThat(container.get("path").asText()).isEqualTo("adapter_run:aider:t > container:aider:run");
    assertThat(container.get("a_ms").asDouble()).isEqualTo(1000.0);
    assertThat(container.get("b_ms").asDouble()).isEqualTo(1100.0);
    assertThat(container.get("change_ms").asDouble()).isEqualTo(100.0);
    assertThat(container.get("change_percent").asDouble()).isCloseTo(10.0, within(1e-9));
    assertThat(diff.at("/only_in_b/0/tokens").asLong()).isEqualTo(100);
    assertThat(diff.at("/model_calls/1/change").asLong()).isEqualTo(600);
    assertThat(diff.at("/totals/total_tokens/a").asLong()).isEqualTo(3000);
    assertThat(diff.at("/totals/total_tokens/b").asLong()).isEqualTo(3700);
    assertThat(diff.at("/totals/wall_clock_ms/change").asDouble()).isEqualTo(100.0);
    assertThat(diff.at("/regressions/0").asText()).isEqualTo("regression: total_tokens +23.3% > +10.0% (3000 -> 3700)");
  }

  @Test
  void diffHoldsAChangeRightAtItsLimit() throws IOException {
    // 100 -> 107 tokens (90 + 10 per call) is +7%; in binary floating point, 7.000000000000001%.
    String a = cell("a.jsonl", 1_000_000_000L, 90).toString();
    String b = cell("b.jsonl", 1_000_000_000L, 97).toString();
    String c = cell("c.jsonl", 1_000_000_000L, 98).toString();

    assertThat(run("diff", a, b, "--max-regression", "tokens=7%").exit()).isZero();
    Result over = run("diff", a, c, "--max-regression", "tokens=7%");
    assertThat(over.exit()).isEqualTo(3);
    assertThat(over.out()).contains("regression: total_tokens +8.0% > +7.0% (100 -> 108)");
    assertThat(run("diff", b, a, "--max-regression", "tokens=-6.54%").exit()).isZero();
    Result decrease = run("diff", b, a, "--max-regression", "tokens=-6.55%");
    assertThat(decrease.exit()).isEqualTo(3);
    assertThat(decrease.out()).contains("regression: total_tokens -6.5% > -6.55% (107 -> 100)");
  }

  @Test
  void diffRegressionLinesShowTheChangeAboveTheLimitAndTheLimitsSign() throws IOException {
    String a = cell("a.jsonl", 1_000_000_000L, 9990).toString();     // 10000 tokens
    String b = cell("b.jsonl", 1_000_000_000L, 9994).toString();     // 10004: +0.04%
    String c = cell("c.jsonl", 1_000_000_000L, 99_990).toString();   // 100000 tokens
    String d = cell("d.jsonl", 1_000_000_000L, 100_021).toString();  // 100031: +0.031%
    String none = cell("none.jsonl", 1_000_000_000L).toString();     // no model call: tokens not recorded

    Result small = run("diff", a, b, "--max-regression", "tokens=0.03%");
    assertThat(small.exit()).isEqualTo(3);
    assertThat(small.out()).contains("regression: total_tokens +0.04% > +0.03% (10000 -> 10004)\n");
    Result smaller = run("diff", c, d, "--max-regression", "tokens=0.03");
    assertThat(smaller.out()).contains("regression: total_tokens +0.031% > +0.03% (100000 -> 100031)\n");

    Result negative = run("diff", b, a, "--max-regression", "tokens=-5%");
    assertThat(negative.exit()).isEqualTo(3);
    assertThat(negative.out()).contains("regression: total_tokens -0.04% > -5.0% (10004 -> 10000)\n");
    Result notRecorded = run("diff", none, a, "--max-regression", "tokens=-5%");
    assertThat(notRecorded.exit()).isEqualTo(3);
    assertThat(notRecorded.out()).contains("regression: total_tokens not recorded in A, limit -5.0%\n");
  }

  @Test
  void diffRefusesALimitPastTheRangeOfANumberWithAClearMessage() throws IOException {
    String a = cell("a.jsonl", 1_000_000_000L, 990).toString();

    Result huge = run("diff", a, a, "--max-regression", "tokens=" + "9".repeat(400) + "%");

    assertThat(huge.exit()).isEqualTo(2);
    assertThat(huge.err().strip()).isEqualTo(
        "cab-trace: regression limit on total_tokens too large: a number of 400 characters (try tokens=10%,wall=20%)");
    assertThat(run("diff", a, a, "--max-regression", "tokens=" + "9".repeat(300) + "%").exit()).isZero();
  }

  @Test
  void diffWritesAHashInANameEscapedSoThatItIsNotTakenForTheSecondOfItsSiblings() throws IOException {
    OtlpLines a = OtlpLines.cell("0000000000000000000000000000abce", "aider", "gpt-5")
        .span(1, 0, "aider:t", "adapter_run", T0, T0 + 1_000_000_000L)
        .span(2, 1, "chat", "tool_call", T0 + 1_000, T0 + 2_000)
        .span(3, 1, "chat#2", "tool_call", T0 + 3_000, T0 + 4_000)
        .span(4, 1, "chat", "tool_call", T0 + 5_000, T0 + 6_000);
    OtlpLines b = OtlpLines.cell("0000000000000000000000000000abce", "aider", "gpt-5")
        .span(1, 0, "aider:t", "adapter_run", T0, T0 + 1_000_000_000L)
        .span(2, 1, "chat", "tool_call", T0 + 1_000, T0 + 2_000)
        .span(4, 1, "chat", "tool_call", T0 + 5_000, T0 + 6_000);
    String fileA = Files.writeString(dir.resolve("a.jsonl"), a.text()).toString();
    String fileB = Files.writeString(dir.resolve("b.jsonl"), b.text()).toString();

    Result text = run("diff", fileA, fileB);
    assertThat(text.exit()).as(text.err()).isZero();
    // The terminal shows the path's backslash doubled, as every backslash of a trace.
    assertThat(text.out()).contains("  ↳ tool_call:chat#2  ")
        .contains("Only in A (1)\n  adapter_run:aider:t > tool_call:chat\\\\#2  0.001 ms\n");

    JsonNode json = new ObjectMapper().readTree(run("diff", fileA, fileB, "--json").out());
    assertThat(json.at("/spans/2/path").asText()).isEqualTo("adapter_run:aider:t > tool_call:chat#2");
    assertThat(json.at("/only_in_a/0/path").asText()).isEqualTo("adapter_run:aider:t > tool_call:chat\\#2");
    assertThat(json.at("/only_in_a/0/name").asText()).isEqualTo("chat#2");
  }

  @Test
  void diffRefusesAMaxRegressionWithNoLimitInIt() throws IOException {
    String a = cell("a.jsonl", 1_000_000_000L, 990).toString();

    for (String none : new String[] {",", ",,"}) {
      Result refused = run("diff", a, a, "--max-regression", "tokens=10%", "--max-regression", none);
      assertThat(refused.exit()).as(none).isEqualTo(2);
      assertThat(refused.out()).as(none).isEmpty();
      assertThat(refused.err().strip()).as(none).isEqualTo(
          "cab-trace: no regression limit in --max-regression \"" + none + "\" (try tokens=10%,wall=20%)");
    }
    assertThat(run("diff", a, a, "--max-regression", "").err().strip())
        .isEqualTo("cab-trace: not a regression limit: \"\" (try tokens=10%,wall=20%)");
    // As picocli split them: a trailing comma is allowed, an empty limit between two is not.
    assertThat(run("diff", a, a, "--max-regression", "tokens=10%,").exit()).isZero();
    assertThat(run("diff", a, a, "--max-regression", "tokens=10%,,wall=5%").exit()).isEqualTo(2);
  }

  @Test
  void diffUsageErrors() throws IOException {
    String a = cell("a.jsonl", 1_000_000_000L, 990).toString();
    Result unknown = run("diff", a, a, "--max-regression", "speed=10%");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown figure \"speed\"");
    assertThat(run("diff", a, a, "--max-regression", "tokens").exit()).isEqualTo(2);
    assertThat(run("diff", a, a, "--max-regression", "tokens=lots").exit()).isEqualTo(2);
    for (String odd : new String[] {"tokens=0x1p3", "tokens=10d", "tokens=1e1%", "tokens=+5%", "tokens=5%,total_tokens=50%"}) {
      Result refused = run("diff", a, a, "--max-regression", odd);
      assertThat(refused.exit()).as(odd).isEqualTo(2);
      assertThat(refused.err()).as(odd).startsWith("cab-trace: ").contains("regression limit");
    }
    assertThat(run("diff", a).exit()).isEqualTo(2);
    assertThat(run("diff", a, dir.resolve("nope.jsonl").toString()).exit()).isEqualTo(1);
  }
}
