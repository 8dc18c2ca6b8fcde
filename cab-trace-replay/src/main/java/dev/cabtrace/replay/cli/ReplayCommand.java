package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.player.TerminalPlayer;
import dev.cabtrace.replay.timeline.ReplayClock;
import dev.cabtrace.replay.timeline.Timeline;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Replay the cell full screen: space play/pause, ←/→ step span, ,/. step 100 ms, g/G start/end, +/- speed, q quit.",
        "With no terminal attached it prints what show prints."})
final class ReplayCommand implements Callable<Integer> {

  @Mixin TraceSource source;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Timeline timeline = source.load();
    if (System.console() == null || "-".equals(source.file)) {
      ShowCommand.print(spec, timeline, false);
      return 0;
    }
    // The exec provider (stty) first: JLine 3.26's JNI provider rebuilds the terminal's settings
    // from nothing when it sets them, and leaves the terminal at speed 0 baud after the player
    // (jline/jline3#2170).
    try (Terminal terminal = TerminalBuilder.builder().system(true).providers("exec,jni").build()) {
      if (Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
        ShowCommand.print(spec, timeline, false);
        return 0;
      }
      TerminalPlayer player = TerminalPlayer.create(terminal, timeline, ReplayClock.system());
      player.run();
      if (player.interrupted()) {
        return 130; // as a shell reports a command Ctrl-C ended
      }
    }
    return 0;
  }
}
