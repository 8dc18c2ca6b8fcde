package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.timeline.Timeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print the cell's spans (children under parents), model calls with totals, warnings and duration.")
final class ShowCommand implements Callable<Integer> {

  @Mixin TraceSource source;

  @Option(names = "--json", description = "Print one JSON document instead of tables.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Timeline timeline = source.load();
    print(spec, timeline, json);
    return 0;
  }

  static void print(picocli.CommandLine.Model.CommandSpec spec, Timeline timeline, boolean json) throws java.io.IOException {
    java.io.OutputStream out = Utf8Writer.utf8Bytes(spec.commandLine().getOut());
    if (json) {
      TimelineJson.show(timeline, out);
    } else {
      TraceTables.show(timeline, out);
    }
    out.flush();
  }
}
