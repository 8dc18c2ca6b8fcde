package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.LoadWarning;
import java.io.PrintWriter;
import java.util.List;

/**
 * Warnings on stderr, one line each with every control character escaped: {@code cab-trace:
 * warning: cell.jsonl:3: not JSON ...; skipped}. A command whose output has no room for them
 * (a budget verdict, a ledger, a score) still says what the load skipped.
 */
final class WarningLines {

  private WarningLines() {}

  static void print(PrintWriter err, String warning) {
    err.println("cab-trace: warning: " + TerminalText.escapeLine(warning));
  }

  static void print(PrintWriter err, List<LoadWarning> warnings) {
    for (LoadWarning warning : warnings) {
      print(err, warning.toString());
    }
    err.flush();
  }
}
