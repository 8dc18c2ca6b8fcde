package dev.cabtrace.examples;

import dev.cabtrace.api.CellIdentity;
import dev.cabtrace.replay.record.CellRecorder;
import dev.cabtrace.replay.record.RecordResult;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.sdk.export.OtlpExport;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Plays one benchmark cell for real and captures its trace: {@code task_setup} prepares a
 * temporary workdir, {@code adapter_run} wraps {@code tool_call} (no plugins) and {@code container}
 * (COMMAND as a real subprocess in the workdir, killed at the timeout), and {@code cleanup} removes
 * the workdir.
 *
 * <pre>java -jar examples/target/cab-trace-examples.jar --out cell.jsonl [--timeout 600] [-- COMMAND ARGS...]</pre>
 */
@Command(
    name = ExampleCell.NAME,
    mixinStandardHelpOptions = true,
    versionProvider = ExampleCell.Version.class,
    description = "Runs one example benchmark cell and captures its trace as OTLP JSON Lines.")
public final class ExampleCell implements Callable<Integer> {

  static final String NAME = "cab-trace-examples";

  /** The version the build wrote into cab-trace-api's {@code version.properties}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      java.util.Properties properties = new java.util.Properties();
      try (java.io.InputStream in = ExampleCell.class.getResourceAsStream("/dev/cabtrace/api/version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {"cab-trace example cell " + properties.getProperty("version", "unknown")};
    }
  }

  /** The default workload: prints over a few seconds, like a build and a test run. */
  static final List<String> DEFAULT_COMMAND =
      List.of(
          "sh",
          "-c",
          "echo '$ cargo build'; sleep 0.5;"
              + " echo '   Compiling serde v1.0.210'; sleep 0.6;"
              + " echo '   Compiling cell v0.1.0 (/workspace)'; sleep 1.0;"
              + " echo '    Finished dev [unoptimized + debuginfo] target(s) in 2.10s'; sleep 0.3;"
              + " echo '$ cargo test'; sleep 0.6;"
              + " echo 'running 3 tests'; sleep 0.3;"
              + " echo 'test tests::happy_path ... ok'; sleep 0.3;"
              + " echo 'test tests::empty ... ok'; sleep 0.3;"
              + " echo 'test tests::bad_input_does_not_panic ... ok' >&2; sleep 0.2;"
              + " echo 'test result: ok. 3 passed; 0 failed'");

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Capture file to write (OTLP JSON Lines).")
  Path out;

  @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS", description = "Kill the command after this many seconds (default ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--tui", defaultValue = "example-cli", description = "Agent CLI name (default ${DEFAULT-VALUE}).")
  String tui;

  @Option(names = "--model", defaultValue = "local/none", description = "Model build id (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--task", defaultValue = "demo/build-and-test", description = "Task id (default ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--sweep", defaultValue = "example-sweep", description = "Sweep id (default ${DEFAULT-VALUE}).")
  String sweep;

  @Option(names = "--image", defaultValue = "local/subprocess", description = "Image name recorded on the container span.")
  String image;

  @Option(names = "--model-upstream", paramLabel = "URL",
      description = "Put a recording proxy in front of this model endpoint (e.g. https://api.openai.com) and point the"
          + " command at it through OPENAI_BASE_URL, OPENAI_API_BASE and ANTHROPIC_BASE_URL: every model call becomes a"
          + " model_call span with its tokens.")
  URI modelUpstream;

  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "Command to run in the workdir, after --.")
  List<String> command = new ArrayList<>();

  private final PrintStream console;
  private final PrintStream consoleErr;

  ExampleCell(PrintStream console, PrintStream consoleErr) {
    this.console = console;
    this.consoleErr = consoleErr;
  }

  /**
   * Runs the cell; exits 0 when the cell was captured whole, 1 when spans were lost, 2 for bad
   * usage, 127 when the command could not be started.
   */
  public static void main(String[] args) {
    // As cab-trace's own main: a warning logged on the way (the SDK's, an exporter's) is one line
    // on stderr, not java.util.logging's two-line record, and a failed export is cab-trace's one
    // line, not that line among the official exporter's records with their stack traces.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%5$s%n");
    }
    OtlpExport.quietOfficialExporterLogs();
    System.exit(run(System.out, args));
  }

  static int run(PrintStream console, String... args) {
    return run(console, System.err, args);
  }

  static int run(PrintStream console, PrintStream consoleErr, String... args) {
    CommandLine cli = new CommandLine(new ExampleCell(console, consoleErr));
    cli.setErr(new PrintWriter(consoleErr, true));
    // As cab-trace's own: one line, no stack trace; a bad setting is a usage error.
    cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
      boolean usage = exception instanceof IllegalArgumentException;
      String message = usage ? String.valueOf(exception.getMessage())
          : "unexpected " + exception.getClass().getSimpleName()
              + (exception.getMessage() == null ? "" : ": " + exception.getMessage());
      commandLine.getErr().println(NAME + ": " + TerminalText.escapeLine(message));
      return usage ? 2 : 1;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    // Checked as record checks them, before anything runs.
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 second");
    }
    CellRecorder.checkCaptureFile(out)
        .ifPresent(warning -> consoleErr.println(NAME + ": warning: " + TerminalText.escapeLine(warning)));
    List<String> argv = command.isEmpty() ? DEFAULT_COMMAND : command;
    CellIdentity identity = CellIdentity.of(sweep, tui, model, task);
    // The same recorder as `cab-trace record`; the example keeps its own flags and output.
    RecordResult result = CellRecorder.builder(out)
        .setIdentity(identity)
        .setImage(image)
        .setTimeout(Duration.ofSeconds(timeoutSeconds))
        .setModelUpstream(modelUpstream)
        .setOtlpReceiver(false)
        .setConsole(console, consoleErr)
        .build()
        .run(argv);
    boolean notStarted = result.failure() != null && result.exitCode() < 0;
    if (notStarted) {
      consoleErr.println(NAME + ": " + TerminalText.escapeLine(
          "could not run " + argv.get(0) + ": " + result.failure().getMessage()));
    }
    console.printf(
        "cell %s: %s%s; captured %d spans (trace %s) to %s%n",
        identity.cellId(),
        notStarted ? "not started" : "exit code " + result.exitCode(),
        result.timedOut() ? " (timed out)" : "",
        result.capturedSpans(),
        result.traceId(),
        out);
    if (result.lostSpans() > 0) {
      console.printf("warning: %d spans could not be written%n", result.lostSpans());
      return 1;
    }
    // As record exits, and a shell: the command's own code is on the spans, but one that never ran has none.
    return notStarted ? result.exitStatus() : 0;
  }
}
