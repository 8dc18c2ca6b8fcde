package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.ledger.Budget;
import dev.cabtrace.replay.ledger.BudgetCheck;
import dev.cabtrace.replay.ledger.TraceFacts;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Check the cell against budgets: exit 0 within every one, 3 when any is broken (one line each).",
        "A token budget on a cell whose tokens were not recorded is broken, and so is --max-wall on a run that never"
            + " ended."})
final class CheckCommand implements Callable<Integer> {

  @Mixin TraceSource source;

  @Option(names = "--max-total-tokens", paramLabel = "N", description = "At most N prompt plus completion tokens.")
  Long maxTotalTokens;

  @Option(names = "--max-model-calls", paramLabel = "N", description = "At most N model calls.")
  Long maxModelCalls;

  @Option(names = "--max-wall", paramLabel = "DURATION",
      description = "The run's wall clock at most this: 90s, 1500ms, 2m, 1h or PT1M.")
  String maxWall;

  @Option(names = "--max-model-call-time", paramLabel = "DURATION", description = "The model calls' summed time at most this (as --max-wall).")
  String maxModelCallTime;

  @Option(names = "--require-pass", description = "The cell must have passed (cab.pass true on adapter_run).")
  boolean requirePass;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Budget.Builder builder = Budget.builder().setRequirePass(requirePass);
    if (maxTotalTokens != null) {
      builder.setMaxTotalTokens(maxTotalTokens);
    }
    if (maxModelCalls != null) {
      builder.setMaxModelCalls(maxModelCalls);
    }
    if (maxWall != null) {
      builder.setMaxWallClock(Budget.parseDuration(maxWall));
    }
    if (maxModelCallTime != null) {
      builder.setMaxModelCallTime(Budget.parseDuration(maxModelCallTime));
    }
    Budget budget = builder.build();
    if (budget.isEmpty()) {
      throw new IllegalArgumentException("no budget to check: give --max-total-tokens, --max-model-calls, --max-wall,"
          + " --max-model-call-time or --require-pass");
    }
    TraceFacts facts = source.facts(span -> {});
    // The verdict is on what was read; a skipped line may have held a model call, so say so.
    WarningLines.print(spec.commandLine().getErr(), facts.warnings());
    List<BudgetCheck> checks = budget.check(facts.score());
    PrintWriter out = spec.commandLine().getOut();
    boolean within = true;
    for (BudgetCheck check : checks) {
      out.println(check.message());
      within &= check.within();
    }
    out.flush();
    return within ? 0 : 3;
  }
}
