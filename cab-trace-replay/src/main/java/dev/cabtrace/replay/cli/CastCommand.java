package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cast", mixinStandardHelpOptions = true,
    description = "Write the recorded terminal output as an asciicast v2 file to stdout (play it with asciinema play).")
final class CastCommand implements Callable<Integer> {

  @Mixin TraceSource source;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--span", paramLabel = "ID", description = "Only this span's output (span id); default all output, timed from the first span that has some.")
  String spanId;

  @Override
  public Integer call() throws Exception {
    Timeline timeline = source.load();
    TimelineSpan span = null;
    if (spanId != null) {
      span = timeline.spans().stream().filter(s -> s.spanId().equals(spanId)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no span with id " + spanId + " in " + timeline.source()));
    }
    PrintWriter out = spec.commandLine().getOut();
    int chunks = Asciicast.write(timeline, span, out);
    out.flush();
    if (chunks == 0) {
      // A message may quote a file name and a span's name.
      spec.commandLine().getErr().println("cab-trace: " + TerminalText.escapeLine(span == null || timeline.output().isEmpty()
          ? timeline.source() + " holds no recorded terminal output"
          : "span " + span.spanId() + " (" + span.name() + ") holds no recorded terminal output; other spans of "
              + timeline.source() + " do"));
    }
    return 0;
  }
}
