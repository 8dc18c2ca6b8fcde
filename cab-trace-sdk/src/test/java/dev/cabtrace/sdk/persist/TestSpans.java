package dev.cabtrace.sdk.persist;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/** Fixed spans covering every field of the OTLP span, for format tests. */
final class TestSpans {

  static final String TRACE_ID = "8293433263b72503f683e7696220d242";
  static final long T0 = 1_781_680_663_106_812_000L;

  static final Resource RESOURCE =
      Resource.create(
          Attributes.builder()
              .put("service.name", "cab-harness")
              .put("cab.cell_id", "sweep/aider/gpt-5-mini/python/flaky-retry")
              .build());

  static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.builder("dev.cabtrace").setVersion("0.1.0").build();

  static final InstrumentationScopeInfo OTHER_SCOPE =
      InstrumentationScopeInfo.builder("other")
          .setAttributes(Attributes.of(AttributeKey.stringKey("scope.attr"), "x"))
          .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
          .build();

  static List<SpanData> cell() {
    SpanContext setup = context("9d591e75086b3ecf");
    SpanContext run = context("ad333935d043d29a");
    SpanContext container = context("8cd34537b6fd5abc");
    SpanContext call = context("e4c4b95e9468a21f");
    return List.of(
        TestSpanData.builder()
            .setSpanContext(setup)
            .setName("prepare:python/flaky-retry")
            .setKind(SpanKind.INTERNAL)
            .setStartEpochNanos(T0)
            .setEndEpochNanos(T0 + 4_200_000)
            .setAttributes(
                Attributes.builder()
                    .put("cab.span.kind", "task_setup")
                    .put(AttributeKey.stringArrayKey("plugin_stack"), List.of())
                    .put("behavior_mode", "factory")
                    .build())
            .setTotalAttributeCount(3)
            .setStatus(StatusData.unset())
            .setHasEnded(true)
            .setResource(RESOURCE)
            .setInstrumentationScopeInfo(SCOPE)
            .build(),
        TestSpanData.builder()
            .setSpanContext(call)
            .setParentSpanContext(container)
            .setName("chat gpt-5-mini")
            .setKind(SpanKind.CLIENT)
            .setStartEpochNanos(T0 + 1_000_000_000)
            .setEndEpochNanos(T0 + 3_400_000_000L)
            .setAttributes(
                Attributes.builder()
                    .put("cab.span.kind", "model_call")
                    .put("gen_ai.usage.input_tokens", 5210L)
                    .put("gen_ai.usage.output_tokens", 388L)
                    .put("sampling.temperature", 0.25)
                    .put("gen_ai.stream", true)
                    .put(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"))
                    .put(AttributeKey.longArrayKey("ids"), List.of(1L, -2L))
                    .put(AttributeKey.doubleArrayKey("scores"), List.of(0.5, 1.5))
                    .put(AttributeKey.booleanArrayKey("flags"), List.of(true, false))
                    // VALUE attributes (OTel 1.68): a key-value list, bytes, a mixed array, empty.
                    .put(AttributeKey.valueKey("gen_ai.request.options"), Value.of(
                        io.opentelemetry.api.common.KeyValue.of("temperature", Value.of(0.25)),
                        io.opentelemetry.api.common.KeyValue.of("tools", Value.of(Value.of("bash"), Value.of(2L)))))
                    .put(AttributeKey.valueKey("payload"), Value.of(new byte[] {0, 1, (byte) 0xFF}))
                    .put(AttributeKey.valueKey("mixed"), Value.of(Value.of("a"), Value.of(true), Value.of(1.5)))
                    .put(AttributeKey.valueKey("nothing"), Value.empty())
                    .put("text", "quote \" backslash \\ newline \n tab \t esc \u001b bell \u0007 é 世界")
                    .build())
            .setTotalAttributeCount(18)
            .setStatus(StatusData.ok())
            .setHasEnded(true)
            .setResource(RESOURCE)
            .setInstrumentationScopeInfo(SCOPE)
            .build(),
        TestSpanData.builder()
            .setSpanContext(container)
            .setParentSpanContext(run)
            .setName("aider:run")
            .setKind(SpanKind.INTERNAL)
            .setStartEpochNanos(T0 + 7_000_000)
            .setEndEpochNanos(T0 + 12_500_000_000L)
            .setAttributes(
                Attributes.builder()
                    .put("cab.span.kind", "container")
                    .put("process.exit.code", 1L)
                    .put(
                        AttributeKey.stringArrayKey("container.command_args"),
                        List.of("aider", "--yes-always", "--message", "make retry deterministic"))
                    .build())
            .setTotalAttributeCount(3)
            .setTotalRecordedLinks(1)
            .setEvents(
                List.of(
                    EventData.create(
                        T0 + 2_000_000_000L,
                        "exception",
                        Attributes.of(
                            AttributeKey.stringKey("exception.type"), "java.io.IOException",
                            AttributeKey.stringKey("exception.message"), "broken pipe"))))
            .setTotalRecordedEvents(3)
            .setLinks(
                List.of(
                    LinkData.create(
                        SpanContext.createFromRemoteParent(
                            "0af7651916cd43dd8448eb211c80319c",
                            "b7ad6b7169203331",
                            TraceFlags.getSampled(),
                            TraceState.builder().put("vendor", "v1").build()),
                        Attributes.of(AttributeKey.stringKey("link.kind"), "retry"))))
            .setStatus(StatusData.create(io.opentelemetry.api.trace.StatusCode.ERROR, "tests failed"))
            .setHasEnded(true)
            .setResource(RESOURCE)
            .setInstrumentationScopeInfo(SCOPE)
            .build(),
        TestSpanData.builder()
            .setSpanContext(
                SpanContext.create(
                    TRACE_ID, "ad333935d043d29a", TraceFlags.getSampled(),
                    TraceState.builder().put("cab", "1").put("other", "two").build()))
            .setParentSpanContext(
                SpanContext.createFromRemoteParent(
                    TRACE_ID, "1111111111111111", TraceFlags.getSampled(), TraceState.getDefault()))
            .setName("aider:python/flaky-retry")
            .setKind(SpanKind.SERVER)
            .setStartEpochNanos(T0 + 5_000_000)
            .setEndEpochNanos(T0 + 12_510_000_000L)
            .setAttributes(Attributes.of(AttributeKey.stringKey("cab.span.kind"), "adapter_run"))
            .setTotalAttributeCount(1)
            .setStatus(StatusData.unset())
            .setHasEnded(true)
            .setResource(RESOURCE)
            .setInstrumentationScopeInfo(OTHER_SCOPE)
            .build());
  }

  private static SpanContext context(String spanId) {
    return SpanContext.create(TRACE_ID, spanId, TraceFlags.getSampled(), TraceState.getDefault());
  }

  private TestSpans() {}
}
