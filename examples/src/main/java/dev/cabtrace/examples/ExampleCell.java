package dev.cabtrace.examples;

import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellIdentity;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.CellTracer;
import dev.cabtrace.api.TerminalRecorder;
import dev.cabtrace.sdk.CabTraceSdk;
import dev.cabtrace.sdk.proxy.ModelCallRecordingProxy;
import java.io.IOException;
import java.net.URI;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
    name = "cab-trace-examples",
    mixinStandardHelpOptions = true,
    version = "cab-trace example cell 0.1.0",
    description = "Runs one example benchmark cell and captures its trace as OTLP JSON Lines.")
public final class ExampleCell implements Callable<Integer> {

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

  ExampleCell(PrintStream console) {
    this.console = console;
  }

  /** Runs the cell; exits 0 when the cell was captured whole, 1 when spans were lost. */
  public static void main(String[] args) {
    System.exit(run(System.out, args));
  }

  static int run(PrintStream console, String... args) {
    return new CommandLine(new ExampleCell(console)).execute(args);
  }

  @Override
  public Integer call() {
    List<String> argv = command.isEmpty() ? DEFAULT_COMMAND : command;
    CellIdentity identity = CellIdentity.of(sweep, tui, model, task);
    CellRun result;
    long captured;
    long lost;
    String traceId;
    try (CabTraceSdk sdk =
        CabTraceSdk.builder().setCellIdentity(identity).setCaptureFile(out).build()) {
      result = playCell(sdk.cellTracer(), identity, argv);
      sdk.flush();
      captured = sdk.capturedSpans();
      lost = sdk.lostSpans();
      traceId = sdk.traceId().orElse("");
    }
    console.printf(
        "cell %s: exit code %d%s; captured %d spans (trace %s) to %s%n",
        identity.cellId(),
        result.exitCode(),
        result.timedOut() ? " (timed out)" : "",
        captured,
        traceId,
        out);
    if (lost > 0) {
      console.printf("warning: %d spans could not be written%n", lost);
      return 1;
    }
    return 0;
  }

  private CellRun playCell(CellTracer tracer, CellIdentity identity, List<String> argv) {
    Path workdir;
    try (CellSpan setup = tracer.taskSetup("prepare:" + identity.taskId())) {
      workdir = prepareWorkdir(setup);
      setup
          .setAttribute("workdir", workdir.toString())
          .setAttribute("task_category", identity.taskCategory())
          .setAttribute("plugin_stack", List.of())
          .setAttribute("behavior_mode", "factory");
    }
    CellRun result;
    try (CellSpan run = tracer.adapterRun(identity.tui() + ":" + identity.taskId(), identity.tui())) {
      run.setAttribute(CabAttributes.TIMEOUT_S, timeoutSeconds)
          .setAttribute("plugin_stack", List.of());
      try (CellSpan plugins = tracer.toolCall("applied_plugins")) {
        plugins
            .setAttribute("tui", identity.tui())
            .setAttribute("count", 0L)
            .setAttribute("applied", List.of())
            .setAttribute("env_keys", List.of())
            .setAttribute("extra_args", List.of())
            .setAttribute("applied_count", 0L)
            .setAttribute("skipped_count", 0L);
      }
      try (CellSpan container = tracer.container(identity.tui() + ":run")) {
        container
            .setAttribute(CabAttributes.CONTAINER_IMAGE_NAME, image)
            .setAttribute(CabAttributes.CONTAINER_COMMAND_ARGS, List.copyOf(argv))
            .setAttribute(CabAttributes.TIMEOUT_S, timeoutSeconds);
        Map<String, String> environment = new LinkedHashMap<>();
        ModelCallRecordingProxy proxy = null;
        if (modelUpstream != null) {
          proxy = ModelCallRecordingProxy.builder(modelUpstream, tracer).start();
          environment.put("OPENAI_BASE_URL", proxy.baseUrl() + "/v1");
          environment.put("OPENAI_API_BASE", proxy.baseUrl() + "/v1");
          environment.put("ANTHROPIC_BASE_URL", proxy.baseUrl());
        }
        try (TerminalRecorder output = TerminalRecorder.create(container)) {
          result = SubprocessRunner.run(argv, workdir, environment, timeoutSeconds, output, nonClosing(console));
        } finally {
          if (proxy != null) {
            proxy.close();
          }
        }
        container.setExitCode(result.exitCode()).setTimedOut(result.timedOut());
        if (result.failure() != null) {
          container.recordFailure(result.failure());
        } else if (result.timedOut()) {
          container.setError("killed after " + timeoutSeconds + " s timeout");
        } else if (result.exitCode() != 0) {
          container.setError("exit code " + result.exitCode());
        }
      }
      run.setExitCode(result.exitCode()).setTimedOut(result.timedOut());
    }
    try (CellSpan cleanup = tracer.cleanup("cleanup:" + identity.tui())) {
      deleteQuietly(workdir, cleanup);
    }
    return result;
  }

  /** The console outlives the subprocess: closing the recorder's stream must not close it. */
  private static PrintStream nonClosing(PrintStream console) {
    return new PrintStream(console, true) {
      @Override
      public void close() {
        flush();
      }
    };
  }

  private static Path prepareWorkdir(CellSpan setup) {
    try {
      Path workdir = Files.createTempDirectory("cab-trace-cell-");
      Files.writeString(workdir.resolve("TASK.md"), "Example task: build and test.\n");
      return workdir;
    } catch (IOException e) {
      setup.recordFailure(e);
      return Path.of(System.getProperty("java.io.tmpdir"));
    }
  }

  private static void deleteQuietly(Path workdir, CellSpan cleanup) {
    if (!workdir.getFileName().toString().startsWith("cab-trace-cell-")) {
      return;
    }
    try (Stream<Path> paths = Files.walk(workdir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      cleanup.recordFailure(e);
    }
  }
}
