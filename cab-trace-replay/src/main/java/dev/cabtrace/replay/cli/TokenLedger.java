package dev.cabtrace.replay.cli;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.internal.SaturatingSum;
import dev.cabtrace.replay.ledger.CellScore;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.replay.timeline.TokenTotals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Tokens per cell and per model, as the cell page's scorer counts them: tokens per correct task is
 * the cell's total divided by its pass, read and computed as {@code score} does ({@link
 * CellScore#verdict}, {@link CellScore#tokensPerCorrectTask()}).
 */
final class TokenLedger {

  /**
   * One row of the ledger.
   *
   * @param name the cell's {@code cab.cell_id} (where none, the trace's source, as show names the
   *     cell; spans of a resource without one are the cell's when the trace holds one cell id), or
   *     the model
   * @param tokens the tokens
   * @param passes 1 when the cell passed, 0 when it failed, when the trace records a verdict
   *     ({@link CellScore#verdict}); else null
   * @param tokensPerCorrectTask total tokens divided by passes, when the cell passed and every call
   *     reported its usage; else null
   */
  record Row(String name, TokenTotals tokens, Long passes, Long tokensPerCorrectTask) {}

  private final List<Row> cells;
  private final List<Row> models;
  private final TokenTotals total;

  private TokenLedger(List<Row> cells, List<Row> models, TokenTotals total) {
    this.cells = cells;
    this.models = models;
    this.total = total;
  }

  static TokenLedger of(Timeline timeline) {
    Accumulator ledger = new Accumulator(timeline.source());
    timeline.spans().forEach(ledger);
    return ledger.ledger();
  }

  /**
   * Gathers the ledger from spans given one by one, in any order (a streamed file): rows are
   * sorted by cell and by model, so the order of the spans does not show.
   */
  static final class Accumulator implements Consumer<TimelineSpan> {
    private final String source;
    private final Map<String, Boolean> verdicts = new HashMap<>();
    // Declared calls, and those taken for calls by their GenAI attributes: the second only count
    // in a trace without the first (ModelCall.declares).
    private final Calls declared = new Calls();
    private final Calls inferred = new Calls();
    // Cells named by cab.cell_id: each is listed, model calls or not.
    private final java.util.Set<String> named = new java.util.HashSet<>();

    Accumulator(String source) {
      this.source = source;
    }

    @Override
    public void accept(TimelineSpan span) {
      spans++;
      cellOf(span); // a cell without a model call is still a cell
      if (span.kind() == CabSpanKind.ADAPTER_RUN) {
        String cell = cellOf(span);
        Boolean verdict = CellScore.verdict(verdicts.get(cell), span);
        if (verdict != null) {
          verdicts.put(cell, verdict);
        }
      }
      ModelCall call = ModelCall.of(span);
      if (call != null) {
        (ModelCall.declares(span) ? declared : inferred).add(cellOf(span), call);
      }
    }

    private Map<String, Object> lastResource;
    private String lastResourceCell;
    private long spans;

    private String cellOf(TimelineSpan span) {
      Map<String, Object> resource = span.resource();
      if (resource != lastResource) {
        Object cell = resource.get("cab.cell_id");
        lastResource = resource;
        lastResourceCell = cell != null ? String.valueOf(cell) : source;
        if (cell != null) {
          named.add(lastResourceCell);
        }
      }
      return lastResourceCell;
    }

    TokenLedger ledger() {
      Calls counted = declared.total.calls > 0 ? declared : inferred;
      Map<String, Sum> byCell = counted.byCell;
      if (named.size() == 1 && !named.contains(source)) {
        // One cell: a resource without cab.cell_id is the agent's own (record's receiver keeps each
        // exporter's resource), so its spans are that cell's, as score counts them. With several
        // cells (a sweep's merged trace) there is no telling whose they are: the file's row.
        String cell = named.iterator().next();
        Sum unnamed = byCell.remove(source);
        if (unnamed != null) {
          byCell.computeIfAbsent(cell, key -> new Sum()).add(unnamed);
        }
        Boolean verdict = verdicts.remove(source);
        if (verdict != null) {
          Boolean sofar = verdicts.get(cell);
          verdicts.put(cell, sofar == null ? verdict : sofar && verdict);
        }
      }
      for (String cell : verdicts.keySet()) {
        byCell.putIfAbsent(cell, new Sum());
      }
      for (String cell : named) {
        byCell.putIfAbsent(cell, new Sum());
      }
      if (named.isEmpty() && spans > 0) {
        byCell.putIfAbsent(source, new Sum()); // no cab.cell_id: the cell is the file, as show names it
      }
      List<Row> cells = new ArrayList<>();
      for (Map.Entry<String, Sum> cell : new TreeMap<>(byCell).entrySet()) {
        TokenTotals tokens = cell.getValue().totals();
        Boolean verdict = verdicts.get(cell.getKey());
        // As score: tokens not recorded (no call, or a call without its usage) divide into nothing.
        boolean tokensKnown = tokens.calls() > 0 && tokens.unknownCalls() == 0;
        Long perCorrect = verdict == null ? null
            : new CellScore(tokensKnown ? tokens.input() : null, tokensKnown ? tokens.output() : null, tokens.calls(),
                verdict, 0, 0, 0).tokensPerCorrectTask();
        cells.add(new Row(cell.getKey(), tokens, verdict == null ? null : verdict ? 1L : 0L, perCorrect));
      }
      List<Row> models = new ArrayList<>();
      for (Map.Entry<String, Sum> model : new TreeMap<>(counted.byModel).entrySet()) {
        models.add(new Row(model.getKey(), model.getValue().totals(), null, null));
      }
      return new TokenLedger(cells, models, counted.total.totals());
    }
  }

