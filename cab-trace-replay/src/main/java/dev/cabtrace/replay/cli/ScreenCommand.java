package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.replay.screen.Screen;
import dev.cabtrace.replay.screen.ScreenPlayback;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "screen", mixinStandardHelpOptions = true,
    description = {"Print the recorded terminal's screen as it stood at one moment: the output replayed through a terminal emulator, "
        + "at the recorded size (80x24 when none was recorded).",
        "Plain text by default, one line per row; --ansi keeps colours and attributes; --json prints one document."})
final class ScreenCommand implements Callable<Integer> {


  @Mixin TraceSource source;

  @ArgGroup(exclusive = true, multiplicity = "1")
  FrameCommand.Moment moment;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Format format = new Format();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  static final class Format {
    @Option(names = "--ansi", description = "Keep colours and attributes, drawn with SGR sequences cab-trace generates.")
    boolean ansi;

    @Option(names = "--json", description = "Print one JSON document: columns, rows, cursor, alternate_screen, title, lines.")
    boolean json;
  }

  @Override
  public Integer call() throws Exception {
    moment.check();
    Timeline timeline = source.load();
    long offset = moment.offsetNanos(timeline, spec.commandLine().getErr());
    ScreenPlayback playback = ScreenPlayback.of(timeline);
    if (playback.isEmpty()) {
      spec.commandLine().getErr().println("cab-trace: no terminal output recorded in " + timeline.source());
      return 0;
    }
    Screen screen = playback.screenAt(offset);
    PrintWriter out = spec.commandLine().getOut();
    if (format.json) {
      // Made here, not at class load: Jackson's classes cost a screen that prints no JSON 40 ms.
      try (JsonGenerator json = TerminalSafeEscapes.jsonFactory().createGenerator(out)) {
        json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        json.useDefaultPrettyPrinter();
        write(json, screen);
      }
      out.write('\n');
      out.flush();
      return 0;
    }
    if (format.ansi) {
      // Only SGR sequences the screen generated itself; the filter is a second line of defence.
      for (String line : screen.toAnsi().split("\n", -1)) {
        out.println(TerminalText.escapeLineKeepingSgr(line));
      }
    } else {
      for (String line : screen.lines()) {
        out.println(TerminalText.escapeLine(line));
      }
    }
    out.flush();
    return 0;
  }

  /**
   * The screen as a JSON object: {@code columns}, {@code rows}, {@code cursor} ({@code row},
   * {@code column}, {@code visible}; 0-based), {@code alternate_screen}, {@code title} and
   * {@code lines} (one string per row, trailing spaces removed). Also the {@code screen} of
   * {@code frame --json}.
   */
  static void write(JsonGenerator json, Screen screen) throws IOException {
    json.writeStartObject();
    json.writeNumberField("columns", screen.columns());
    json.writeNumberField("rows", screen.rows());
    json.writeObjectFieldStart("cursor");
    json.writeNumberField("row", screen.cursorRow());
    json.writeNumberField("column", screen.cursorColumn());
    json.writeBooleanField("visible", screen.cursorVisible());
    json.writeEndObject();
    json.writeBooleanField("alternate_screen", screen.alternateScreen());
    json.writeStringField("title", screen.title());
    json.writeArrayFieldStart("lines");
    for (String line : screen.lines()) {
      json.writeString(line);
    }
    json.writeEndArray();
    json.writeEndObject();
  }
}
