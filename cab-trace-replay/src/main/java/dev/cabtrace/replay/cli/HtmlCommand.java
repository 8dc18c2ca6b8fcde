package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.page.CellPage;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
      "Default output: FILE with .jsonl replaced by .html (FILE.html for other names, TRACE_ID.html with --from, stdout for -);"
          + " a FILE that is a pipe or a device needs -o."
    })
final class HtmlCommand implements Callable<Integer> {

  @Mixin TraceSource source;

  @Option(names = {"-o", "--output"}, paramLabel = "OUT.html", description = "Where to write the page; - for stdout.")
  String output;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (output == null && source.from == null && !"-".equals(source.file)) {
      Path file = Path.of(source.file);
      // A pipe (<(zcat cell.jsonl.gz)) or a device has no place beside it for a page: /dev/fd/63.html.
      if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) {
        throw new IllegalArgumentException(source.file + " is not a regular file: name the page with -o OUT.html");
      }
    }
    String target = output != null ? output : defaultOutput(source.file, source.from != null);
    Path path = "-".equals(target) ? null : Path.of(target);
    if (path != null && source.from == null && !"-".equals(source.file) && Files.exists(path)
        && Files.exists(Path.of(source.file)) && Files.isSameFile(path, Path.of(source.file))) {
      throw new IllegalArgumentException("the page would overwrite its trace " + source.file + "; pass another -o");
    }
    Timeline timeline = source.load();
    CellPage page = CellPage.create(timeline);
    if (path == null) {
      spec.commandLine().getOut().flush();
      // The page's bytes as they are: it declares itself UTF-8, whatever the locale's charset.
      page.writeTo(Utf8Writer.rawBytes(spec.commandLine().getOut()));
      return 0;
    }
    try {
      write(page, path);
    } catch (IOException e) {
      // The exception names the working copy, not the page asked for.
      throw new UncheckedIOException("cannot write " + path + ": " + whyNotWritten(path, e), e);
    }
    spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s (%d spans, %d model calls, %,d KiB)%n",
        path, timeline.size(), timeline.modelCalls().size(), (Files.size(path) + 1023) / 1024);
    spec.commandLine().getOut().flush();
    return 0;
  }

  /**
   * Writes the page beside {@code path} and moves it there when whole: the page is written as it is
   * made, attributes read back from the trace on the way, and a failure then (a disk full, a trace
   * changed meanwhile) must not leave a cut page, or none, where a good one was. The working copy is
   * this process's own, takes the permissions of the page it replaces, and goes if the process is
   * stopped. A device or a pipe is written directly, and so is a page in a directory where no file
   * can be made; a symbolic link's target is replaced, not the link.
   */
  private static void write(CellPage page, Path path) throws IOException {
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path))) {
        page.writeTo(out);
      }
      return;
    }
    Path destination = Files.isSymbolicLink(path) && Files.exists(path) ? path.toRealPath()
        : Files.isSymbolicLink(path) ? path.resolveSibling(Files.readSymbolicLink(path)) : path;
    Path name = destination.getFileName();
    if (name == null) {
      throw new IllegalArgumentException("not a file name: " + path);
    }
    Path partial = destination.resolveSibling("." + name + "." + ProcessHandle.current().pid() + ".part");
    OutputStream file;
    try {
      file = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (AccessDeniedException e) {
      if (!Files.isWritable(destination)) {
        throw e;
      }
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(destination))) {
        page.writeTo(out);
      }
      return;
    }
    partial.toFile().deleteOnExit();
    try (OutputStream out = new BufferedOutputStream(file)) {
      if (Files.exists(destination)) {
        keepPermissions(destination, partial);
      }
      page.writeTo(out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    try {
      Files.move(partial, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(partial, destination, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Why {@code path} could not be written, in the words the other commands use. */
  private static String whyNotWritten(Path path, IOException e) {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      return Files.exists(parent) ? parent + " is not a directory" : "no such directory";
    }
    if (Files.isDirectory(path)) {
      return "it is a directory";
    }
    return dev.cabtrace.replay.internal.IoFailures.reason(e);
  }

  private static void keepPermissions(Path from, Path to) throws IOException {
    try {
      Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
    } catch (UnsupportedOperationException notPosix) {
      // The file system's own rules apply.
    }
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
