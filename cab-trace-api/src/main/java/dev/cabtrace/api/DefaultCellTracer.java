package dev.cabtrace.api;

import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

final class DefaultCellTracer implements CellTracer {

  private final Tracer tracer;

  DefaultCellTracer(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public CellSpan startSpan(CabSpanKind kind, String name) {
    if (kind == null) {
      TracingFailures.report("startSpan called with a null kind", null);
      return NoopCellSpan.INSTANCE;
    }
    return open(kind, name, SpanKind.INTERNAL, null, null);
  }

  @Override
  public CellSpan toolCall(String toolName) {
    return open(CabSpanKind.TOOL_CALL, toolName, SpanKind.INTERNAL, CabAttributes.GEN_AI_TOOL_NAME.getKey(), toolName);
  }

  @Override
  public CellSpan adapterRun(String name, String agentName) {
    return open(CabSpanKind.ADAPTER_RUN, name, SpanKind.INTERNAL, CabAttributes.GEN_AI_AGENT_NAME.getKey(), agentName);
  }

  @Override
  public ModelCallSpan modelCall(String providerName, String requestModel) {
    try {
      // A model not known is left out, never guessed; the span is then named by its operation alone,
      // as the GenAI conventions name it.
      SpanBuilder builder =
          tracer
              .spanBuilder(requestModel == null ? "chat" : "chat " + requestModel)
              .setSpanKind(SpanKind.CLIENT)
              .setAttribute(CabAttributes.SPAN_KIND, CabSpanKind.MODEL_CALL.value())
              .setAttribute(CabAttributes.GEN_AI_OPERATION_NAME, "chat");
      if (requestModel != null) {
        builder.setAttribute(CabAttributes.GEN_AI_REQUEST_MODEL, requestModel);
      }
      if (providerName != null) {
        builder.setAttribute(CabAttributes.GEN_AI_PROVIDER_NAME, providerName);
      }
      Context parent = DefaultCellSpan.liveParent(Context.current());
      return new DefaultModelCallSpan(builder.setParent(parent).startSpan(), parent);
    } catch (RuntimeException e) {
      TracingFailures.report("could not start a model_call span", e);
      return NoopCellSpan.INSTANCE;
    }
  }

  private CellSpan open(
      CabSpanKind kind, String name, SpanKind spanKind, String extraKey, String extraValue) {
    try {
      SpanBuilder builder =
          tracer
              .spanBuilder(name == null ? kind.value() : name)
              .setSpanKind(spanKind)
              .setAttribute(CabAttributes.SPAN_KIND, kind.value());
      if (extraKey != null && extraValue != null) {
        builder.setAttribute(extraKey, extraValue);
      }
      Context parent = DefaultCellSpan.liveParent(Context.current());
      return new DefaultCellSpan(builder.setParent(parent).startSpan(), parent);
    } catch (RuntimeException e) {
      TracingFailures.report("could not start a " + kind.value() + " span", e);
      return NoopCellSpan.INSTANCE;
    }
  }
}
