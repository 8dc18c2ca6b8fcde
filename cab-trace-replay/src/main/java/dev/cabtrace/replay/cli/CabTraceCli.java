package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.read.TraceReadException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
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
public final class CabTraceCli implements Runnable {

  /** The subcommands, in the order the usage lists them. */
  private static final Map<String, Supplier<Object>> COMMANDS = commands();

  private static Map<String, Supplier<Object>> commands() {
    Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
    commands.put("show", ShowCommand::new);
    commands.put("frame", FrameCommand::new);
    commands.put("replay", ReplayCommand::new);
    commands.put("tokens", TokensCommand::new);
    commands.put("cast", CastCommand::new);
    commands.put("screen", ScreenCommand::new);
    commands.put("push", PushCommand::new);
    commands.put("html", HtmlCommand::new);
    commands.put("serve", ServeCommand::new);
    commands.put("record", RecordCommand::new);
    commands.put("score", ScoreCommand::new);
    commands.put("sweep", SweepCommand::new);
    commands.put("check", CheckCommand::new);
    commands.put("diff", DiffCommand::new);
    commands.put("help", CommandLine.HelpCommand::new);
    return commands;
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
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the command line with these streams; returns the exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new CabTraceCli());
    // Picocli reads a command's annotations when it is added, which costs a fraction of a second
    // for all of them: a run that names its command gets only that one. Help, a typo or no
    // command gets all, for the usage and picocli's suggestions.
    String named = args.length > 0 ? args[0] : "";
    if (COMMANDS.containsKey(named) && !named.equals("help")) {
      cli.addSubcommand(named, COMMANDS.get(named).get());
    } else {
      COMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
    }
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (exception, commandLine, parseResult) -> {
          boolean verbose = parseResult.hasMatchedOption("--verbose")
              || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
          Throwable cause = exception;
          String message;
          if (cause instanceof TraceReadException) {
            message = cause.getMessage();
          } else if (cause instanceof IllegalArgumentException) {
            commandLine.getErr().println("cab-trace: " + cause.getMessage());
            return 2;
          } else {
            message = "unexpected " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                + (verbose ? "" : " (run with --verbose for details)");
          }
          commandLine.getErr().println("cab-trace: " + message);
          if (verbose) {
            cause.printStackTrace(commandLine.getErr());
          }
          return 1;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
