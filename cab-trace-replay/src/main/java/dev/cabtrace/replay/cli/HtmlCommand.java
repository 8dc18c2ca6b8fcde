package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.page.CellPage;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "html", mixinStandardHelpOptions = true,
    description = {
      "Write the cell's page: one self-contained HTML file (styles, script and trace embedded; works from file:// with no network)"
          + " that replays the cell with the player's keys.",
      "Default output: FILE with .jsonl replaced by .html (FILE.html for other names, TRACE_ID.html with --from, stdout for -)."
    })
final class HtmlCommand implements Callable<Integer> {

  @Mixin TraceSource source;

  @Option(names = {"-o", "--output"}, paramLabel = "OUT.html", description = "Where to write the page; - for stdout.")
  String output;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Timeline timeline = source.load();
    CellPage page = CellPage.create(timeline);
    String target = output != null ? output : defaultOutput(source.file, source.from != null);
    if ("-".equals(target)) {
      spec.commandLine().getOut().flush();
      page.writeTo(Utf8Writer.utf8Bytes(spec.commandLine().getOut()));
      return 0;
    }
    Path path = Path.of(target);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path))) {
      page.writeTo(out);
    }
    spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s (%d spans, %d model calls, %,d KiB)%n",
        path, timeline.size(), timeline.modelCalls().size(), (Files.size(path) + 1023) / 1024);
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** FILE with {@code .jsonl} replaced by {@code .html}; a trace id gets {@code .html} added; stdin goes to stdout. */
  static String defaultOutput(String file, boolean fromBackend) {
    if (fromBackend) {
      return file.replaceAll("[^A-Za-z0-9._-]", "_") + ".html";
    }
    if ("-".equals(file)) {
      return "-";
    }
    return file.endsWith(".jsonl") ? file.substring(0, file.length() - ".jsonl".length()) + ".html" : file + ".html";
  }
}
