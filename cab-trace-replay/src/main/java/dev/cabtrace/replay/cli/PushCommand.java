package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.push.CapturePusher;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.sdk.export.OtlpExport;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "push", mixinStandardHelpOptions = true,
    description = "Send a capture file to a trace backend over OTLP: the spans of its OTLP JSON lines with every field"
        + " they have, others with their original ids, parents, times, resource and attributes.")
final class PushCommand implements Callable<Integer> {

  @Mixin TraceSource source;

  @Option(names = "--endpoint", required = true, paramLabel = "URL",
      description = "OTLP endpoint: http://host:4317 for grpc, http://host:4318 (or the full .../v1/traces) for http/protobuf.")
  String endpoint;

  @Option(names = "--protocol", defaultValue = "http/protobuf", paramLabel = "PROTOCOL",
      description = "grpc or http/protobuf (default ${DEFAULT-VALUE}).")
  String protocol;

  // Read as text and split here, not as picocli's map: its error for a malformed entry repeats the
  // entry, and "Authorization: Bearer sk-..." holds the token.
  @Option(names = "--header", paramLabel = "K=V", description = "A header to send, e.g. an API token; repeatable.")
  List<String> header = new ArrayList<>();

  @Option(names = "--batch-size", defaultValue = "512", description = "Spans per request (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--timeout", defaultValue = "10s", description = "Longest wait for one batch (default ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--verify", description = "After sending, read the traces back from the backend's query API (--query) and say how many spans it holds; exit 1 when fewer than were sent.")
  boolean verify;

  @Option(names = "--query", paramLabel = "URL", description = "The backend's query API for --verify: Tempo or Jaeger (/api/traces/{id}) or Zipkin (/api/v2/trace/{id}).")
  String query;

  @Option(names = "--verify-timeout", defaultValue = "30s", paramLabel = "DURATION",
      description = "How long --verify waits for the backend to hold every span (default ${DEFAULT-VALUE}).")
  String verifyTimeout;

  @Option(names = "--max-age", defaultValue = "3d", paramLabel = "DURATION",
      description = "Warn about spans older than this before sending: backends keep traces for a limited time and may accept, then drop, older ones (default ${DEFAULT-VALUE}, Apache SkyWalking's default retention).")
  String maxAge;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    OtlpExport.Protocol transport = OtlpExport.Protocol.parse(protocol);
    Duration perBatch = Duration.ofNanos(dev.cabtrace.replay.internal.Durations.parse(timeout));
    // Refused as it was typed, not with the /v1/traces added to it below.
    OtlpExport.create(endpoint, transport, Map.of(), perBatch);
    String target = endpoint;
    URI uri = URI.create(endpoint);
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("--endpoint: a fragment (#" + uri.getRawFragment()
          + ") is never sent to a server; leave it out");
    }
    if (transport == OtlpExport.Protocol.HTTP_PROTOBUF && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
      // The signal's path goes into the path, before a query (?token=) the backend wants.
      target = uri.getScheme() + "://" + uri.getRawAuthority() + "/v1/traces"
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be at least 1");
    }
    if (verify && query == null) {
      throw new IllegalArgumentException("--verify needs --query URL, the backend's query API");
    }
    if (!verify) {
      for (String option : List.of("--query", "--verify-timeout")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw new IllegalArgumentException(option + " needs --verify");
        }
      }
    }
    if (query != null) {
      HttpUrl.check("--query", query, "http://tempo:3200");
    }
    long verifyNanos = dev.cabtrace.replay.internal.Durations.parse(verifyTimeout);
    long maxAgeNanos = dev.cabtrace.replay.internal.Durations.parse(maxAge);
    Map<String, String> headers = headers();
    // Every usage check before the load, whose warnings would come before the error.
    OtlpExport export = OtlpExport.create(target, transport, headers, perBatch);
    Timeline timeline = source.load();
    WarningLines.print(spec.commandLine().getErr(), timeline.warnings());
    warnAboutOldSpans(timeline, maxAgeNanos);
    // The capture's own redaction may have been off, or the file written by another tool: what
    // leaves for a backend is redacted as everything cab-trace sends is (a masked file is left as it is).
    SpanExporter exporter = dev.cabtrace.sdk.redact.Redaction.defaults().wrap(export.createExporter(false));
    CapturePusher.Result result;
    // The exporter logs each failed batch with its stack trace, and the SDK's report of the first
    // names only its exception's class; the lines below say what failed and why.
    java.util.logging.Logger exporterLogs = java.util.logging.Logger.getLogger("io.opentelemetry.exporter");
    java.util.logging.Logger reportLogs = java.util.logging.Logger.getLogger(OtlpExport.class.getName());
    java.util.logging.Level level = exporterLogs.getLevel();
    java.util.logging.Level reportLevel = reportLogs.getLevel();
    exporterLogs.setLevel(java.util.logging.Level.OFF);
    reportLogs.setLevel(java.util.logging.Level.OFF);
    try {
      // Read again for every field its lines have: a regular file only (a pipe is read once).
      Path capture = source.isFile() && java.nio.file.Files.isRegularFile(Path.of(source.file)) ? Path.of(source.file) : null;
      result = CapturePusher.push(timeline, capture, exporter, batchSize, perBatch.plusSeconds(5).toMillis());
    } finally {
      exporter.shutdown();
      exporterLogs.setLevel(level);
      reportLogs.setLevel(reportLevel);
    }
    if (result.failure() != null) {
      // The backend's words may be anything: escaped as a trace's are.
      spec.commandLine().getErr().println("cab-trace: OTLP export to " + export.describe() + " failed: "
          + TerminalText.escapeLine(result.failure()) + ". The file is unchanged; push it again later.");
      spec.commandLine().getErr().flush();
    }
    long batchesInAll = (timeline.size() + batchSize - 1) / batchSize;
    spec.commandLine().getOut().printf("pushed %d of %d spans (%d trace(s)) to %s in %d batch(es); %d failed%s%n",
        result.sent(), timeline.size(), timeline.traceIds().size(), export.describe(), result.batches(), result.failed(),
        result.batches() < batchesInAll ? " (stopped after " + CapturePusher.FAILED_BATCHES_IN_A_ROW
            + " batches failed in a row; the rest was not sent)" : "");
    spec.commandLine().getOut().flush();
    if (result.failed() != 0) {
      return 1;
    }
    if (verify) {
      long held = BackendVerification.spansHeld(timeline, query, headers, verifyNanos);
      spec.commandLine().getOut().printf("backend holds %d of %d spans%n", held, timeline.size());
      spec.commandLine().getOut().flush();
      return held == timeline.size() ? 0 : 1;
    }
    return 0;
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String entry : header) {
      int equals = entry.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("--header must be KEY=VALUE (the value given is not repeated here: it may hold"
            + " a secret)");
      }
      headers.put(entry.substring(0, equals).trim(), entry.substring(equals + 1));
    }
    return headers;
  }

  private void warnAboutOldSpans(Timeline timeline, long maxAgeNanos) {
    long cutoff = System.currentTimeMillis() * 1_000_000L - maxAgeNanos;
    long old = timeline.spans().stream().filter(span -> span.startEpochNanos() < cutoff).count();
    if (old > 0) {
      spec.commandLine().getErr().printf(
          "cab-trace: warning: %d of %d spans started more than %s ago (the oldest at %s); a backend with a shorter"
              + " retention may accept them and then drop them (--verify --query URL checks)%n",
          old, timeline.size(), maxAge, java.time.Instant.ofEpochSecond(0, timeline.t0EpochNanos()));
      spec.commandLine().getErr().flush();
    }
  }
}
