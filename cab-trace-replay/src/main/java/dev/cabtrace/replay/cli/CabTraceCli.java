package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.read.TraceChangedException;
import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.sdk.export.OtlpExport;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cab-trace}: look at a cell's trace. Exit codes: 0 ok, 1 the trace could not be loaded, 2
 * bad usage. Errors are one line on stderr; {@code --verbose} adds the stack trace.
 */
@Command(
    name = "cab-trace",
    mixinStandardHelpOptions = true,
    versionProvider = CabTraceCli.Version.class,
    description = "Show, replay and export the trace of a coding-agent benchmark cell.")
public final class CabTraceCli implements Callable<Integer> {

  /** The subcommands, in the order the usage lists them. */
  private static final List<String> COMMANDS = List.of("show", "frame", "replay", "tokens", "cast", "screen", "push",
      "html", "serve", "record", "score", "sweep", "check", "diff", "help");

  /**
   * A new instance of the subcommand {@code name}. A switch, not a map of constructor references:
   * each reference would be a class made at start-up, for the one command a run uses.
   */
  private static Object command(String name) {
    switch (name) {
      case "show": return new ShowCommand();
      case "frame": return new FrameCommand();
      case "replay": return new ReplayCommand();
      case "tokens": return new TokensCommand();
      case "cast": return new CastCommand();
      case "screen": return new ScreenCommand();
      case "push": return new PushCommand();
      case "html": return new HtmlCommand();
      case "serve": return new ServeCommand();
      case "record": return new RecordCommand();
      case "score": return new ScoreCommand();
      case "sweep": return new SweepCommand();
      case "check": return new CheckCommand();
      case "diff": return new DiffCommand();
      case "help": return new CommandLine.HelpCommand();
      default: throw new IllegalArgumentException("no command " + name);
    }
  }

