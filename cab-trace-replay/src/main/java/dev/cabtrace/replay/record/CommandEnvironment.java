package dev.cabtrace.replay.record;

import io.opentelemetry.api.trace.SpanContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a recorded command finds in its environment beyond what it inherits: the recording proxy's
 * URLs, the OTLP receiver handed over to its exporter, and the trace context of the {@code
 * container} span it runs under. What the user set is left as it is where the README says so.
 */
final class CommandEnvironment {

  private final Map<String, String> parent;
  private final String urlHost;
  private final String otlpProtocol;
  private final Map<String, String> variables = new LinkedHashMap<>();

  /**
   * @param parent the environment the command inherits
   * @param urlHost the host the command reaches record's servers at
   * @param otlpProtocol {@code --otlp-protocol}
   */
  CommandEnvironment(Map<String, String> parent, String urlHost, String otlpProtocol) {
    this.parent = parent;
    this.urlHost = urlHost;
    this.otlpProtocol = otlpProtocol;
  }

  /** The variables set so far, over the inherited ones; this map, as it fills. */
  Map<String, String> variables() {
    return variables;
  }

  /** The model APIs' base URLs, at the recording proxy on {@code port}. */
  void modelProxy(int port) {
    String base = "http://" + urlHost + ":" + port;
    variables.put("OPENAI_BASE_URL", base + "/v1");
    variables.put("OPENAI_API_BASE", base + "/v1");
    variables.put("ANTHROPIC_BASE_URL", base);
  }

  /** The receiver's URLs for the command, unless the user pointed its exporter elsewhere. */
  void otlpReceiver(OtlpReceiver receiver) {
    if (parent.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT") || parent.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) {
      return;
    }
    boolean grpc = speaksGrpc();
    variables.put("OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://" + urlHost + ":" + (grpc ? receiver.grpcPort() : receiver.httpPort()));
    if (!parent.containsKey("OTEL_EXPORTER_OTLP_PROTOCOL")) {
      variables.put("OTEL_EXPORTER_OTLP_PROTOCOL", grpc ? "grpc" : "http/protobuf");
    }
    if (!parent.containsKey("OTEL_TRACES_EXPORTER")) {
      variables.put("OTEL_TRACES_EXPORTER", "otlp");
    }
  }

  /**
   * Whether the command's exporter will speak gRPC: the user's own {@code
   * OTEL_EXPORTER_OTLP_TRACES_PROTOCOL} or {@code OTEL_EXPORTER_OTLP_PROTOCOL}, which are left as
   * they are (an agent may speak only gRPC), else {@code --otlp-protocol}. The receiver handed over
   * speaks it too: a gRPC exporter sent to the HTTP port would lose every span.
   */
  boolean speaksGrpc() {
    for (String name : new String[] {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"}) {
      String chosen = parent.get(name);
      if (chosen != null && !chosen.isBlank()) {
        return "grpc".equals(chosen.trim());
      }
    }
    return "grpc".equals(otlpProtocol);
  }

  /**
   * {@code TRACEPARENT}, always {@code context}'s when it is valid: one inherited from whatever ran
   * record (a harness's own trace) would put the agent's spans in another trace, outside this
   * cell's. An inherited trace state belongs to that trace too, and is emptied.
   */
  void traceContext(SpanContext context) {
    if (!context.isValid()) {
      return;
    }
    variables.put("TRACEPARENT", "00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
        + context.getTraceFlags().asHex());
    if (parent.containsKey("TRACESTATE")) {
      variables.put("TRACESTATE", "");
    }
  }
}
