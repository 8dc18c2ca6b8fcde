package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.ledger.Budget;
import dev.cabtrace.replay.ledger.SweepLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Print a sweep's ledger per agent and model, as a leaderboard.",
        "Reads every capture (*.jsonl, with its crash journal) under the PATHs, or every trace a backend holds for"
            + " --sweep ID. A cell that cannot be read becomes a warning naming it; the rest still count."})
final class SweepCommand implements Callable<Integer> {

  @Parameters(paramLabel = "PATH", arity = "0..*",
      description = "Capture files, or directories searched recursively for *.jsonl.")
  List<String> paths = new ArrayList<>();

  @Option(names = "--from", paramLabel = "URL",
      description = "Search a backend's query API for the sweep's traces instead: Tempo, Jaeger or Zipkin.")
  String from;

  @Option(names = "--sweep", paramLabel = "ID", description = "With --from: the cab.sweep_id to search for.")
  String sweepId;

  @Option(names = "--service", paramLabel = "NAME", defaultValue = "cab-harness",
      description = "With --from on Jaeger, which searches within one service: its name (default: ${DEFAULT-VALUE}).")
  String service;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
      description = "With --from: at most N traces (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--since", paramLabel = "DURATION",
      description = "With --from: search traces of the last DURATION (e.g. 6h, P7D); default: the backend's own window.")
  String since;

  @Option(names = "--json", description = "Print {\"cells\": N, \"groups\": [...], \"warnings\": [...]}.")
  boolean json;

  @Option(names = "--csv", description = "Print one CSV row per group, with a header row; warnings go to stderr. A name that starts with"
      + " =, +, - or @ gets a ' before it, so that a spreadsheet does not run it.")
  boolean csv;

  @Option(names = "--strict", description = "A cell with a bad line is not counted (a warning) instead of counted without it.")
  boolean strict;

  @Mixin VerboseOption verbose;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (json && csv) {
      throw new IllegalArgumentException("--json and --csv exclude each other");
    }
    if (from == null) {
      for (String option : List.of("--sweep", "--service", "--limit", "--since")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw new IllegalArgumentException(option + " needs --from URL");
        }
      }
    }
    if (from != null && (sweepId == null || !paths.isEmpty())) {
      throw new IllegalArgumentException("--from needs --sweep ID and no PATH");
    }
    if (from != null) {
      HttpUrl.check("--from", from, "http://tempo:3200");
    }
    if (from == null && paths.isEmpty()) {
      throw new IllegalArgumentException("give at least one PATH, or --from URL --sweep ID");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1");
    }
    Duration window = since == null ? null : Budget.parseDuration(since);
    SweepLedger.Builder ledger = SweepLedger.builder();
    if (from != null) {
      SweepCells.fromBackend(from, BackendSearch.search(from, sweepId, service, limit, window, System.currentTimeMillis()),
          strict, ledger);
    } else {
      // "-" is one cell read from stdin, as every command reads it; the rest are files and folders.
      List<String> files = paths.stream().filter(path -> !"-".equals(path)).toList();
      if (files.size() < paths.size() - 1) {
        throw new IllegalArgumentException("- (stdin) can be given once");
      }
      // One file reached by several paths (a directory and a file in it, a link to either, a
      // hard link) counts once.
      Map<Object, Path> taken = new HashMap<>();
      if (!files.isEmpty()) {
        SweepCells.fromFiles(SweepCaptures.of(files, ledger, taken), strict, taken, ledger);
      }
      if (files.size() < paths.size()) {
        SweepCells.fromStdin(System.in, strict, ledger);
      }
    }
    SweepLedger result = ledger.build();
    if (result.cells() == 0 && result.warnings().isEmpty()) {
      // An empty ledger that exits 0 would hide a mistyped path in CI; the warning goes where every
      // sweep warning goes.
      result = ledger.addWarning("no cell found in " + String.join(" ", paths)
          + (from == null ? "" : from + " (sweep " + sweepId + ")")).build();
    }
    spec.commandLine().getOut().print(json ? SweepTables.json(result) : csv ? SweepTables.csv(result) : SweepTables.text(result));
    spec.commandLine().getOut().flush();
    if (csv) {
      for (String warning : result.warnings()) {
        WarningLines.print(spec.commandLine().getErr(), warning);
      }
    }
    return result.cells() == 0 ? 1 : 0;
  }
}