  /**
   * {@code cab-trace VERSION}, the version the build wrote into cab-trace-api's {@code
   * version.properties} (the CLI jar holds it), or {@code unknown}.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cab-trace " + of()};
    }

    static String of() {
      try (java.io.InputStream in = CabTraceCli.class.getResourceAsStream("/dev/cabtrace/api/version.properties")) {
        java.util.Properties properties = new java.util.Properties();
        if (in != null) {
          properties.load(in);
        }
        String version = properties.getProperty("version", "").trim();
        return version.isEmpty() || version.startsWith("${") ? "unknown" : version;
      } catch (java.io.IOException e) {
        return "unknown";
      }
    }
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    // picocli registers converters for java.time and java.sql types by reflection, loading both
    // (a tenth of its start-up); no option here has such a type.
    System.setProperty("picocli.converters.excludes", "java\\.(time|sql)\\..*");
    // A warning logged on the way (the SDK's, an exporter's) is one line on stderr, as the CLI's
    // own are, not java.util.logging's two-line record with a date and a class name.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%5$s%n");
    }
    // A backend copy's failed export is cab-trace's one line, not that line among the official
    // exporter's records with their stack traces (push quiets them itself while it sends). Only
    // record: java.util.logging costs start-up, which the other commands do without.
    if (args.length > 0 && args[0].equals("record")) {
      OtlpExport.quietOfficialExporterLogs();
    }
    int exit;
    try {
      exit = run(System.out, System.err, args);
    } catch (OutOfMemoryError e) {
      // One line, as every other error: the heap it had is the one thing to change.
      System.out.flush();
      System.err.println("cab-trace: out of memory (" + e.getMessage() + ", at most "
          + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): give java a larger heap, e.g. java -Xmx4g -jar cab-trace.jar ...");
      exit = 1;
    }
    System.exit(exit);
  }

  /** Runs the command line with these streams; returns the exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new CabTraceCli());
    // Picocli reads a command's annotations when it is added, which costs a fraction of a second
    // for all of them: a run that names its command gets only that one. Help, a typo or no
    // command gets all, for the usage and picocli's suggestions.
    String named = args.length > 0 ? args[0] : "";
    if (COMMANDS.contains(named) && !named.equals("help")) {
      cli.addSubcommand(named, command(named));
    } else {
      for (String name : COMMANDS) {
        cli.addSubcommand(name, command(name));
      }
    }
    cli.setOut(Utf8Writer.printWriter(out));
    cli.setErr(new PrintWriter(err, true));
    // A usage error as every other error is, one line, and a second one pointing on: picocli's
    // suggestion for a typo, or the command's --help (the whole usage would bury the message).
    // The message quotes the arguments as they were typed.
    cli.setParameterExceptionHandler((exception, arguments) -> {
      CommandLine commandLine = exception.getCommandLine();
      PrintWriter writer = commandLine.getErr();
      writer.println(commandLine.getColorScheme().errorText(
          "cab-trace: " + TerminalText.escapeLine(String.valueOf(exception.getMessage()))));
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(exception, writer)) {
        writer.println("try '" + commandLine.getCommandSpec().qualifiedName() + " --help'");
      }
      writer.flush();
      return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    });
    cli.setExecutionExceptionHandler(
        (exception, commandLine, parseResult) -> {
          boolean verbose = parseResult.hasMatchedOption("--verbose")
              || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
          Throwable cause = exception;
          String message;
          if (cause instanceof TraceReadException || cause instanceof TraceChangedException) {
            // A trace changed since it was read (html reads attributes back as the page is written) is no bug.
            message = cause.getMessage();
          } else if (cause instanceof java.io.UncheckedIOException && ioMessage(cause) != null) {
            // Nor is an I/O failure reading a trace's attributes back: said as it is.
            message = ioMessage(cause);
          } else if (cause instanceof java.nio.file.InvalidPathException) {
            commandLine.getErr().println("cab-trace: " + TerminalText.escapeLine(
                unnameable(((java.nio.file.InvalidPathException) cause).getInput())));
            return 2;
          } else if (cause instanceof IllegalArgumentException) {
            commandLine.getErr().println("cab-trace: " + TerminalText.escapeLine(String.valueOf(cause.getMessage())));
            return 2;
          } else {
            message = "unexpected " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                + (verbose ? "" : " (run with --verbose for details)");
          }
          // A message may quote a file name or a line of the trace.
          commandLine.getErr().println("cab-trace: " + TerminalText.escapeLine(String.valueOf(message)));
          if (verbose) {
            stackTrace(commandLine.getErr(), cause);
          }
          return 1;
        });
    return cli.execute(args);
  }

  /**
   * Why a file name cannot be a path here: outside a UTF-8 locale (LANG unset, LC_ALL=C, as in many
   * containers), Java names files in ASCII, and a name of other characters is no path at all.
   */
  static String unnameable(String name) {
    return "cannot name " + name + " in this system's file name encoding ("
        + System.getProperty("sun.jnu.encoding", "?") + "); run cab-trace in a UTF-8 locale (LANG=C.UTF-8)";
  }

  /** The message an UncheckedIOException was made with by cab-trace, or null for another's. */
  private static String ioMessage(Throwable unchecked) {
    Throwable io = unchecked.getCause();
    if (unchecked.getMessage() != null && !unchecked.getMessage().equals(String.valueOf(io))) {
      return unchecked.getMessage();
    }
    return io != null && io.getClass() == java.io.IOException.class ? io.getMessage() : null;
  }

  /** The stack trace, each line escaped as the message is; the tabs before its frames kept. */
  private static void stackTrace(PrintWriter err, Throwable cause) {
    java.io.StringWriter trace = new java.io.StringWriter();
    cause.printStackTrace(new PrintWriter(trace));
    trace.toString().lines().forEach(line -> {
      int tabs = 0;
      while (tabs < line.length() && line.charAt(tabs) == '\t') {
        tabs++;
      }
      err.println(line.substring(0, tabs) + TerminalText.escapeLine(line.substring(tabs)));
    });
    err.flush();
  }

  /** No command: the usage, on stderr as a usage error's message is, and exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }
}
