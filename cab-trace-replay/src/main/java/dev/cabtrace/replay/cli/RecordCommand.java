package dev.cabtrace.replay.cli;

import dev.cabtrace.api.CellIdentity;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.record.CellRecorder;
import dev.cabtrace.replay.record.RecordResult;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "record", mixinStandardHelpOptions = true,
    description = {
        "Record a benchmark cell around any agent command: task_setup, adapter_run, tool_call, container (the command,"
            + " its output, its exit code) and cleanup spans, plus the command's own OpenTelemetry spans through an OTLP"
            + " receiver, in one capture file.",
        "Exit status: the command's own; 124 when the timeout killed it; 126 when it was found but could not be"
            + " run (not executable); 127 when it could not start otherwise; 125 when the capture lost spans or could"
            + " not be written."})
final class RecordCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Capture file to write (OTLP JSON Lines).")
  Path out;

  @Option(names = "--sweep", defaultValue = "local", description = "Sweep id (default ${DEFAULT-VALUE}).")
  String sweep;

  @Option(names = "--tui", defaultValue = "agent", description = "Agent CLI name (default ${DEFAULT-VALUE}).")
  String tui;

  @Option(names = "--model", defaultValue = "unknown", description = "Model id (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--task", defaultValue = "local/task", description = "Task id, category/name (default ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--image", defaultValue = "local/subprocess", description = "Container image recorded on the container span.")
  String image;

  @Option(names = "--workdir", paramLabel = "DIR",
      description = "Run the command in this directory, left as it is after (default: a fresh temporary directory"
          + " with a TASK.md, removed after).")
  Path workdir;

  @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
      description = "Kill all the command's processes after this many seconds (default ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--model-upstream", paramLabel = "URL",
      description = "Put the recording proxy in front of this model endpoint and point the command at it"
          + " (OPENAI_BASE_URL, OPENAI_API_BASE, ANTHROPIC_BASE_URL): one model_call span per call, with its tokens.")
  URI modelUpstream;

  @Option(names = "--pty", description = "Run the command on a pseudo-terminal and record its raw bytes (for terminal playback).")
  boolean pty;

  @Option(names = "--cols", defaultValue = "120", description = "Terminal columns with --pty (default ${DEFAULT-VALUE}).")
  int columns;

  @Option(names = "--rows", defaultValue = "40", description = "Terminal rows with --pty (default ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--no-otlp", negatable = false, description = "No OTLP receiver for the command's own spans.")
  boolean noOtlp;

  @Option(names = "--otlp-protocol", defaultValue = "http/protobuf", paramLabel = "PROTOCOL",
      description = "The receiver handed to the command: http/protobuf (default) or grpc.")
  String otlpProtocol;

  @Option(names = "--otlp-grace", defaultValue = "2s", paramLabel = "DURATION",
      description = "How long to wait after the command exits for its exports still in flight (default ${DEFAULT-VALUE}).")
  String otlpGrace;

  @Option(names = "--listen", defaultValue = "127.0.0.1", paramLabel = "ADDR",
      description = "Address the proxy and the receiver listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for a container).")
  String listen;

  @Option(names = "--advertise", paramLabel = "HOST",
      description = "Host in the URLs handed to the command, e.g. host.docker.internal (default: the listen address).")
  String advertise;

  @Mixin CassetteOptions cassette;

  @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The agent command and its arguments, after --.")
  List<String> command = new ArrayList<>();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /**
   * How long a stopped record waits for its summary: the 15 s its recorder's hook waits for the
   * capture, which runs alongside, so that the stop still ends within that time.
   */
  static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final PrintStream console;
  private final PrintStream consoleErr;

  RecordCommand() {
    this(System.out, System.err);
  }

  RecordCommand(PrintStream console, PrintStream consoleErr) {
    this.console = console;
    this.consoleErr = consoleErr;
  }

  @Override
  public Integer call() {
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 second");
    }
    CellRecorder.checkCaptureFile(out); // refuses it; its warning comes once every check has passed
    CellRecorder.Builder recorder = CellRecorder.builder(out)
        .setIdentity(CellIdentity.of(sweep, tui, model, task))
        .setImage(image)
        .setWorkdir(workdir)
        .setTimeout(Duration.ofSeconds(timeoutSeconds))
        .setModelUpstream(modelUpstream)
        .setOtlpReceiver(!noOtlp)
        .setOtlpProtocol(otlpProtocol)
        .setOtlpGrace(Duration.ofNanos(Durations.parse(otlpGrace)))
        .setListenAddress(listen)
        .setAdvertiseHost(advertise)
        .setConsole(console, consoleErr);
    if (pty) {
      recorder.setPty(columns, rows);
    } else {
      for (String size : List.of("--cols", "--rows")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(size)) {
          throw new IllegalArgumentException(size + " needs --pty");
        }
      }
    }
    if (noOtlp) {
      for (String receiverOption : List.of("--otlp-protocol", "--otlp-grace")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(receiverOption)) {
          throw new IllegalArgumentException(receiverOption + " needs the OTLP receiver, which --no-otlp leaves out");
        }
      }
    }
    cassette.applyTo(recorder, modelUpstream != null);
    CellRecorder cellRecorder = recorder.build();
    // Only once every usage check has passed: a warning and then a usage error, the run not made.
    warnIfOutHoldsACapture();
    // A stopped record (SIGTERM, Ctrl-C) halts as soon as the recorder's own hook ends, which is as
    // soon as run returns: this hook holds the halt until the summary is out, within the same grace.
    CountDownLatch summarized = new CountDownLatch(1);
    Thread awaitSummary = new Thread(() -> awaitSummary(summarized), "cab-trace-record-summary");
    Runtime.getRuntime().addShutdownHook(awaitSummary);
    try {
      RecordResult result = cellRecorder.run(command);
      java.io.PrintWriter err = spec.commandLine().getErr();
      summarize(result, out, command.get(0), err);
      err.flush();
      return result.exitStatus();
    } finally {
      summarized.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(awaitSummary);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to: it sees the latch counted down.
      }
    }
  }

  /** Warns when the capture file holds a capture already, which this run's spans join (as a re-run after a crash does). */
  private void warnIfOutHoldsACapture() {
    CellRecorder.checkCaptureFile(out).ifPresent(warning -> {
      java.io.PrintWriter err = spec.commandLine().getErr();
      err.println("cab-trace record: warning: " + warning);
      err.flush();
    });
  }

  private static void awaitSummary(CountDownLatch summarized) {
    try {
      summarized.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A failure in words: its message, or what it is when it has none (a failure of record's own). */
  private static String why(Exception failure) {
    return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
  }

  /** What {@code record} came to, on stderr: a line, and a warning when the receiver refused or cut off exports. */
  static void summarize(RecordResult result, Path out, String command, java.io.PrintWriter err) {
    if (result.lostSpans() > 0) {
      err.printf("cab-trace record: %d span(s) could not be written to %s; see the warnings above%n",
          result.lostSpans(), out);
    } else if (result.failure() != null && result.exitCode() < 0) {
      err.printf("cab-trace record: could not run %s: %s%n", command, why(result.failure()));
    } else if (result.failure() != null) {
      err.printf("cab-trace record: exit code %d: %s; captured %d spans, trace %s, in %s%n", result.exitCode(),
          why(result.failure()), result.capturedSpans(), result.traceId(), out);
    } else {
      err.printf("cab-trace record: exit code %d%s; captured %d spans (%d from the command's own OpenTelemetry SDK),"
              + " trace %s, in %s%n", result.exitCode(), result.timedOut() ? " (killed at the timeout)" : "",
          result.capturedSpans(), result.receivedSpans(), result.traceId(), out);
    }
    if (result.droppedOutputBytes() > 0) {
      err.printf(java.util.Locale.ROOT, "cab-trace record: warning: %,d bytes of the command's terminal output, past"
          + " the recorder's cap (%d MiB or %,d chunks a span), are not in the capture (they reached the console); its"
          + " replay stops where they start%n", result.droppedOutputBytes(),
          dev.cabtrace.api.TerminalRecorder.DEFAULT_MAX_BYTES >> 20, dev.cabtrace.api.TerminalRecorder.DEFAULT_MAX_CHUNKS);
    }
    if (result.refusedRequests() > 0) {
      // Not in the capture file, and not counted as lost: what became of them is the sender's to say.
      err.printf("cab-trace record: warning: the OTLP receiver refused %d export request(s) while the capture queue"
          + " was full (HTTP 429 / gRPC RESOURCE_EXHAUSTED); the command's exporter may have retried them or dropped"
          + " their spans%n", result.refusedRequests());
    }
    if (result.cutOffRequests() > 0) {
      err.printf("cab-trace record: warning: the OTLP receiver cut off %d export request(s) still arriving when"
          + " --otlp-grace ended; their spans are not in the capture (a longer --otlp-grace waits for them)%n",
          result.cutOffRequests());
    }
  }
}
