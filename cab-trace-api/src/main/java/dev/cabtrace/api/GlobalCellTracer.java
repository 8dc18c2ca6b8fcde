package dev.cabtrace.api;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

/**
 * The tracer of {@link CellTracer#global()}: it looks the global OpenTelemetry up when a span
 * starts, not when the tracer is made, and never with {@link GlobalOpenTelemetry#get()} before an
 * SDK is registered (that call would pin the global to a no-op for good, and the SDK's registration
 * would then fail). Until an SDK is registered its spans are no-ops.
 */
final class GlobalCellTracer implements CellTracer {

  static final GlobalCellTracer INSTANCE = new GlobalCellTracer();

  private static final CellTracer NOOP = CellTracer.noop();

  /** The global OpenTelemetry last seen and a tracer on it; replaced together. */
  private volatile Registered registered;

  private static final class Registered {
    final OpenTelemetry openTelemetry;
    final CellTracer tracer;

    Registered(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
      this.tracer = CellTracer.create(openTelemetry);
    }
  }

  private GlobalCellTracer() {}

  private CellTracer delegate() {
    if (!GlobalOpenTelemetry.isSet()) {
      return NOOP;
    }
    OpenTelemetry global = GlobalOpenTelemetry.get();
    Registered current = registered;
    if (current == null || current.openTelemetry != global) {
      current = new Registered(global);
      registered = current;
    }
    return current.tracer;
  }

  @Override
  public CellSpan startSpan(CabSpanKind kind, String name) {
    return delegate().startSpan(kind, name);
  }

  @Override
  public CellSpan toolCall(String toolName) {
    return delegate().toolCall(toolName);
  }

  @Override
  public CellSpan adapterRun(String name, String agentName) {
    return delegate().adapterRun(name, agentName);
  }

  @Override
  public ModelCallSpan modelCall(String providerName, String requestModel) {
    return delegate().modelCall(providerName, requestModel);
  }
}
