package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.screen.ScreenPlayback;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.Frame;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "frame", mixinStandardHelpOptions = true,
    description = "Print the cell at one moment: active spans, what has finished, tokens so far, output so far.")
final class FrameCommand implements Callable<Integer> {

  @Mixin TraceSource source;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Moment moment;

  @Option(names = "--json", description = "Print one JSON document.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The moment a command looks at: {@code --at TIME} from the cell's start, or {@code --span ID}'s start. */
  static final class Moment {

    @Option(names = "--at", required = true, paramLabel = "TIME", description = "Time from the start: 1.2s, 1200ms, 500us, 2m, PT1.2S.")
    String at;

    @Option(names = "--span", required = true, paramLabel = "ID", description = "The moment the span with this id starts (instead of --at).")
    String spanId;

    /** Checks --at before the trace is loaded, so that a typo fails fast with exit code 2. */
    void check() {
      if (at != null) {
        Durations.parse(at);
      }
    }

    /**
     * The moment's offset in {@code timeline}, clamped to the cell: an {@code --at} past its end is
     * its end, with a warning on {@code err}.
     */
    long offsetNanos(Timeline timeline, PrintWriter err) {
      long offset;
      if (at != null) {
        offset = Durations.parse(at);
        if (offset > timeline.durationNanos()) {
          err.println("cab-trace: warning: --at " + TerminalText.escapeLine(at) + " is past the end of the cell ("
              + Durations.millis(timeline.durationNanos()) + "); showing its end");
          err.flush();
        }
      } else {
        TimelineSpan span = timeline.spans().stream().filter(s -> s.spanId().equalsIgnoreCase(spanId)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no span with id " + spanId + " in " + timeline.source()));
        offset = timeline.offsetNanos(span.startEpochNanos());
      }
      return Math.max(0, Math.min(offset, timeline.durationNanos()));
    }
  }

  @Override
  public Integer call() throws Exception {
    moment.check();
    Timeline timeline = source.load();
    Frame frame = timeline.frame(moment.offsetNanos(timeline, spec.commandLine().getErr()));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ScreenPlayback playback = ScreenPlayback.of(timeline);
      TimelineJson.frame(timeline, frame, playback.isEmpty() ? null : playback.screenAt(frame.offsetNanos()),
          Utf8Writer.utf8Bytes(out));
      return 0;
    }
    out.println("t = " + Durations.groupedMillis(frame.offsetNanos()) + " / " + Durations.seconds(timeline.durationNanos()));
    out.println("Active (" + frame.active().size() + ")");
    for (TimelineSpan span : frame.active()) {
      out.println("  " + "  ".repeat(Math.min(span.depth(), 12)) + span.kindName() + "  " + TerminalText.escapeLine(span.name())
          + "  started " + Durations.millis(timeline.offsetNanos(span.startEpochNanos()))
          + ", running for " + Durations.millis(frame.offsetNanos() - timeline.offsetNanos(span.startEpochNanos()))
          + (span.unfinished() ? " (never ended)" : ""));
    }
    out.println("Finished " + frame.finished().size() + " · not started " + frame.notStarted().size());
    out.println("Model calls finished " + frame.modelCalls().size() + " · tokens so far: in " + frame.tokens().input()
        + " · out " + frame.tokens().output() + " · total " + frame.tokens().total()
        + (frame.tokens().unknownCalls() > 0 ? " (" + frame.tokens().unknownCalls() + " call(s) without usage)" : ""));
    if (!frame.output().chunks().isEmpty()) {
      if (timeline.output().stream().anyMatch(chunk -> "pty".equals(chunk.stream()))) {
        // A pseudo-terminal's bytes are a program drawing (cursor moves, erases, colors): their
        // text would be escape sequences. What the terminal showed is the emulated screen.
        out.println("Screen (last lines; screen --at shows it whole)");
        List<String> rows = ScreenPlayback.of(timeline).screenAt(frame.offsetNanos()).lines();
        int end = rows.size();
        while (end > 0 && rows.get(end - 1).isBlank()) {
          end--;
        }
        for (String row : rows.subList(Math.max(0, end - 10), end)) {
          out.println("  " + TerminalText.escapeLine(row));
        }
      } else {
        out.println("Output so far (last lines)");
        for (String line : TerminalText.screenTail(frame.output().tail(10), 200, 10)) {
          out.println("  " + line);
        }
      }
    }
    out.flush();
    return 0;
  }
}
