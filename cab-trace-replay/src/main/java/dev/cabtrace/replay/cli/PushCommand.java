package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.push.CapturePusher;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.sdk.export.OtlpExport;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "push", mixinStandardHelpOptions = true,
    description = "Send a capture file to a trace backend over OTLP, with its original ids, parents, times, resource and attributes.")
final class PushCommand implements Callable<Integer> {

  @Mixin TraceSource source;

  @Option(names = "--endpoint", required = true, paramLabel = "URL",
      description = "OTLP endpoint: http://host:4317 for grpc, http://host:4318 (or the full .../v1/traces) for http/protobuf.")
  String endpoint;

  @Option(names = "--protocol", defaultValue = "http/protobuf", paramLabel = "PROTOCOL",
      description = "grpc or http/protobuf (default ${DEFAULT-VALUE}).")
  String protocol;

  @Option(names = "--header", paramLabel = "K=V", description = "A header to send, e.g. an API token; repeatable.")
  Map<String, String> headers = new LinkedHashMap<>();

  @Option(names = "--batch-size", defaultValue = "512", description = "Spans per request (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--timeout", defaultValue = "10s", description = "Longest wait for one batch (default ${DEFAULT-VALUE}).")
  String timeout;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    OtlpExport.Protocol transport = OtlpExport.Protocol.parse(protocol);
    String target = endpoint;
    URI uri = URI.create(endpoint);
    if (transport == OtlpExport.Protocol.HTTP_PROTOBUF && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
      target = endpoint.replaceAll("/$", "") + "/v1/traces";
    }
    Duration perBatch = Duration.ofNanos(dev.cabtrace.replay.timeline.Durations.parse(timeout));
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be at least 1");
    }
    Timeline timeline = source.load();
    OtlpExport export = OtlpExport.create(target, transport, headers, perBatch);
    SpanExporter exporter = export.createExporter(false);
    CapturePusher.Result result;
    try {
      result = CapturePusher.push(timeline, exporter, batchSize, perBatch.plusSeconds(5).toMillis());
    } finally {
      exporter.shutdown();
    }
    spec.commandLine().getOut().printf("pushed %d of %d spans (%d trace(s)) to %s in %d batch(es); %d failed%n",
        result.sent(), timeline.size(), timeline.traceIds().size(), export.describe(), result.batches(), result.failed());
    spec.commandLine().getOut().flush();
    return result.failed() == 0 ? 0 : 1;
  }
}