  /** Calls summed by cell, by model and in all. */
  private static final class Calls {
    // Sums kept mutable while the spans stream by, and the last cell's and model's remembered:
    // spans come a cell at a time, and their ids are the same string instances.
    final Map<String, Sum> byCell = new HashMap<>();
    final Map<String, Sum> byModel = new HashMap<>();
    final Sum total = new Sum();
    private String lastCell;
    private Sum lastCellSum;
    private String lastModel;
    private Sum lastModelSum;

    void add(String cell, ModelCall call) {
      if (cell != lastCell) {
        lastCell = cell;
        lastCellSum = byCell.computeIfAbsent(cell, key -> new Sum());
      }
      String model = call.model();
      if (model != lastModel) {
        lastModel = model;
        lastModelSum = byModel.computeIfAbsent(model, key -> new Sum());
      }
      lastCellSum.add(call);
      lastModelSum.add(call);
      total.add(call);
    }
  }

  /** {@link TokenTotals} being summed. */
  private static final class Sum {
    private long input;
    private long output;
    private long cacheRead;
    private long reasoning;
    private long calls;
    private long unknownCalls;

    void add(ModelCall call) {
      Long in = call.inputTokens();
      Long out = call.outputTokens();
      calls++;
      if (in == null || out == null) {
        unknownCalls++; // left out of every sum, as TokenTotals.plus
        return;
      }
      // Held at Long.MAX_VALUE, as score's sums are: absurd counts must not wrap to a negative total.
      input = SaturatingSum.of(input, in);
      output = SaturatingSum.of(output, out);
      cacheRead = SaturatingSum.of(cacheRead, call.cacheReadInputTokens() == null ? 0 : call.cacheReadInputTokens());
      reasoning = SaturatingSum.of(reasoning, call.reasoningOutputTokens() == null ? 0 : call.reasoningOutputTokens());
    }

    void add(Sum other) {
      input = SaturatingSum.of(input, other.input);
      output = SaturatingSum.of(output, other.output);
      cacheRead = SaturatingSum.of(cacheRead, other.cacheRead);
      reasoning = SaturatingSum.of(reasoning, other.reasoning);
      calls += other.calls;
      unknownCalls += other.unknownCalls;
    }

    TokenTotals totals() {
      return new TokenTotals(input, output, cacheRead, reasoning, calls, unknownCalls);
    }
  }

  List<Row> cells() {
    return cells;
  }

  List<Row> models() {
    return models;
  }

  TokenTotals total() {
    return total;
  }

  String render() {
    StringBuilder out = new StringBuilder();
    out.append("Tokens per cell\n");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Cell", "Calls", "Prompt", "Completion", "Cache read", "Reasoning", "Total", "Passes", "Tokens/correct"});
    for (Row row : cells) {
      rows.add(cells(dev.cabtrace.replay.terminal.TerminalText.escapeLine(row.name()), row, true));
    }
    TraceTables.table(out, rows);
    out.append('\n').append("Tokens per model\n");
    List<String[]> modelRows = new ArrayList<>();
    modelRows.add(new String[] {"Model", "Calls", "Prompt", "Completion", "Cache read", "Reasoning", "Total"});
    for (Row row : models) {
      String[] full = cells(dev.cabtrace.replay.terminal.TerminalText.escapeLine(row.name()), row, false);
      modelRows.add(java.util.Arrays.copyOf(full, 7));
    }
    TraceTables.table(out, modelRows);
    out.append('\n').append("Total: ").append(total.input()).append(" prompt + ").append(total.output())
        .append(" completion = ").append(total.total()).append(" tokens over ").append(total.calls()).append(" call(s)");
    if (total.unknownCalls() > 0) {
      out.append("; ").append(total.unknownCalls()).append(" call(s) reported no usage");
    }
    out.append('\n');
    if (total.calls() == 0) {
      out.append("Per-call token capture is not available for this run.\n");
    }
    return out.toString();
  }

  private static String[] cells(String name, Row row, boolean withPasses) {
    TokenTotals t = row.tokens();
    return new String[] {
      name, Long.toString(t.calls()), Long.toString(t.input()), Long.toString(t.output()),
      Long.toString(t.cacheRead()), Long.toString(t.reasoning()), Long.toString(t.total()),
      withPasses && row.passes() != null ? row.passes().toString() : "-",
      withPasses && row.tokensPerCorrectTask() != null ? row.tokensPerCorrectTask().toString() : "-"
    };
  }
}
