package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.run;
import static dev.cabtrace.replay.ledger.OtlpLines.integer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.cli.CliRun.Result;
import dev.cabtrace.replay.ledger.OtlpLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * check, score, tokens and diff on a capture with a corrupted line: each decides on what was read
 * and says on stderr (and in its JSON) what the load skipped, as sweep and show do.
 */
@Timeout(120)
class LoadWarningsCliTest {

  private static final long T0 = 1_781_680_663_106_812_000L;

  @TempDir Path dir;

  /**
   * A cell of three model calls of 75 tokens each (lines 3, 4, 5), the second call's line cut in
   * half: 150 tokens are read. The file's name holds an escape sequence.
   */
  private Path damagedCell() throws IOException {
    OtlpLines cell = OtlpLines.cell("0000000000000000000000000000abcd", "aider", "gpt-5")
        .span(1, 0, "aider:t", "adapter_run", T0, T0 + 1_000_000_000L)
        .span(2, 1, "aider:run", "container", T0 + 1_000_000, T0 + 900_000_000L);
    for (int i = 0; i < 3; i++) {
      long start = T0 + 2_000_000 + i * 10_000_000L;
      cell.span(10 + i, 2, "chat gpt-5", "model_call", start, start + 5_000_000,
          integer("gen_ai.usage.input_tokens", 50), integer("gen_ai.usage.output_tokens", 25));
    }
    List<String> lines = new ArrayList<>(cell.text().lines().toList());
    lines.set(3, lines.get(3).substring(0, lines.get(3).length() / 2));
    return Files.write(dir.resolve("cell\u001b[31m.jsonl"), lines);
  }

  private static final String ESCAPED_NAME = "cell\\e[31m.jsonl";

  /** The one warning line, escaped: {@code cab-trace: warning: DIR/cell\e[31m.jsonl:4: ...}. */
  private static void warnsOfLineFour(Result result) {
    assertThat(result.err()).doesNotContain("\u001b");
    List<String> lines = result.err().lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("cab-trace: warning: ").contains(ESCAPED_NAME + ":4: ").contains("skipped");
  }

  private static void jsonWarnsOfLineFour(JsonNode warnings) {
    assertThat(warnings.isArray()).isTrue();
    assertThat(warnings.size()).isEqualTo(1);
    assertThat(warnings.get(0).asText()).contains("cell\u001b[31m.jsonl:4: ").contains("skipped");
  }

  @Test
  void underStrictABadLineEndsTheLoadAndTheErrorDoesNotSayItWasSkipped() throws IOException {
    String seed = new String(CliRun.fixture("seed-cell.otlp.jsonl"), java.nio.charset.StandardCharsets.UTF_8);
    long lines = seed.lines().count();
    Path torn = Files.writeString(dir.resolve("torn.jsonl"), seed + "{\"resourceSpans\":[{");
    Path incomplete = Files.writeString(dir.resolve("incomplete.jsonl"), seed + "{\"resourceSpans\":[{\n");

    assertThat(run("show", torn.toString()).out()).contains(torn + ":" + (lines + 1)
        + ": torn last line (the writer stopped mid-write); the complete spans before the tear are kept");
    Result strictTorn = run("show", torn.toString(), "--strict");
    assertThat(strictTorn.exit()).isEqualTo(1);
    assertThat(strictTorn.err()).isEqualTo("cab-trace: " + torn + ":" + (lines + 1)
        + ": torn last line (the writer stopped mid-write)\n");
    Result strictIncomplete = run("tokens", incomplete.toString(), "--strict");
    assertThat(strictIncomplete.exit()).isEqualTo(1);
    assertThat(strictIncomplete.err()).isEqualTo("cab-trace: " + incomplete + ":" + (lines + 1) + ": incomplete JSON\n");
  }

