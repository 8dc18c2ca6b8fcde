package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.run;
import static dev.cabtrace.replay.ledger.OtlpLines.bool;
import static dev.cabtrace.replay.ledger.OtlpLines.integer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.ledger.OtlpLines;
import dev.cabtrace.replay.cli.CliRun.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** sweep's ledger through the CLI's entry point: generated sweeps, in text, JSON and CSV alike. */
@Timeout(120)
class SweepCliTest {

  private static final long T0 = 1_781_680_663_106_812_000L;

  @TempDir Path dir;

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  // ---------------------------------------------------------------- sweep over files

  /** One generated cell: the generator's own parameters, from which the test computes the ledger. */
  private record Cell(String tui, String model, Boolean pass, long runNanos, long containerNanos, long[] callNanos,
      long[] input, long[] output, boolean crashed) {

    boolean tokensKnown() {
      return input.length > 0 && Arrays.stream(output).allMatch(o -> o >= 0);
    }
  }

  private static final String[] TUIS = {"aider", "openhands", "opencode"};
  private static final String[] MODELS = {"gpt-5-mini", "qwen/qwen3-next-80b-a3b-instruct", "claude-sonnet-4"};

  private static List<Cell> generate(int count, long seed) {
    Random random = new Random(seed);
    List<Cell> cells = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean anonymous = random.nextInt(40) == 0;
      String tui = anonymous ? null : TUIS[random.nextInt(TUIS.length)];
      String model = anonymous ? null : MODELS[random.nextInt(MODELS.length)];
      boolean crashed = i % 200 == 7;
      int verdict = random.nextInt(10);
      Boolean pass = crashed || verdict >= 8 ? null : verdict < 5;
      long run = 1_000_000_000L + Math.floorMod(random.nextLong(), 200_000_000_000L);
      long container = crashed ? run - 50_000 : run - 80_000 - Math.floorMod(random.nextLong(), run / 10);
      int calls = random.nextInt(6);
      long[] callNanos = new long[calls];
      long[] input = new long[calls];
      long[] output = new long[calls];
      long slot = container / (calls + 1);
      for (int c = 0; c < calls; c++) {
        callNanos[c] = 1 + Math.floorMod(random.nextLong(), slot - 1);
        input[c] = 100 + random.nextInt(20_000);
        output[c] = 10 + random.nextInt(3_000);
      }
      if (calls > 0 && random.nextInt(12) == 0) {
        output[random.nextInt(calls)] = -1;
      }
      cells.add(new Cell(tui, model, pass, run, container, callNanos, input, output, crashed));
    }
    return cells;
  }

  /** Writes each cell as a capture file (a crashed one with its journal) under {@code root}. */
  private static void write(List<Cell> cells, Path root) throws IOException {
    for (int i = 0; i < cells.size(); i++) {
      Cell cell = cells.get(i);
      String trace = String.format("%032x", i + 1L);
      long base = T0 + i * 1_000_000_000L;
      long runStart = base + 1_250_000;
      long runEnd = runStart + cell.runNanos();
      long containerStart = runStart + 50_000;
      OtlpLines capture = OtlpLines.cell(trace, cell.tui(), cell.model())
          .span(1, 0, "prepare:task-" + i, "task_setup", base, base + 1_200_000);
      OtlpLines journal = OtlpLines.cell(trace, cell.tui(), cell.model());
      OtlpLines runs = cell.crashed() ? journal : capture;
      runs.span(2, 0, "agent:task-" + i, "adapter_run", runStart, cell.crashed() ? 0 : runEnd,
          cell.pass() == null ? new String[0] : new String[] {bool("cab.pass", cell.pass())});
      runs.span(3, 2, "agent:run", "container", containerStart, cell.crashed() ? 0 : containerStart + cell.containerNanos());
      long slot = cell.containerNanos() / (cell.callNanos().length + 1);
      for (int c = 0; c < cell.callNanos().length; c++) {
        long start = containerStart + c * slot + 1_000;
        List<String> usage = new ArrayList<>(List.of(integer("gen_ai.usage.input_tokens", cell.input()[c])));
        if (cell.output()[c] >= 0) {
          usage.add(integer("gen_ai.usage.output_tokens", cell.output()[c]));
        }
        capture.span(10 + c, 3, "chat model", "model_call", start, start + cell.callNanos()[c], usage.toArray(new String[0]));
      }
      if (!cell.crashed()) {
        capture.span(4, 0, "cleanup:agent", "cleanup", runEnd + 10_000, runEnd + 310_000);
      }
      Path folder = i % 100 == 0 ? root
          : root.resolve(cell.tui() == null ? "anonymous" : cell.tui()).resolve(String.valueOf(cell.model()).replace('/', '_'));
      Files.createDirectories(folder);
      Path file = folder.resolve("cell-" + i + ".jsonl");
      Files.writeString(file, capture.text());
      if (cell.crashed()) {
        Files.writeString(folder.resolve(file.getFileName() + ".journal"),
            "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"" + runEnd + "\",\"pid\":1}}\n" + journal.text());
      }
    }
  }

  /** The expected group, computed from the generator's parameters alone. */
  private static Map<String, Object> expected(List<Cell> cells) {
    Map<String, Object> group = new LinkedHashMap<>();
    long passes = cells.stream().filter(c -> Boolean.TRUE.equals(c.pass())).count();
    List<Cell> withTokens = cells.stream().filter(Cell::tokensKnown).toList();
    long prompt = withTokens.stream().flatMapToLong(c -> Arrays.stream(c.input())).sum();
    long completion = withTokens.stream().flatMapToLong(c -> Arrays.stream(c.output())).sum();
    long passesWithTokens = withTokens.stream().filter(c -> Boolean.TRUE.equals(c.pass())).count();
    long[] walls = cells.stream().mapToLong(Cell::runNanos).sorted().toArray();
    long[] containers = cells.stream().mapToLong(Cell::containerNanos).sorted().toArray();
    group.put("cells", (long) cells.size());
    group.put("passes", passes);
    group.put("pass_rate", (double) passes / cells.size());
    group.put("prompt_tokens", withTokens.isEmpty() ? null : prompt);
    group.put("completion_tokens", withTokens.isEmpty() ? null : completion);
    group.put("total_tokens", withTokens.isEmpty() ? null : prompt + completion);
    group.put("model_calls", cells.stream().mapToLong(c -> c.input().length).sum());
    group.put("tokens_per_correct_task", passesWithTokens == 0 ? null : (double) (prompt + completion) / passesWithTokens);
    group.put("cells_without_tokens", (long) (cells.size() - withTokens.size()));
    group.put("wall_clock_ms_median", middle(walls) / 1e6);
    // Nearest rank: the ceil(0.9 n)-th smallest.
    group.put("wall_clock_ms_p90", walls[(int) Math.ceil(0.9 * walls.length) - 1] / 1e6);
    group.put("container_active_ms_median", middle(containers) / 1e6);
    group.put("model_call_ms_total", cells.stream().flatMapToLong(c -> Arrays.stream(c.callNanos())).sum() / 1e6);
    return group;
  }

  private static double middle(long[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + (double) sorted[n / 2]) / 2;
  }

  @Test
  void sweepOfTwoThousandCellsMatchesTheLedgerComputedFromTheGenerator() throws IOException {
    List<Cell> cells = generate(2_000, 15);
    Path root = Files.createDirectories(dir.resolve("sweep"));
    write(cells, root);
    Files.writeString(root.resolve("corrupt.jsonl"), "this is not a trace\n{\"resourceSpans\":[{\"resource\":\n");
    Files.writeString(root.resolve("notes.txt"), "not a capture; ignored\n");
    Map<List<String>, List<Cell>> groups = new HashMap<>();
    for (Cell cell : cells) {
      groups.computeIfAbsent(Arrays.asList(cell.tui(), cell.model()), k -> new ArrayList<>()).add(cell);
    }

    Result result = run("sweep", root.toString(), "--json");

    assertThat(result.exit()).as(result.err()).isZero();
    JsonNode ledger = new ObjectMapper().readTree(result.out());
    assertThat(fieldNames(ledger)).containsExactly("cells", "groups", "warnings");
    assertThat(ledger.get("cells").asLong()).isEqualTo(2_000);
    assertThat(ledger.get("groups").size()).isEqualTo(groups.size());
    for (JsonNode group : ledger.get("groups")) {
      List<String> key = Arrays.asList(text(group.get("tui")), text(group.get("model")));
      Map<String, Object> want = expected(groups.get(key));
      for (Map.Entry<String, Object> field : want.entrySet()) {
        JsonNode got = group.get(field.getKey());
        String what = key + " " + field.getKey();
        if (field.getValue() == null) {
          assertThat(got.isNull()).as(what + " is null, found " + got).isTrue();
        } else if (field.getValue() instanceof Long) {
          assertThat(got.isIntegralNumber()).as(what).isTrue();
          assertThat(got.asLong()).as(what).isEqualTo(field.getValue());
        } else {
          assertThat(got.asDouble()).as(what).isCloseTo((Double) field.getValue(), within(1e-6));
        }
      }
    }
    // A leaderboard: pass rate down, then tokens per correct task up.
    JsonNode rows = ledger.get("groups");
    for (int i = 1; i < rows.size(); i++) {
      double previous = rows.get(i - 1).get("pass_rate").asDouble();
      double current = rows.get(i).get("pass_rate").asDouble();
      assertThat(previous).isGreaterThanOrEqualTo(current);
      if (previous == current && !rows.get(i).get("tokens_per_correct_task").isNull()) {
        assertThat(rows.get(i - 1).get("tokens_per_correct_task").asDouble())
            .isLessThanOrEqualTo(rows.get(i).get("tokens_per_correct_task").asDouble());
      }
    }
    // The corrupt file and the ten crashed cells (counted, ended at their heartbeat) are named.
    List<String> warnings = new ArrayList<>();
    ledger.get("warnings").forEach(w -> warnings.add(w.asText()));
    assertThat(warnings).hasSize(11);
    assertThat(warnings).filteredOn(w -> w.contains("corrupt.jsonl")).hasSize(1);
    assertThat(warnings).filteredOn(w -> w.contains("never ended")).hasSize(10);
  }

  @Test
  void sweepCsvAndTextShowTheSameLedgerAsJson() throws IOException {
    Path root = Files.createDirectories(dir.resolve("small"));
    write(generate(120, 7), root);
    Files.writeString(root.resolve("corrupt.jsonl"), "{\"resourceSpans\":\n");
    JsonNode ledger = new ObjectMapper().readTree(run("sweep", root.toString(), "--json").out());

    Result csv = run("sweep", root.toString(), "--csv");
    assertThat(csv.exit()).isZero();
    List<String> lines = csv.out().lines().toList();
    List<String> columns = List.of("tui", "model", "cells", "passes", "pass_rate", "prompt_tokens", "completion_tokens",
        "total_tokens", "model_calls", "tokens_per_correct_task", "cells_without_tokens", "wall_clock_ms_median",
        "wall_clock_ms_p90", "container_active_ms_median", "model_call_ms_total");
    assertThat(lines.get(0)).isEqualTo(String.join(",", columns));
    assertThat(lines).hasSize(ledger.get("groups").size() + 1);
    for (int row = 0; row < ledger.get("groups").size(); row++) {
      String[] fields = lines.get(row + 1).split(",", -1);
      JsonNode group = ledger.get("groups").get(row);
      for (int c = 0; c < columns.size(); c++) {
        JsonNode value = group.get(columns.get(c));
        String what = "row " + row + " " + columns.get(c);
        if (value.isNull()) {
          assertThat(fields[c]).as(what).isEmpty();
        } else if (value.isTextual() || value.isIntegralNumber()) {
          assertThat(fields[c]).as(what).isEqualTo(value.asText());
        } else {
          assertThat(Double.parseDouble(fields[c])).as(what).isEqualTo(value.asDouble());
        }
      }
    }
    assertThat(csv.err().strip()).startsWith("cab-trace: warning: ").contains("corrupt.jsonl");

    Result text = run("sweep", root.toString());
    assertThat(text.exit()).isZero();
    assertThat(text.out()).startsWith("Sweep: 120 cell(s) in " + ledger.get("groups").size() + " group(s) of agent and model")
        .containsPattern("#  +Agent +Model +Cells +Passes +Pass rate +Total tokens")
        .contains("Warnings (2)");
    JsonNode top = ledger.at("/groups/0");
    assertThat(text.out()).containsPattern("\\n1 +" + (top.get("tui").isNull() ? "\\(unknown\\)" : top.get("tui").asText())
        + " +" + (top.get("model").isNull() ? "\\(unknown\\)" : java.util.regex.Pattern.quote(top.get("model").asText()))
        + " +" + top.get("cells").asLong() + " +" + top.get("passes").asLong() + " ");
  }

  @Test
  void sweepCsvQuotesNamesThatASpreadsheetWouldRunAsFormulas() throws IOException {
    Path root = Files.createDirectories(dir.resolve("formulas"));
    String[][] names = {{"=HYPERLINK(1)", "@SUM(1)"}, {"+1", "-2"}, {"=SUM(1,2)", "gpt-5"}, {"aider", "a=b"}};
    for (int i = 0; i < names.length; i++) {
      String cell = OtlpLines.cell(String.format("%032x", i + 1), names[i][0], names[i][1])
          .span(1, 0, "run", "adapter_run", T0, T0 + (i + 1) * 1_000_000_000L).text();
      Files.writeString(root.resolve("cell" + i + ".jsonl"), cell);
    }
    // A model named like a negative number is quoted; the cell's negative token count, as a broken
    // adapter may record it, is read as not recorded (no figure), not written as a formula either.
    Files.writeString(root.resolve("negative.jsonl"), OtlpLines.cell(String.format("%032x", 9), "neg", "-m")
        .span(1, 0, "run", "adapter_run", T0, T0 + 5_000_000_000L)
        .span(2, 1, "chat", "model_call", T0, T0 + 1_000_000_000L, integer("gen_ai.usage.input_tokens", -500),
            integer("gen_ai.usage.output_tokens", 10))
        .text());

    Result csv = run("sweep", root.toString(), "--csv");

    assertThat(csv.exit()).as(csv.err()).isZero();
    List<String> rows = csv.out().lines().skip(1).sorted().toList();
    assertThat(rows).hasSize(5);
    assertThat(rows.get(0)).isEqualTo("\"'=SUM(1,2)\",gpt-5,1,0,0,,,,0,,1,3000,3000,0,0");
    assertThat(rows.get(1)).isEqualTo("'+1,'-2,1,0,0,,,,0,,1,2000,2000,0,0");
    assertThat(rows.get(2)).isEqualTo("'=HYPERLINK(1),'@SUM(1),1,0,0,,,,0,,1,1000,1000,0,0");
    assertThat(rows.get(3)).isEqualTo("aider,a=b,1,0,0,,,,0,,1,4000,4000,0,0");
    assertThat(rows.get(4)).isEqualTo("neg,'-m,1,0,0,,,,1,,1,5000,5000,0,1000");
    // The JSON keeps the names as they are.
    JsonNode json = new ObjectMapper().readTree(run("sweep", root.toString(), "--json").out());
    List<String> tuis = new ArrayList<>();
    json.get("groups").forEach(group -> tuis.add(group.get("tui").asText()));
    assertThat(tuis).containsExactlyInAnyOrder("=HYPERLINK(1)", "+1", "=SUM(1,2)", "aider", "neg");
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
