package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.ledger.CellScore;
import dev.cabtrace.replay.ledger.TraceFacts;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.LoadWarning;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Print the cell's tokens and latency axes with the scorer's key names; a figure not recorded is null.")
final class ScoreCommand implements Callable<Integer> {

  @Mixin TraceSource source;

  @Option(names = "--json", description = "Print {\"tokens\": {...}, \"latency\": {...}} as the cell page's scorer breakdown does, and"
      + " \"warnings\": [...], the load's.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    TraceFacts facts = source.facts(span -> {});
    CellScore score = facts.score();
    WarningLines.print(spec.commandLine().getErr(), facts.warnings());
    spec.commandLine().getOut().print(json ? json(score, facts.warnings()) : text(facts, score));
    spec.commandLine().getOut().flush();
    return 0;
  }

  static String json(CellScore score, List<LoadWarning> warnings) throws IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = TerminalSafeEscapes.jsonFactory().createGenerator(text)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeObjectFieldStart("tokens");
      nullable(json, "prompt_tokens", score.promptTokens());
      nullable(json, "completion_tokens", score.completionTokens());
      nullable(json, "total_tokens", score.totalTokens());
      json.writeNumberField("model_calls", score.modelCalls());
      nullable(json, "tokens_per_correct_task", score.tokensPerCorrectTask());
      nullable(json, "pass_used_for_division", score.passUsedForDivision() == null ? null : score.passUsedForDivision().longValue());
      json.writeEndObject();
      json.writeObjectFieldStart("latency");
      json.writeNumberField("wall_clock_ms", score.wallClockMs());
      json.writeNumberField("container_active_ms", score.containerActiveMs());
      json.writeNumberField("model_call_ms", score.modelCallMs());
      json.writeBooleanField("run_unfinished", score.runUnfinished());
      json.writeEndObject();
      TimelineJson.warnings(json, warnings);
      json.writeEndObject();
    }
    return text.append('\n').toString();
  }

  private static String text(TraceFacts facts, CellScore score) {
    Object cell = facts.resource().get("cab.cell_id");
    StringBuilder out = new StringBuilder();
    out.append("Cell ").append(TerminalText.escapeLine(cell == null ? facts.source() : String.valueOf(cell)))
        .append("\n\n");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"tokens", "", ""});
    rows.add(new String[] {"  prompt_tokens", orNotRecorded(score.promptTokens()), ""});
    rows.add(new String[] {"  completion_tokens", orNotRecorded(score.completionTokens()), ""});
    rows.add(new String[] {"  total_tokens", orNotRecorded(score.totalTokens()),
        score.hasTokens() || score.modelCalls() == 0 ? "" : "a model call reported no usage"});
    rows.add(new String[] {"  model_calls", Long.toString(score.modelCalls()), ""});
    rows.add(new String[] {"  tokens_per_correct_task", orNotRecorded(score.tokensPerCorrectTask()),
        score.hasTokens() && Boolean.FALSE.equals(score.pass()) ? "no correct task" : ""});
    rows.add(new String[] {"  pass_used_for_division", orNotRecorded(score.passUsedForDivision()),
        score.pass() == null ? "no cab.pass on adapter_run" : ""});
    rows.add(new String[] {"latency", "", ""});
    rows.add(new String[] {"  wall_clock_ms", millis(score.wallClockNanos()), Durations.seconds(score.wallClockNanos())
        + (score.runUnfinished() ? ", at least: adapter_run never ended" : "")});
    rows.add(new String[] {"  container_active_ms", millis(score.containerActiveNanos()),
        Durations.seconds(score.containerActiveNanos())});
    rows.add(new String[] {"  model_call_ms", millis(score.modelCallNanos()), Durations.seconds(score.modelCallNanos())});
    TraceTables.table(out, rows);
    if (score.modelCalls() == 0) {
      out.append("\nPer-call token capture is not available for this run.\n");
    }
    return out.toString();
  }

  private static String orNotRecorded(Object value) {
    return value == null ? "not recorded" : value.toString();
  }

  /** Exact milliseconds from nanoseconds: {@code 85456.275}. */
  static String millis(long nanos) {
    return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString();
  }

  private static void nullable(JsonGenerator json, String field, Long value) throws IOException {
    if (value == null) {
      json.writeNullField(field);
    } else {
      json.writeNumberField(field, value);
    }
  }
}