  @Test
  void checkDecidesOnWhatWasReadAndSaysALineWasSkipped() throws IOException {
    Result result = run("check", damagedCell().toString(), "--max-total-tokens", "1000");

    assertThat(result.exit()).isZero();
    assertThat(result.out()).isEqualTo("within budget: total_tokens 150 <= 1000\n");
    warnsOfLineFour(result);

    Result over = run("check", damagedCell().toString(), "--max-total-tokens", "100");
    assertThat(over.exit()).isEqualTo(3);
    warnsOfLineFour(over);
  }

  @Test
  void scoreWarnsInTextAndJson() throws IOException {
    Path cell = damagedCell();

    Result text = run("score", cell.toString());
    assertThat(text.exit()).isZero();
    assertThat(text.out()).containsPattern("total_tokens +150");
    warnsOfLineFour(text);

    Result json = run("score", cell.toString(), "--json");
    assertThat(json.exit()).isZero();
    warnsOfLineFour(json);
    JsonNode score = new ObjectMapper().readTree(json.out());
    assertThat(score.at("/tokens/total_tokens").asLong()).isEqualTo(150);
    jsonWarnsOfLineFour(score.get("warnings"));
  }

  @Test
  void scoreFromStdinWarnsToo() throws IOException {
    Path cell = damagedCell();
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(Files.newInputStream(cell));
      Result json = run("score", "-", "--json");
      assertThat(json.exit()).isZero();
      JsonNode warnings = new ObjectMapper().readTree(json.out()).get("warnings");
      assertThat(warnings.size()).isEqualTo(1);
      assertThat(warnings.get(0).asText()).startsWith("<stdin>:4: ");
      assertThat(json.err()).startsWith("cab-trace: warning: <stdin>:4: ");
    } finally {
      System.setIn(stdin);
    }
  }

  @Test
  void tokensWarnsInTextAndJson() throws IOException {
    Path cell = damagedCell();

    Result text = run("tokens", cell.toString());
    assertThat(text.exit()).isZero();
    warnsOfLineFour(text);

    Result json = run("tokens", cell.toString(), "--json");
    assertThat(json.exit()).isZero();
    warnsOfLineFour(json);
    JsonNode ledger = new ObjectMapper().readTree(json.out());
    assertThat(ledger.at("/total/total").asLong()).isEqualTo(150);
    jsonWarnsOfLineFour(ledger.get("warnings"));
  }

  @Test
  void diffWarnsOfEitherSideInTextAndJson() throws IOException {
    Path damaged = damagedCell();
    Path whole = Files.writeString(dir.resolve("whole.jsonl"), OtlpLines.cell("0000000000000000000000000000abcd",
        "aider", "gpt-5").span(1, 0, "aider:t", "adapter_run", T0, T0 + 1_000_000_000L).text());

    Result text = run("diff", whole.toString(), damaged.toString());
    assertThat(text.exit()).isZero();
    warnsOfLineFour(text);

    Result json = run("diff", damaged.toString(), whole.toString(), "--json", "--max-regression", "wall=10%");
    assertThat(json.exit()).isZero();
    warnsOfLineFour(json);
    jsonWarnsOfLineFour(new ObjectMapper().readTree(json.out()).get("warnings"));
  }

  @Test
  void aCleanCaptureHasAnEmptyWarningsArrayAndAQuietStderr() throws IOException {
    Path whole = Files.writeString(dir.resolve("whole.jsonl"), OtlpLines.cell("0000000000000000000000000000abcd",
        "aider", "gpt-5").span(1, 0, "aider:t", "adapter_run", T0, T0 + 1_000_000_000L).text());

    for (String[] args : List.of(new String[] {"score", whole.toString(), "--json"},
        new String[] {"tokens", whole.toString(), "--json"}, new String[] {"diff", whole.toString(), whole.toString(), "--json"})) {
      Result result = run(args);
      assertThat(result.exit()).as(args[0]).isZero();
      assertThat(result.err()).as(args[0]).isEmpty();
      assertThat(new ObjectMapper().readTree(result.out()).get("warnings").size()).as(args[0]).isZero();
    }
  }
}
