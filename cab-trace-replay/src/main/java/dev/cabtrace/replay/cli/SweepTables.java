package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.ledger.SweepGroup;
import dev.cabtrace.replay.ledger.SweepLedger;
import dev.cabtrace.replay.terminal.TerminalText;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A sweep's ledger as {@code sweep} prints it: JSON with the scorer's snake_case keys, CSV, or a leaderboard. */
final class SweepTables {

  private static final String[] COLUMNS = {
    "tui", "model", "cells", "passes", "pass_rate", "prompt_tokens", "completion_tokens", "total_tokens",
    "model_calls", "tokens_per_correct_task", "cells_without_tokens", "wall_clock_ms_median", "wall_clock_ms_p90",
    "container_active_ms_median", "model_call_ms_total"
  };

  private SweepTables() {}

  /**
   * The ledger as JSON, laid out as Jackson's default pretty printer lays it out, written here: a
   * generator's classes would cost a sweep of small files more to load than the writing.
   */
  static String json(SweepLedger ledger) {
    StringBuilder out = new StringBuilder();
    out.append("{\n  \"cells\" : ").append(ledger.cells()).append(",\n  \"groups\" : [");
    List<SweepGroup> groups = ledger.groups();
    for (int g = 0; g < groups.size(); g++) {
      out.append(g == 0 ? " {" : ", {");
      Object[] values = values(groups.get(g));
      for (int i = 0; i < COLUMNS.length; i++) {
        out.append(i == 0 ? "\n    \"" : ",\n    \"").append(COLUMNS[i]).append("\" : ");
        Object value = values[i];
        if (value instanceof String) {
          TerminalSafeEscapes.appendQuoted(out, (String) value);
        } else {
          out.append(value); // null, a Long, a Double: as Jackson writes them
        }
      }
      out.append("\n  }");
    }
    out.append(" ],\n  \"warnings\" : [");
    List<String> warnings = ledger.warnings();
    for (int w = 0; w < warnings.size(); w++) {
      out.append(w == 0 ? " " : ", ");
      TerminalSafeEscapes.appendQuoted(out, warnings.get(w));
    }
    return out.append(" ]\n}\n").toString();
  }

  static String csv(SweepLedger ledger) {
    StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    for (SweepGroup group : ledger.groups()) {
      Object[] values = values(group);
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        Object value = values[i];
        if (value instanceof String) {
          // Quoted as RFC 4180 says; control characters escaped, so that a CSV on a terminal is safe.
          String field = TerminalText.escapeLine((String) value);
          // A spreadsheet runs a field that starts like a formula (=HYPERLINK(...)); a quote first makes it text,
          // as OWASP advises against CSV injection (a leading tab or CR, the rest of its list, is escaped above).
          // Only names are text here: numbers, a negative one too, are written as they are.
          if (!field.isEmpty() && "=+-@".indexOf(field.charAt(0)) >= 0) {
            field = "'" + field;
          }
          out.append(field.matches(".*[,\"].*") ? "\"" + field.replace("\"", "\"\"") + "\"" : field);
        } else if (value instanceof Double) {
          out.append(plain((Double) value));
        } else if (value != null) {
          out.append(value);
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  static String text(SweepLedger ledger) {
    StringBuilder out = new StringBuilder();
    out.append("Sweep: ").append(ledger.cells()).append(" cell(s) in ").append(ledger.groups().size())
        .append(" group(s) of agent and model\n\n");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"#", "Agent", "Model", "Cells", "Passes", "Pass rate", "Total tokens", "Calls",
        "Tokens/correct", "No tokens", "Wall p50", "Wall p90", "Container p50", "Model-call time"});
    int rank = 1;
    for (SweepGroup group : ledger.groups()) {
      rows.add(new String[] {
        Integer.toString(rank++),
        group.tui() == null ? "(unknown)" : TerminalText.escapeLine(group.tui()),
        group.model() == null ? "(unknown)" : TerminalText.escapeLine(group.model()),
        Long.toString(group.cells()),
        Long.toString(group.passes()),
        String.format(Locale.ROOT, "%.1f%%", group.passRate() * 100),
        group.totalTokens() == null ? "not recorded" : group.totalTokens().toString(),
        Long.toString(group.modelCalls()),
        group.tokensPerCorrectTask() == null ? "-" : String.format(Locale.ROOT, "%.1f", group.tokensPerCorrectTask()),
        Long.toString(group.cellsWithoutTokens()),
        seconds(group.wallClockMsMedian()),
        seconds(group.wallClockMsP90()),
        seconds(group.containerActiveMsMedian()),
        seconds(group.modelCallMsTotal())
      });
    }
    TraceTables.table(out, rows);
    if (!ledger.warnings().isEmpty()) {
      out.append("\nWarnings (").append(ledger.warnings().size()).append(")\n");
      for (String warning : ledger.warnings()) {
        out.append("  ").append(TerminalText.escapeLine(warning)).append('\n');
      }
    }
    return out.toString();
  }

  private static Object[] values(SweepGroup group) {
    return new Object[] {
      group.tui(), group.model(), group.cells(), group.passes(), group.passRate(), group.promptTokens(),
      group.completionTokens(), group.totalTokens(), group.modelCalls(), group.tokensPerCorrectTask(),
      group.cellsWithoutTokens(), group.wallClockMsMedian(), group.wallClockMsP90(), group.containerActiveMsMedian(),
      group.modelCallMsTotal()
    };
  }

  private static String plain(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static String seconds(double millis) {
    return String.format(Locale.ROOT, "%.2f s", millis / 1000);
  }
}
