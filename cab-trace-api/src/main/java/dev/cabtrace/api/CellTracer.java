package dev.cabtrace.api;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;

/**
 * Opens the spans of one benchmark cell. Each span becomes the current span until it is closed, so
 * spans opened inside a try-with-resources block are its children:
 *
 * <pre>{@code
 * CellTracer tracer = CellTracer.create(openTelemetry);
 * try (CellSpan run = tracer.adapterRun("openhands:polyglot/rust-error-handling", "openhands")) {
 *   try (CellSpan container = tracer.container("openhands:run")) {
 *     container.setExitCode(0);
 *   }
 * }
 * }</pre>
 *
 * <p>A tracer never throws into the adapter: a failure inside tracing is logged and the span
 * degrades to a no-op. Without an SDK installed it records nothing at all.
 */
public interface CellTracer {

  /** The instrumentation scope name under which cab-trace records its spans. */
  String SCOPE_NAME = "dev.cabtrace";

  /** A tracer recording through {@code openTelemetry}. */
  static CellTracer create(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new DefaultCellTracer(openTelemetry.getTracer(SCOPE_NAME, CabTraceVersion.VERSION));
  }

  /**
   * A tracer recording through {@link GlobalOpenTelemetry}, looked up as each span starts: spans are
   * no-ops until an SDK is registered, and recorded from then on, whichever came first, this call
   * or the registration.
   */
  static CellTracer global() {
    return GlobalCellTracer.INSTANCE;
  }

  /** A tracer that records nothing. */
  static CellTracer noop() {
    return create(OpenTelemetry.noop());
  }

  /** Opens a span of the given phase under the current span. */
  CellSpan startSpan(CabSpanKind kind, String name);

  /** Opens {@code task_setup}, e.g. {@code prepare:polyglot/rust-error-handling}. */
  default CellSpan taskSetup(String name) {
    return startSpan(CabSpanKind.TASK_SETUP, name);
  }

  /** Opens {@code tool_call} named after the tool, which is also {@code gen_ai.tool.name}. */
  CellSpan toolCall(String toolName);

  /** Opens {@code container}, e.g. {@code openhands:run}. */
  default CellSpan container(String name) {
    return startSpan(CabSpanKind.CONTAINER, name);
  }

  /** Opens {@code adapter_run}, the parent of the run, for the agent CLI {@code agentName}. */
  CellSpan adapterRun(String name, String agentName);

  /** Opens {@code cleanup}, e.g. {@code cleanup:openhands}. */
  default CellSpan cleanup(String name) {
    return startSpan(CabSpanKind.CLEANUP, name);
  }

  /**
   * Opens {@code model_call}: a CLIENT span named {@code chat {requestModel}} following the
   * OpenTelemetry GenAI conventions. Its duration is the call's latency.
   */
  ModelCallSpan modelCall(String providerName, String requestModel);
}
