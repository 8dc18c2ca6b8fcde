package dev.cabtrace.replay.ledger;

import static dev.cabtrace.replay.ledger.OtlpLines.bool;
import static dev.cabtrace.replay.ledger.OtlpLines.integer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CellScoreTest {

  private static final String TRACE = "8293433263b72503f683e7696220d242";
  private static final long T0 = 1_781_680_663_106_812_000L;

  static String fixture(String name) throws IOException {
    try (InputStream in = CellScoreTest.class.getResourceAsStream("/dev/cabtrace/replay/read/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Timeline read(String text, String name) throws IOException {
    return TraceReader.create().read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), name);
  }

  /**
   * The seed cell, by hand from the fixture: adapter_run runs 1781680663108062000 to
   * 1781680748564337000 ns = 85456.275 ms, the seed's wall_clock_ms; container 1781680663108412000
   * to 1781680748564111000 = 85455.699 ms. The whole trace (task_setup's start to cleanup's end)
   * is 85457.900 ms, which is not what the scorer reports. No model call, no cab.pass.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"seed-cell.otlp.jsonl", "seed-cell.tempo-v1.json", "seed-cell.tempo-v2.json",
      "seed-cell.jaeger.json", "seed-cell.zipkin.json"})
  void theSeedCellsAxesInEveryFormat(String name) throws IOException {
    Timeline seed = read(fixture(name), name);
    CellScore score = CellScore.of(seed);

    assertThat(score.wallClockNanos()).isEqualTo(85_456_275_000L);
    assertThat(score.wallClockMs()).isEqualTo(85456.275);
    assertThat(score.containerActiveMs()).isEqualTo(85455.699);
    assertThat(score.modelCallMs()).isZero();
    assertThat(score.modelCalls()).isZero();
    assertThat(score.promptTokens()).isNull();
    assertThat(score.completionTokens()).isNull();
    assertThat(score.totalTokens()).isNull();
    assertThat(score.tokensPerCorrectTask()).isNull();
    assertThat(score.pass()).isNull();
    assertThat(score.passUsedForDivision()).isNull();
    assertThat(seed.durationNanos()).isEqualTo(85_457_900_000L);
  }

  @Test
  void theSeedWithItsVerdictDividesByOne() throws IOException {
    String agent = "{\"key\":\"gen_ai.agent.name\",\"value\":{\"stringValue\":\"openhands\"}}";
    String passed = fixture("seed-cell.otlp.jsonl").replace(agent, agent + "," + bool("cab.pass", true));
    String failed = fixture("seed-cell.otlp.jsonl").replace(agent, agent + "," + bool("cab.pass", false));

    assertThat(CellScore.of(read(passed, "passed")).passUsedForDivision()).isEqualTo(1);
    assertThat(CellScore.of(read(failed, "failed")).passUsedForDivision()).isZero();
    // Still no tokens: nothing to divide.
    assertThat(CellScore.of(read(passed, "passed")).tokensPerCorrectTask()).isNull();
  }

  @Test
  void usageOnASpanOfAnotherKindIsNotACall() throws IOException {
    String totals = OtlpLines.integer("gen_ai.usage.input_tokens", 3000) + ","
        + OtlpLines.integer("gen_ai.usage.output_tokens", 350);
    String call = OtlpLines.integer("gen_ai.usage.input_tokens", 1000) + ","
        + OtlpLines.integer("gen_ai.usage.output_tokens", 100);
    // The run carries its totals; the call is declared.
    String text = OtlpLines.cell("000000000000000000000000000000fe", "aider", "gpt-5")
        .span(1, 0, "aider:t", "adapter_run", T0, T0 + 10_000_000_000L, totals)
        .span(2, 1, "chat gpt-5", "model_call", T0 + 1_000, T0 + 2_000, call)
        .text();

    CellScore score = CellScore.of(read(text, "totals"));

    assertThat(score.modelCalls()).isEqualTo(1);
    assertThat(score.totalTokens()).isEqualTo(1100);
    assertThat(score.modelCallNanos()).isEqualTo(1_000);
  }

  @Test
  void genAiSpansAreCallsInATraceWithoutDeclaredOnesAndNotCountedTwiceBesideThem() throws IOException {
    String usage = OtlpLines.integer("gen_ai.usage.input_tokens", 1000) + ","
        + OtlpLines.integer("gen_ai.usage.output_tokens", 100);
    String kind = "{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"model_call\"}},";
    // An agent's own instrumentation: GenAI spans with usage and no cab.span.kind.
    String agentOnly = OtlpLines.cell("000000000000000000000000000000fd", "aider", "gpt-5")
        .span(1, 0, "aider:t", "adapter_run", T0, T0 + 10_000_000L, bool("cab.pass", true))
        .span(2, 1, "chat gpt-5", "model_call", T0 + 1_000, T0 + 3_000, usage)
        .span(3, 1, "chat gpt-5", "model_call", T0 + 4_000, T0 + 5_000, usage)
        .text().replace(kind, "");
    // The same agent run through record's proxy: the proxy declares the call, and the agent's span
    // for it is beside it.
    String both = OtlpLines.cell("000000000000000000000000000000fd", "aider", "gpt-5")
        .span(1, 0, "aider:t", "adapter_run", T0, T0 + 10_000_000L, bool("cab.pass", true))
        .span(2, 1, "chat gpt-5", "model_call", T0 + 1_000, T0 + 3_000, usage)
        .text()
        + OtlpLines.cell("000000000000000000000000000000fd", "aider", "gpt-5")
        .span(3, 1, "chat gpt-5", "model_call", T0 + 500, T0 + 3_500, usage)
        .text().replace(kind, "");

    for (String[] cell : new String[][] {{agentOnly, "2", "2200", "3000"}, {both, "1", "1100", "2000"}}) {
      Timeline timeline = read(cell[0], "cell");
      long calls = Long.parseLong(cell[1]);
      long tokens = Long.parseLong(cell[2]);
      CellScore score = CellScore.of(timeline);
      assertThat(score.modelCalls()).isEqualTo(calls);
      assertThat(score.totalTokens()).isEqualTo(tokens);
      assertThat(score.modelCallNanos()).isEqualTo(Long.parseLong(cell[3]));
      assertThat(timeline.modelCalls()).hasSize((int) calls);
      assertThat(timeline.tokens().total()).isEqualTo(tokens);
      assertThat(timeline.frame(timeline.durationNanos()).tokens().total()).isEqualTo(tokens);
      CellScore streamed = TraceFacts.read(new ByteArrayInputStream(cell[0].getBytes(StandardCharsets.UTF_8)), "cell",
          TraceReader.create()).score();
      assertThat(streamed).isEqualTo(score);
    }
  }

  @Test
  void figuresThatWouldOverflowAreHeldAtTheLargestLong() throws IOException {
    // Three containers of 2^62 ns each and two calls of 2^62 tokens: sums past Long.MAX_VALUE.
    long quarter = 1L << 62;
    String usage = OtlpLines.integer("gen_ai.usage.input_tokens", quarter) + ","
        + OtlpLines.integer("gen_ai.usage.output_tokens", quarter);
    OtlpLines cell = OtlpLines.cell("000000000000000000000000000000ff", "aider", "gpt-5")
        .span(1, 0, "aider:t", "adapter_run", 1, quarter * 3)
        .span(2, 1, "aider:run", "container", 1, quarter + 1)
        .span(3, 1, "aider:run", "container", 1, quarter + 1)
        .span(4, 1, "aider:run", "container", 1, quarter + 1)
        .span(5, 2, "chat", "model_call", 1, quarter + 1, usage)
        .span(6, 2, "chat", "model_call", 1, quarter + 1, usage);

    CellScore score = CellScore.of(cell.read("huge"));

    assertThat(score.containerActiveNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(score.modelCallNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(score.promptTokens()).isEqualTo(Long.MAX_VALUE);
    assertThat(score.totalTokens()).isEqualTo(Long.MAX_VALUE);
    SweepLedger.Builder ledger = SweepLedger.builder();
    ledger.add("aider", "gpt-5", score);
    ledger.add("aider", "gpt-5", score);
    assertThat(ledger.build().groups().get(0).modelCallMsTotal()).isEqualTo(Long.MAX_VALUE / 1e6);
  }

  @Test
  void theAiderCellsTokensAndLatency() throws IOException {
    CellScore score = CellScore.of(read(fixture("aider-cell.official-otlp-stdout-1.63.jsonl"), "aider"));

    assertThat(score.promptTokens()).isEqualTo(11254);
    assertThat(score.completionTokens()).isEqualTo(508);
    assertThat(score.totalTokens()).isEqualTo(11762);
    assertThat(score.modelCalls()).isEqualTo(2);
    // Its two calls last 2400 and 800 ms.
    assertThat(score.modelCallMs()).isEqualTo(3200.0);
  }

  private static OtlpLines run(Boolean pass, String... callUsage) {
    OtlpLines cell = OtlpLines.cell(TRACE, "aider", "gpt-5-mini")
        .span(1, 0, "prepare:t", "task_setup", T0, T0 + 1_000_000)
        .span(2, 0, "aider:t", "adapter_run", T0 + 2_000_000, T0 + 10_002_000_123L,
            pass == null ? new String[0] : new String[] {bool("cab.pass", pass)})
        .span(3, 2, "aider:run", "container", T0 + 3_000_000, T0 + 9_003_000_000L)
        .span(9, 0, "cleanup:aider", "cleanup", T0 + 10_003_000_000L, T0 + 11_000_000_000L);
    for (int i = 0; i < callUsage.length; i++) {
      long start = T0 + 4_000_000_000L + i * 1_000_000_000L;
      String[] counts = callUsage[i].split("/");
      java.util.List<String> attributes = new java.util.ArrayList<>();
      if (!counts[0].equals("?")) {
        attributes.add(integer("gen_ai.usage.input_tokens", Long.parseLong(counts[0])));
      }
      if (!counts[1].equals("?")) {
        attributes.add(integer("gen_ai.usage.output_tokens", Long.parseLong(counts[1])));
      }
      cell.span(10 + i, 3, "chat gpt-5-mini", "model_call", start, start + 500_000_500L, attributes.toArray(new String[0]));
    }
    return cell;
  }

  @Test
  void tokensAreSummedOverEveryCallAndDividedByThePass() throws IOException {
    CellScore score = CellScore.of(run(true, "1000/100", "2000/250").read("cell"));

    assertThat(score.promptTokens()).isEqualTo(3000);
    assertThat(score.completionTokens()).isEqualTo(350);
    assertThat(score.totalTokens()).isEqualTo(3350);
    assertThat(score.tokensPerCorrectTask()).isEqualTo(3350);
    assertThat(score.passUsedForDivision()).isEqualTo(1);
    assertThat(score.modelCalls()).isEqualTo(2);
    assertThat(score.modelCallNanos()).isEqualTo(1_000_001_000L);
    assertThat(score.wallClockNanos()).isEqualTo(10_000_000_123L);
    assertThat(score.wallClockMs()).isEqualTo(10000.000123);
    assertThat(score.containerActiveNanos()).isEqualTo(9_000_000_000L);
  }

  @Test
  void oneCallWithoutItsCountMakesTheCellsTokensUnknown() throws IOException {
    CellScore score = CellScore.of(run(false, "1000/100", "2000/?").read("cell"));

    assertThat(score.hasTokens()).isFalse();
    assertThat(score.promptTokens()).isNull();
    assertThat(score.totalTokens()).isNull();
    assertThat(score.modelCalls()).isEqualTo(2);
    assertThat(score.passUsedForDivision()).isZero();
  }

  @Test
  void aFailedCellHasTokensButNoTokensPerCorrectTask() throws IOException {
    CellScore score = CellScore.of(run(false, "1000/100").read("cell"));

    assertThat(score.totalTokens()).isEqualTo(1100);
    assertThat(score.tokensPerCorrectTask()).isNull();
  }

  @Test
  void withoutAnAdapterRunTheWallClockIsTheWholeTrace() throws IOException {
    Timeline timeline = OtlpLines.cell(TRACE, null, null)
        .span(1, 0, "setup", "task_setup", T0, T0 + 5_000_000)
        .span(2, 0, "run", "container", T0 + 1_000_000, T0 + 7_500_000)
        .read("bare");

    CellScore score = CellScore.of(timeline);
    assertThat(score.wallClockMs()).isEqualTo(7.5);
    assertThat(score.containerActiveMs()).isEqualTo(6.5);
  }

  @Test
  void aRunThatNeverEndedRunsToTheTracesLatestTimeInEitherPath() throws IOException {
    // adapter_run and one container have no end; the trace's latest time is the tool call's end at 5 ms.
    String cell = OtlpLines.cell(TRACE, "aider", "m")
        .span(1, 0, "agent", "adapter_run", T0, 0)
        .span(2, 1, "c:agent", "container", T0 + 1_000_000, T0 + 3_000_000)
        .span(3, 1, "c:tests", "container", T0 + 2_000_000, 0)
        .span(4, 3, "pytest", "tool_call", T0 + 2_500_000, T0 + 5_000_000)
        .text();

    CellScore score = CellScore.of(read(cell, "cell"));
    CellScore streamed = TraceFacts.read(new ByteArrayInputStream(cell.getBytes(StandardCharsets.UTF_8)), "cell",
        TraceReader.create()).score();

    assertThat(score.wallClockMs()).isEqualTo(5.0);
    assertThat(score.containerActiveMs()).isEqualTo(2.0 + 3.0);
    assertThat(score.runUnfinished()).isTrue();
    assertThat(streamed).isEqualTo(score);
    assertThat(CellScore.of(read(cell.replace("\"endTimeUnixNano\":\"0\"", "\"endTimeUnixNano\":\"" + (T0 + 6_000_000) + "\""),
        "ended")).runUnfinished()).isFalse();
  }

  @Test
  void tokenCountsAreBothKnownOrBothUnknown() {
    assertThatThrownBy(() -> new CellScore(1L, null, 1, null, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
