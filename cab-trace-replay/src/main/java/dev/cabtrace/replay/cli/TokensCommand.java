package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tokens", mixinStandardHelpOptions = true,
    description = "Print the token ledger per cell and per model, with tokens per correct task.")
final class TokensCommand implements Callable<Integer> {

  @Mixin TraceSource source;

  @Option(names = "--json", description = "Print one JSON document.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    TokenLedger ledger;
    List<LoadWarning> warnings;
    if (source.isFile()) {
      // A file streams: no timeline, memory that does not grow with the spans.
      TokenLedger.Accumulator tokens = new TokenLedger.Accumulator(java.nio.file.Path.of(source.file).toString());
      warnings = source.streamFile(tokens);
      ledger = tokens.ledger();
    } else {
      Timeline timeline = source.load();
      warnings = timeline.warnings();
      ledger = TokenLedger.of(timeline);
    }
    WarningLines.print(spec.commandLine().getErr(), warnings);
    if (json) {
      TimelineJson.ledger(ledger, warnings, Utf8Writer.utf8Bytes(spec.commandLine().getOut()));
    } else {
      spec.commandLine().getOut().print(ledger.render());
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
