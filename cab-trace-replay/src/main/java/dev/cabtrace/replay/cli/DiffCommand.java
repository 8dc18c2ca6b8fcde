package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.replay.ledger.TimelineDiff;
import dev.cabtrace.replay.ledger.TimelineDiff.Axis;
import dev.cabtrace.replay.ledger.TimelineDiff.SpanChange;
import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "diff", mixinStandardHelpOptions = true,
    description = {"Compare two cells: span durations, tokens per model call, and the totals from A to B.",
        "Spans are aligned by their kind:name path from the root (#n for the n-th of identical siblings, \\# and \\\\"
            + " for a # or \\ in a name); spans only in A or only in B are listed. Exit 3 when a --max-regression limit"
            + " is exceeded."})
final class DiffCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "A", description = "The cell before (any trace format; - for stdin).")
  String a;

  @Parameters(index = "1", paramLabel = "B", description = "The cell after.")
  String b;

  @Option(names = "--json", description = "Print one JSON document with snake_case keys.")
  boolean json;

  // Split by limits, not by picocli: picocli's split leaves nothing of "," to refuse.
  @Option(names = "--max-regression", paramLabel = "FIGURE=PERCENT[,FIGURE=PERCENT...]",
      description = "Largest allowed increase from A to B, e.g. tokens=10%%,wall=20%%; figures: tokens, model_calls, wall,"
          + " container, model_call_time; a negative limit asks for a decrease. A figure not recorded in A or B breaks"
          + " its limit.")
  List<String> maxRegression = new ArrayList<>();

  @Mixin StrictOption strict;

  @Mixin VerboseOption verbose;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<Axis, Double> limits = limits(maxRegression);
    if ("-".equals(a) && "-".equals(b)) {
      throw new IllegalArgumentException("only one of A and B can be - (stdin)");
    }
    TraceReader reader = strict.readerBuilder().build();
    TimelineDiff diff = TimelineDiff.of(load(reader, a), load(reader, b));
    List<String> regressions = diff.regressions(limits);
    WarningLines.print(spec.commandLine().getErr(), warnings(diff));
    spec.commandLine().getOut().print(json ? json(diff, regressions) : text(diff, regressions));
    spec.commandLine().getOut().flush();
    return regressions.isEmpty() ? 0 : 3;
  }

  /** A's load warnings, then B's; each names its file. */
  private static List<LoadWarning> warnings(TimelineDiff diff) {
    List<LoadWarning> warnings = new ArrayList<>(diff.a().warnings());
    warnings.addAll(diff.b().warnings());
    return warnings;
  }

  private static Timeline load(TraceReader reader, String file) throws TraceReadException {
    return "-".equals(file) ? reader.read(System.in, "<stdin>") : reader.read(java.nio.file.Path.of(file));
  }

  /** A limit's number: a negative one asks B to have shrunk by that much. */
  private static final java.util.regex.Pattern PERCENT = java.util.regex.Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

  /** The limits of every {@code --max-regression} value, each a comma-separated list of limits. */
  static Map<Axis, Double> limits(List<String> values) {
    Map<Axis, Double> limits = new LinkedHashMap<>();
    for (String value : values) {
      String[] items = value.split(",");
      if (items.length == 0) {
        throw new IllegalArgumentException("no regression limit in --max-regression \"" + value
            + "\" (try tokens=10%,wall=20%)");
      }
      for (String item : items) {
        limit(limits, item);
      }
    }
    return limits;
  }

  private static void limit(Map<Axis, Double> limits, String item) {
    int equals = item.indexOf('=');
    if (equals < 0) {
      throw new IllegalArgumentException("not a regression limit: \"" + item + "\" (try tokens=10%,wall=20%)");
    }
    Axis axis = Axis.fromName(item.substring(0, equals));
    String number = item.substring(equals + 1).trim();
    if (number.endsWith("%")) {
      number = number.substring(0, number.length() - 1).trim();
    }
    // A plain decimal only: Double.parseDouble would also take 0x1p3, 10d and 1e1.
    if (!PERCENT.matcher(number).matches()) {
      throw new IllegalArgumentException("not a regression limit: \"" + item + "\" (try tokens=10%,wall=20%)");
    }
    double percent = Double.parseDouble(number);
    if (Double.isInfinite(percent)) {
      // Past a double's range (about 309 digits): quoting the number whole would not help.
      throw new IllegalArgumentException("regression limit on " + axis.key() + " too large: a number of "
          + number.length() + " characters (try tokens=10%,wall=20%)");
    }
    if (limits.put(axis, percent) != null) {
      throw new IllegalArgumentException("regression limit on " + axis.key() + " given twice: \"" + item + "\"");
    }
  }

  static String text(TimelineDiff diff, List<String> regressions) {
    StringBuilder out = new StringBuilder();
    out.append("A  ").append(TerminalText.escapeLine(diff.a().source())).append('\n');
    out.append("B  ").append(TerminalText.escapeLine(diff.b().source())).append("\n\n");

    out.append("Spans (").append(diff.matched().size()).append(" in both, ").append(diff.onlyInA().size())
        .append(" only in A, ").append(diff.onlyInB().size()).append(" only in B)\n");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Span", "A", "B", "Change"});
    for (SpanChange change : diff.matched()) {
      long before = change.a().durationNanos();
      long after = change.b().durationNanos();
      rows.add(new String[] {label(change), ms(before), ms(after), signedMs(after - before) + percentOf(before, after)});
    }
    TraceTables.table(out, rows);
    onlyIn(out, "A", diff.onlyInA(), true);
    onlyIn(out, "B", diff.onlyInB(), false);

    List<SpanChange> calls = diff.matched().stream().filter(SpanChange::isModelCall).toList();
    if (!calls.isEmpty()) {
      out.append("\nModel calls (").append(calls.size()).append(" in both)\n");
      List<String[]> callRows = new ArrayList<>();
      callRows.add(new String[] {"Span", "A tokens", "B tokens", "Change"});
      for (SpanChange call : calls) {
        Long before = call.tokensA();
        Long after = call.tokensB();
        callRows.add(new String[] {label(call), tokens(before), tokens(after),
            before == null || after == null ? "-" : signed(after - before) + percentOf(before, after)});
      }
      TraceTables.table(out, callRows);
    }

    out.append("\nTotals\n");
    List<String[]> totals = new ArrayList<>();
    totals.add(new String[] {"Figure", "A", "B", "Change"});
    for (Axis axis : Axis.values()) {
      Double before = axis.valueOf(diff.scoreA());
      Double after = axis.valueOf(diff.scoreB());
      Double percent = diff.changePercent(axis);
      String change = before == null || after == null ? "-"
          : signedNumber(axis, after - before) + (percent == null ? "" : " (" + percentText(percent) + ")");
      totals.add(new String[] {axis.key(), figure(axis, before), figure(axis, after), change});
    }
    TraceTables.table(out, totals);
    if (!regressions.isEmpty()) {
      out.append('\n');
      for (String regression : regressions) {
        out.append(regression).append('\n');
      }
    }
    return out.toString();
  }

  private static void onlyIn(StringBuilder out, String side, List<SpanChange> spans, boolean inA) {
    if (spans.isEmpty()) {
      return;
    }
    out.append("\nOnly in ").append(side).append(" (").append(spans.size()).append(")\n");
    for (SpanChange change : spans) {
      TimelineSpan span = inA ? change.a() : change.b();
      Long tokens = inA ? change.tokensA() : change.tokensB();
      out.append("  ").append(TerminalText.escapeLine(change.pathText())).append("  ").append(ms(span.durationNanos()))
          .append(change.isModelCall() ? "  " + tokens(tokens) + " tokens" : "").append('\n');
    }
  }

  static String json(TimelineDiff diff, List<String> regressions) throws IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = TerminalSafeEscapes.jsonFactory().createGenerator(text)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("a", diff.a().source());
      json.writeStringField("b", diff.b().source());
      json.writeArrayFieldStart("spans");
      for (SpanChange change : diff.matched()) {
        long before = change.a().durationNanos();
        long after = change.b().durationNanos();
        json.writeStartObject();
        identity(json, change, change.a());
        json.writeNumberField("a_ms", before / 1e6);
        json.writeNumberField("b_ms", after / 1e6);
        json.writeNumberField("change_ms", (after - before) / 1e6);
        percent(json, "change_percent", before, after);
        json.writeEndObject();
      }
      json.writeEndArray();
      for (boolean inA : new boolean[] {true, false}) {
        json.writeArrayFieldStart(inA ? "only_in_a" : "only_in_b");
        for (SpanChange change : inA ? diff.onlyInA() : diff.onlyInB()) {
          TimelineSpan span = inA ? change.a() : change.b();
          json.writeStartObject();
          identity(json, change, span);
          json.writeNumberField("duration_ms", span.durationNanos() / 1e6);
          if (change.isModelCall()) {
            nullable(json, "tokens", inA ? change.tokensA() : change.tokensB());
          }
          json.writeEndObject();
        }
        json.writeEndArray();
      }
      json.writeArrayFieldStart("model_calls");
      for (SpanChange call : diff.matched()) {
        if (call.isModelCall()) {
          json.writeStartObject();
          json.writeStringField("path", call.pathText());
          nullable(json, "a_tokens", call.tokensA());
          nullable(json, "b_tokens", call.tokensB());
          nullable(json, "change", call.tokensA() == null || call.tokensB() == null ? null : call.tokensB() - call.tokensA());
          json.writeEndObject();
        }
      }
      json.writeEndArray();
      json.writeObjectFieldStart("totals");
      for (Axis axis : Axis.values()) {
        Double before = axis.valueOf(diff.scoreA());
        Double after = axis.valueOf(diff.scoreB());
        json.writeObjectFieldStart(axis.key());
        boolean whole = axis == Axis.TOTAL_TOKENS || axis == Axis.MODEL_CALLS;
        number(json, "a", before, whole);
        number(json, "b", after, whole);
        number(json, "change", before == null || after == null ? null : after - before, whole);
        Double percent = diff.changePercent(axis);
        number(json, "change_percent", percent == null || percent.isInfinite() ? null : percent, false);
        json.writeEndObject();
      }
      json.writeEndObject();
      json.writeArrayFieldStart("regressions");
      for (String regression : regressions) {
        json.writeString(regression);
      }
      json.writeEndArray();
      TimelineJson.warnings(json, warnings(diff));
      json.writeEndObject();
    }
    return text.append('\n').toString();
  }

  private static void identity(JsonGenerator json, SpanChange change, TimelineSpan span) throws IOException {
    json.writeStringField("path", change.pathText());
    json.writeStringField("kind", span.kindName());
    json.writeStringField("name", span.name());
  }

  private static void percent(JsonGenerator json, String field, long before, long after) throws IOException {
    if (before == 0) {
      json.writeNullField(field);
    } else {
      json.writeNumberField(field, (after - before) * 100.0 / before);
    }
  }

  private static void nullable(JsonGenerator json, String field, Long value) throws IOException {
    if (value == null) {
      json.writeNullField(field);
    } else {
      json.writeNumberField(field, value);
    }
  }

  private static void number(JsonGenerator json, String field, Double value, boolean whole) throws IOException {
    if (value == null) {
      json.writeNullField(field);
    } else if (whole) {
      json.writeNumberField(field, Math.round(value));
    } else {
      // Nanosecond precision: a difference of two doubles must not print as 1.6249999999.
      json.writeNumberField(field, Math.round(value * 1e6) / 1e6);
    }
  }

  private static String label(SpanChange change) {
    List<String> path = change.path();
    String last = path.get(path.size() - 1);
    int depth = path.size() - 1;
    String indent = "  ".repeat(Math.min(depth, 12)) + (depth > 0 ? "↳ " : "");
    return indent + TerminalText.escapeLine(last);
  }

  private static String ms(long nanos) {
    return ScoreCommand.millis(nanos) + " ms";
  }

  private static String signedMs(long nanos) {
    return (nanos > 0 ? "+" : "") + ScoreCommand.millis(nanos) + " ms";
  }

  private static String signed(long value) {
    return (value > 0 ? "+" : "") + value;
  }

  private static String percentOf(long before, long after) {
    if (before == 0) {
      return after == 0 ? "" : " (new)";
    }
    return " (" + percentText((after - before) * 100.0 / before) + ")";
  }

  private static String percentText(double percent) {
    return Double.isInfinite(percent) ? "from 0" : String.format(Locale.ROOT, "%+.1f%%", percent);
  }

  private static String tokens(Long tokens) {
    return tokens == null ? "not recorded" : tokens.toString();
  }

  private static String figure(Axis axis, Double value) {
    if (value == null) {
      return "not recorded";
    }
    return axis == Axis.TOTAL_TOKENS || axis == Axis.MODEL_CALLS
        ? Long.toString(Math.round(value))
        : java.math.BigDecimal.valueOf(value).setScale(6, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
  }

  private static String signedNumber(Axis axis, double change) {
    String text = figure(axis, change);
    return change > 0 ? "+" + text : text;
  }
}
