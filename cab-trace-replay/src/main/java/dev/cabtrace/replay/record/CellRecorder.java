package dev.cabtrace.replay.record;

import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellIdentity;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.CellTracer;
import dev.cabtrace.api.TerminalRecorder;
import dev.cabtrace.sdk.CabTraceSdk;
import dev.cabtrace.sdk.proxy.CassetteMode;
import dev.cabtrace.sdk.proxy.CassetteTiming;
import dev.cabtrace.sdk.proxy.ModelCallRecordingProxy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Records one benchmark cell around any command, in any language: {@code task_setup} prepares a
 * temporary workdir (or takes the one {@link Builder#setWorkdir} gives), {@code adapter_run} wraps {@code tool_call} (no plugins applied) and {@code
 * container} (the command as a real subprocess in that workdir, on pipes or a pseudo-terminal, its
 * output recorded, all its processes killed at the timeout and what it left running when it exits),
 * and {@code cleanup} removes the workdir it made. Optionally a recording proxy in front of the command's
 * model endpoint, and an OTLP receiver that takes the command's own OpenTelemetry spans into the
 * same capture file, parented under {@code container} through {@code TRACEPARENT}.
 *
 * <pre>{@code
 * RecordResult result = CellRecorder.builder(Path.of("cell.jsonl"))
 *     .setIdentity(CellIdentity.of("sweep-1", "aider", "gpt-5-mini", "python/flaky-retry"))
 *     .setPty(120, 40)
 *     .build()
 *     .run(List.of("aider", "--yes-always", "--message", "fix the flaky retry"));
 * System.exit(result.exitStatus());
 * }</pre>
 */
public final class CellRecorder {

  private final Builder settings;

  private CellRecorder(Builder settings) {
    this.settings = settings;
  }

  /** A builder for a recorder writing to {@code captureFile}. */
  public static Builder builder(Path captureFile) {
    return new Builder(Objects.requireNonNull(captureFile, "captureFile"));
  }

  /**
   * Checks, before anything runs, that {@code captureFile} (an {@code --out}) can be written: a
   * capture that cannot be is found only when the first spans are, after the command ran for
   * nothing. A link is checked where it leads, a dangling one too.
   *
   * @return a warning when it holds a capture already, which a run's spans are appended to (as a
   *     re-run's after a crash are); empty otherwise
   * @throws IllegalArgumentException when it cannot be written: a directory, a path under a file,
   *     no permission
   */
  public static Optional<String> checkCaptureFile(Path captureFile) {
    dev.cabtrace.replay.internal.FileToWrite.check("--out", captureFile, "a capture file");
    try {
      long size = Files.isRegularFile(captureFile) ? Files.size(captureFile) : 0;
      if (size > 0) {
        return Optional.of(captureFile + " already holds a capture (" + size + " bytes); this run's spans are appended"
            + " to it, as a re-run's after a crash (give another --out for a cell of its own)");
      }
    } catch (IOException unreadable) {
      // The capture's own open says what is wrong with it.
    }
    return Optional.empty();
  }

  /** Records the cell around {@code command}; never throws for what the command does. */
  public RecordResult run(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("no command to record");
    }
    try (StopOnSignal stop = StopOnSignal.install()) {
      return record(command, stop);
    }
  }

  private RecordResult record(List<String> command, StopOnSignal stop) {
    CellIdentity identity = settings.identity;
    ContainerRun containerRun = new ContainerRun();
    CabTraceSdk sdk = settings.sdkBuilder.apply(
        CabTraceSdk.builder().setCellIdentity(identity).setCaptureFile(settings.captureFile)).build();
    try (sdk) {
      CellTracer tracer = sdk.cellTracer();
      Path workdir;
      try (CellSpan setup = tracer.taskSetup("prepare:" + identity.taskId())) {
        workdir = settings.workdir != null ? settings.workdir : CellWorkdir.prepare(setup, identity);
        setup.setAttribute("workdir", workdir.toString())
            .setAttribute("task_category", identity.taskCategory())
            .setAttribute("plugin_stack", List.of())
            .setAttribute("behavior_mode", "factory");
      }
      // Whatever fails from here on, the cell still ends as a cell does: cleanup removes the
      // workdir, the capture is closed, and the result says what failed.
      try {
        runAdapter(tracer, sdk, command, workdir, stop, containerRun);
      } finally {
        try (CellSpan cleanup = tracer.cleanup("cleanup:" + identity.tui())) {
          if (settings.workdir == null) {
            CellWorkdir.delete(workdir, cleanup);
          }
        }
      }
    }
    CommandRunner.Outcome outcome = containerRun.outcome;
    // Counted once the capture is closed: a span its close could not write is lost, and so is the
    // exit status's promise that the file holds every span.
    return new RecordResult(outcome.exitCode(), outcome.timedOut(), sdk.capturedSpans(), sdk.lostSpans(),
        containerRun.received, containerRun.refused, containerRun.cutOff, sdk.traceId().orElse(""), outcome.failure(), containerRun.droppedOutput);
  }

  /** The adapter_run span and the container span in it; {@code containerRun} holds what the command came to. */
  private void runAdapter(CellTracer tracer, CabTraceSdk sdk, List<String> command, Path workdir, StopOnSignal stop,
      ContainerRun containerRun) {
    CellIdentity identity = settings.identity;
    try (CellSpan run = tracer.adapterRun(identity.tui() + ":" + identity.taskId(), identity.tui())) {
      run.setAttribute(CabAttributes.TIMEOUT_S, settings.timeout.toSeconds()).setAttribute("plugin_stack", List.of());
      try (CellSpan plugins = tracer.toolCall("applied_plugins")) {
        plugins.setAttribute("tui", identity.tui())
            .setAttribute("count", 0L)
            .setAttribute("applied", List.of())
            .setAttribute("env_keys", List.of())
            .setAttribute("extra_args", List.of())
            .setAttribute("applied_count", 0L)
            .setAttribute("skipped_count", 0L);
      }
      try (CellSpan container = tracer.container(identity.tui() + ":run")) {
        container.setAttribute(CabAttributes.CONTAINER_IMAGE_NAME, settings.image)
            .setAttribute(CabAttributes.CONTAINER_COMMAND_ARGS, List.copyOf(command))
            .setAttribute(CabAttributes.TIMEOUT_S, settings.timeout.toSeconds());
        try {
          runContainer(sdk, tracer, container, command, workdir, stop, containerRun);
        } catch (RuntimeException e) {
          // Not the command's doing (the proxy could not start, the receiver failed): the command's
          // exit code is kept when it ran, and -1 (could not run) when it had not yet.
          CommandRunner.Outcome ran = containerRun.outcome;
          containerRun.outcome = ran == null ? new CommandRunner.Outcome(-1, false, e)
              : new CommandRunner.Outcome(ran.exitCode(), ran.timedOut(), e);
        }
        CommandRunner.Outcome outcome = containerRun.outcome;
        container.setExitCode(outcome.exitCode()).setTimedOut(outcome.timedOut());
        if (outcome.failure() != null) {
          container.recordFailure(outcome.failure());
        } else if (outcome.timedOut()) {
          container.setError("killed after " + settings.timeout.toSeconds() + " s timeout");
        } else if (outcome.exitCode() != 0) {
          container.setError("exit code " + outcome.exitCode());
        }
      }
      run.setExitCode(containerRun.outcome.exitCode()).setTimedOut(containerRun.outcome.timedOut());
    }
  }

  private static final class ContainerRun {
    CommandRunner.Outcome outcome;
    long received;
    long refused;
    long cutOff;
    long droppedOutput;
  }

  private void runContainer(CabTraceSdk sdk, CellTracer tracer, CellSpan container, List<String> command,
      Path workdir, StopOnSignal stop, ContainerRun result) {
    CommandEnvironment commandEnvironment =
        new CommandEnvironment(settings.parentEnvironment, settings.urlHost(), settings.otlpProtocol);
    Map<String, String> environment = commandEnvironment.variables();
    ModelCallRecordingProxy proxy = null;
    OtlpReceiver receiver = null;
    try {
      ModelCallRecordingProxy.Builder proxyBuilder = null;
      if (settings.cassette != null && settings.cassetteMode == CassetteMode.REPLAY) {
        proxyBuilder = ModelCallRecordingProxy.replaying(settings.cassette, tracer);
      } else if (settings.modelUpstream != null) {
        proxyBuilder = ModelCallRecordingProxy.builder(settings.modelUpstream, tracer);
        if (settings.cassette != null) {
          proxyBuilder.setCassette(settings.cassette, settings.cassetteMode);
        }
      }
      if (proxyBuilder != null) {
        proxyBuilder.setBindAddress(settings.listenAddress).setCassetteTiming(settings.cassetteTiming);
        for (String path : settings.cassetteIgnores) {
          proxyBuilder.addCassetteIgnore(path);
        }
        try {
          proxy = proxyBuilder.start();
        } catch (UncheckedIOException e) {
          // The command is not run: without the proxy its model calls would go unrecorded, or nowhere.
          String why = e.getMessage();
          String cause = e.getCause().getMessage();
          if (cause != null && !why.contains(cause)) {
            why += " (" + cause + ")"; // "cannot listen on HOST:0" alone does not say why
          }
          result.outcome =
              new CommandRunner.Outcome(-1, false, new IOException("the recording proxy could not start: " + why, e));
          return;
        }
        commandEnvironment.modelProxy(proxy.port());
      }
      if (settings.otlpReceiver) {
        try {
          receiver = OtlpReceiver.start(sdk, settings.listenAddress, commandEnvironment.speaksGrpc());
          commandEnvironment.otlpReceiver(receiver);
        } catch (IOException e) {
          container.recordFailure(new IOException("the OTLP receiver could not start: " + e.getMessage(), e));
        }
      }
      commandEnvironment.traceContext(container.spanContext());
      CommandRunner runner = settings.ptyColumns > 0
          ? CommandRunner.pty(command, workdir, environment, settings.timeout.toSeconds(), settings.ptyColumns, settings.ptyRows)
          : CommandRunner.pipes(command, workdir, environment, settings.timeout.toSeconds());
      try (TerminalRecorder output = TerminalRecorder.create(container)) {
        if (runner.onPty()) {
          output.recordSize(settings.ptyColumns, settings.ptyRows);
        }
        stop.starting(runner);
        result.outcome = runner.run(output, nonClosing(settings.console), nonClosing(settings.consoleErr));
        result.droppedOutput = output.droppedBytes();
      } finally {
        stop.ended();
      }
      if (receiver != null) {
        receiver.awaitQuiet(settings.otlpGrace, stop::waitsOver);
        // Closed before its counts are read: what is still arriving is cut off and counted, and the
        // spans of every request it took are in the SDK before the container span ends.
        receiver.close();
        result.received = receiver.receivedSpans();
        result.refused = receiver.refusedRequests();
        result.cutOff = receiver.cutOffRequests();
        if (result.cutOff > 0) {
          container.setAttribute("cab.otlp.cut_off_requests", result.cutOff);
        }
        if (receiver.malformedRequests() > 0) {
          container.setAttribute("cab.otlp.malformed_requests", receiver.malformedRequests());
        }
        if (receiver.rejectedSpans() > 0) {
          container.setAttribute("cab.otlp.rejected_spans", receiver.rejectedSpans());
        }
        container.setAttribute("cab.otlp.received_spans", receiver.receivedSpans());
      }
    } finally {
      if (receiver != null) {
        receiver.close();
      }
      if (proxy != null) {
        proxy.close();
      }
    }
  }

  /** The console outlives the subprocess: closing the recorder's stream must not close it. */
  private static OutputStream nonClosing(PrintStream console) {
    return new PrintStream(console, true) {
      @Override
      public void close() {
        flush();
      }
    };
  }

  /** Settings of a {@link CellRecorder}. */
  public static final class Builder {
    private final Path captureFile;
    private CellIdentity identity = CellIdentity.of("local", "agent", "unknown", "local/task");
    private Duration timeout = Duration.ofSeconds(600);
    private String image = "local/subprocess";
    private URI modelUpstream;
    private int ptyColumns;
    private int ptyRows;
    private boolean otlpReceiver = true;
    private String otlpProtocol = "http/protobuf";
    private Duration otlpGrace = Duration.ofSeconds(2);
    private String listenAddress = "127.0.0.1";
    private String advertise;
    private PrintStream console = System.out;
    private PrintStream consoleErr = System.err;
    private Map<String, String> parentEnvironment = System.getenv();
    private UnaryOperator<dev.cabtrace.sdk.CabTraceSdkBuilder> sdkBuilder = UnaryOperator.identity();
    private Path workdir;
    private Path cassette;
    private CassetteMode cassetteMode = CassetteMode.RECORD;
    private CassetteTiming cassetteTiming = CassetteTiming.ORIGINAL;
    private final List<String> cassetteIgnores = new java.util.ArrayList<>();

    private Builder(Path captureFile) {
      this.captureFile = captureFile;
    }

    /** Who the cell is: on the resource of every span. */
    public Builder setIdentity(CellIdentity identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /** When all the command's processes are killed; default 600 s. */
    public Builder setTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /** The container image recorded on the container span. */
    public Builder setImage(String image) {
      this.image = Objects.requireNonNull(image, "image");
      return this;
    }

    /**
     * Puts the recording proxy in front of this model endpoint; null for none.
     *
     * @throws IllegalArgumentException naming {@code --model-upstream} unless it is an http(s) base
     *     URL with no query, fragment or user:password
     */
    public Builder setModelUpstream(URI modelUpstream) {
      if (modelUpstream != null) {
        try {
          ModelCallRecordingProxy.builder(modelUpstream, CellTracer.noop());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--model-upstream " + e.getMessage());
        }
      }
      this.modelUpstream = modelUpstream;
      return this;
    }

    /** Runs the command on a pseudo-terminal of this size and records its raw bytes. */
    public Builder setPty(int columns, int rows) {
      if (columns < 1 || rows < 1 || columns > 1000 || rows > 1000) {
        throw new IllegalArgumentException("terminal size must be 1..1000 columns and rows");
      }
      this.ptyColumns = columns;
      this.ptyRows = rows;
      return this;
    }

    /**
     * Runs the command in this existing directory (a checkout of the task), which {@code cleanup}
     * leaves as it is; null (the default) for a fresh temporary one with a {@code TASK.md}, removed
     * after.
     */
    public Builder setWorkdir(Path workdir) {
      if (workdir != null && !Files.isDirectory(workdir)) {
        throw new IllegalArgumentException("--workdir " + workdir + " is not a directory");
      }
      this.workdir = workdir == null ? null : workdir.toAbsolutePath();
      return this;
    }

    /** Whether the command gets an OTLP receiver for its own spans; default on. */
    public Builder setOtlpReceiver(boolean otlpReceiver) {
      this.otlpReceiver = otlpReceiver;
      return this;
    }

    /** The receiver handed to the command: {@code http/protobuf} (default) or {@code grpc}. */
    public Builder setOtlpProtocol(String otlpProtocol) {
      if (!"grpc".equals(otlpProtocol) && !"http/protobuf".equals(otlpProtocol)) {
        throw new IllegalArgumentException("--otlp-protocol must be grpc or http/protobuf, not " + otlpProtocol);
      }
      this.otlpProtocol = otlpProtocol;
      return this;
    }

    /** How long to wait after the command exits for its exports still in flight; default 2 s. */
    public Builder setOtlpGrace(Duration otlpGrace) {
      this.otlpGrace = Objects.requireNonNull(otlpGrace, "otlpGrace");
      return this;
    }

    /** The address the proxy and the receiver listen on; default 127.0.0.1. */
    public Builder setListenAddress(String listenAddress) {
      this.listenAddress = Objects.requireNonNull(listenAddress, "listenAddress");
      return this;
    }

    /** The host put in the URLs handed to the command (e.g. host.docker.internal); default the listen address. */
    public Builder setAdvertiseHost(String advertise) {
      this.advertise = advertise;
      return this;
    }

    /** Where the command's stdout (or terminal) and stderr are forwarded; default this process's. */
    public Builder setConsole(PrintStream out, PrintStream err) {
      this.console = Objects.requireNonNull(out, "out");
      this.consoleErr = Objects.requireNonNull(err, "err");
      return this;
    }

    /** The environment whose OTEL_* settings the user made; default this process's. */
    public Builder setParentEnvironment(Map<String, String> environment) {
      this.parentEnvironment = Map.copyOf(environment);
      return this;
    }

    /**
     * Records the model's answers to {@code cassette} ({@code RECORD}, {@code RECORD_MISSING}: needs
     * a model upstream) or serves them from it ({@code REPLAY}: no upstream needed); the command gets
     * the same base-URL variables either way.
     */
    public Builder setCassette(Path cassette, CassetteMode mode) {
      this.cassette = Objects.requireNonNull(cassette, "cassette");
      this.cassetteMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** How a replayed answer is paced: {@code ORIGINAL} (default) or {@code FAST}. */
    public Builder setCassetteTiming(CassetteTiming timing) {
      this.cassetteTiming = Objects.requireNonNull(timing, "timing");
      return this;
    }

    /**
     * A request field (JSONPath) left out when matching requests to the cassette; repeatable.
     *
     * @throws IllegalArgumentException for a path the proxy does not support ({@link
     *     ModelCallRecordingProxy.Builder#addCassetteIgnore}): here, not once the cell has started
     */
    public Builder addCassetteIgnore(String jsonPath) {
      // Parsed by the proxy's own parser, on a builder that is never started.
      ModelCallRecordingProxy.builder(URI.create("http://127.0.0.1"), CellTracer.noop())
          .addCassetteIgnore(Objects.requireNonNull(jsonPath, "jsonPath"));
      cassetteIgnores.add(jsonPath);
      return this;
    }

    /** Further SDK settings (an OTLP export, redaction patterns, a clock for tests). */
    public Builder configureSdk(UnaryOperator<dev.cabtrace.sdk.CabTraceSdkBuilder> configure) {
      this.sdkBuilder = Objects.requireNonNull(configure, "configure");
      return this;
    }

    String advertiseHost() {
      if (advertise != null) {
        return advertise;
      }
      return "0.0.0.0".equals(listenAddress) || "::".equals(listenAddress) ? "127.0.0.1" : listenAddress;
    }

    /** {@link #advertiseHost} as a URL names it: an IPv6 address in brackets ({@code http://[::1]:4318}). */
    String urlHost() {
      String host = advertiseHost();
      return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * The recorder.
     *
     * @throws IllegalArgumentException for a cassette to record without an upstream, or a listen
     *     address the proxy or the receiver could not listen on (no such host, not this machine's)
     */
    public CellRecorder build() {
      if (cassette != null && cassetteMode != CassetteMode.REPLAY && modelUpstream == null) {
        throw new IllegalArgumentException("recording a cassette needs --model-upstream URL (or --cassette-mode replay)");
      }
      if (otlpReceiver || modelUpstream != null || cassette != null) {
        checkListenAddress(listenAddress);
      }
      return new CellRecorder(this);
    }

    /**
     * Refuses an address nothing can listen on here, before anything runs: found as the receiver
     * or the proxy started, the command would run without them (no OTEL_* variables, no model).
     */
    private static void checkListenAddress(String address) {
      try {
        // Bound and let go: the receiver and the proxy take ports of their own.
        new ServerSocket(0, 1, InetAddress.getByName(address)).close();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("--listen " + address + ": cannot listen there: no such host");
      } catch (IOException e) {
        // Not an address of this machine (cannot assign requested address), or not one to listen on.
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().toLowerCase(Locale.ROOT);
        throw new IllegalArgumentException("--listen " + address + ": cannot listen there: " + why);
      }
    }
  }
}
