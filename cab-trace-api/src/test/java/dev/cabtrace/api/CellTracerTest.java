package dev.cabtrace.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CellTracerTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;
  private CellTracer tracer;

  @BeforeEach
  void setUp() {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    tracer = CellTracer.create(sdk);
  }

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  @Test
  void theScopeVersionIsTheBuildsVersion() throws Exception {
    try (CellSpan setup = tracer.taskSetup("prepare")) {
      setup.setAttribute("k", "v");
    }
    String version = exporter.getFinishedSpanItems().get(0).getInstrumentationScopeInfo().getVersion();
    assertThat(version).isEqualTo(CabTraceVersion.VERSION).isNotEqualTo("unknown");
    // The module's POM names the version once, in its parent reference.
    assertThat(Files.readString(Path.of("pom.xml"))).contains("<version>" + version + "</version>");
  }

  @Test
  void nestedSpansParentCorrectlyAndCarryTheirKind() {
    try (CellSpan run = tracer.adapterRun("openhands:polyglot/rust-error-handling", "openhands")) {
      try (CellSpan tool = tracer.toolCall("applied_plugins")) {
        tool.setAttribute("count", 0L).setAttribute("applied", List.of());
      }
      try (CellSpan container = tracer.container("openhands:run")) {
        container
            .setAttribute(CabAttributes.CONTAINER_COMMAND_ARGS, List.of("python", "-t", "fix it"))
            .setExitCode(0)
            .setTimedOut(false);
      }
      run.setExitCode(0);
    }
    try (CellSpan cleanup = tracer.cleanup("cleanup:openhands")) {
      assertThat(Span.current().getSpanContext()).isEqualTo(cleanup.spanContext());
    }
    assertThat(Span.current().getSpanContext().isValid()).isFalse();

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getName)
        .containsExactly("applied_plugins", "openhands:run", "openhands:polyglot/rust-error-handling", "cleanup:openhands");
    SpanData tool = spans.get(0);
    SpanData container = spans.get(1);
    SpanData run = spans.get(2);
    SpanData cleanup = spans.get(3);
    assertThat(tool.getParentSpanId()).isEqualTo(run.getSpanId());
    assertThat(container.getParentSpanId()).isEqualTo(run.getSpanId());
    assertThat(run.getParentSpanContext().isValid()).isFalse();
    assertThat(cleanup.getParentSpanContext().isValid()).isFalse();

    assertThat(kindOf(tool)).isEqualTo("tool_call");
    assertThat(kindOf(container)).isEqualTo("container");
    assertThat(kindOf(run)).isEqualTo("adapter_run");
    assertThat(kindOf(cleanup)).isEqualTo("cleanup");
    assertThat(tool.getAttributes().get(CabAttributes.GEN_AI_TOOL_NAME)).isEqualTo("applied_plugins");
    assertThat(tool.getAttributes().get(AttributeKey.stringArrayKey("applied"))).isEmpty();
    assertThat(run.getAttributes().get(CabAttributes.GEN_AI_AGENT_NAME)).isEqualTo("openhands");
    assertThat(container.getAttributes().get(CabAttributes.CONTAINER_COMMAND_ARGS))
        .containsExactly("python", "-t", "fix it");
    assertThat(container.getAttributes().get(CabAttributes.PROCESS_EXIT_CODE)).isZero();
    assertThat(container.getAttributes().get(CabAttributes.TIMED_OUT)).isFalse();
  }

  @Test
  void aCellIdentityNamesTheFieldItLacks() {
    assertThat(CellIdentity.of("s1", "aider", "gpt-5", "python/flaky").cellId()).isEqualTo("s1/aider/gpt-5/python/flaky");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CellIdentity.of("s1", null, "gpt-5", "python/flaky"))
        .isInstanceOf(NullPointerException.class).hasMessage("tui");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CellIdentity.of("s1", "aider", "gpt-5", null))
        .isInstanceOf(NullPointerException.class).hasMessage("taskId");
  }

  @Test
  void aModelCallsSettersChainInAnyOrder() {
    try (ModelCallSpan call = tracer.modelCall("openai", "gpt-5-mini")) {
      ModelCallSpan same = call.setAttribute("retry", 1L).setAttribute("cached", true).setAttribute("region", "eu")
          .setAttribute("temperature", 0.2).setAttribute("tools", List.of("bash")).setExitCode(0).setTimedOut(false)
          .setPass(true).setAttribute(CabAttributes.GEN_AI_RESPONSE_MODEL, "gpt-5-mini-2025-08-07")
          .addEvent("retrying", io.opentelemetry.api.common.Attributes.empty()).setError("rate limited")
          .recordFailure(new RuntimeException("429")).setUsage(TokenUsage.of(10, 2)).setAttribute((String) null, "x");
      assertThat(same).isSameAs(call);
    }
    ModelCallSpan noop = CellTracer.noop().modelCall("openai", "gpt-5-mini");
    assertThat(noop.setAttribute("retry", 1L).setError("x").setUsage(TokenUsage.of(1, 1))).isSameAs(noop);
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("retry"))).isEqualTo(1L);
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringArrayKey("tools")))
        .containsExactly("bash");
    assertThat(span.getAttributes().get(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(10L);
    assertThat(span.getEvents()).extracting(io.opentelemetry.sdk.trace.data.EventData::getName)
        .contains("retrying", "exception");
  }

  @Test
  void modelCallFollowsGenAiConventions() {
    byte[] body = "{\"model\":\"gpt-5-mini\"}".getBytes(StandardCharsets.UTF_8);
    try (ModelCallSpan call = tracer.modelCall("openai", "gpt-5-mini")) {
      call.setResponseModel("gpt-5-mini-2025-08-07")
          .setUsage(new TokenUsage(5210L, 388L, 1024L, null))
          .setFinishReasons(List.of("stop"))
          .setRequestBody(body);
    }
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("chat gpt-5-mini");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(kindOf(span)).isEqualTo("model_call");
    assertThat(span.getAttributes().get(CabAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("chat");
    assertThat(span.getAttributes().get(CabAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
    assertThat(span.getAttributes().get(CabAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-5-mini");
    assertThat(span.getAttributes().get(CabAttributes.GEN_AI_RESPONSE_MODEL))
        .isEqualTo("gpt-5-mini-2025-08-07");
    assertThat(span.getAttributes().get(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(5210L);
    assertThat(span.getAttributes().get(CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(388L);
    assertThat(span.getAttributes().get(CabAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS))
        .isEqualTo(1024L);
    // Unknown counts are left out, not recorded as zero.
    assertThat(span.getAttributes().get(CabAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isNull();
    assertThat(span.getAttributes().get(CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS))
        .containsExactly("stop");
    assertThat(span.getAttributes().get(CabAttributes.REQUEST_HASH))
        .isEqualTo(DefaultModelCallSpan.sha256Hex(body))
        .matches("[0-9a-f]{64}");
  }

  @Test
  void requestHashIsTheSha256OfTheBody() {
    // sha-256("abc"), FIPS 180-2 test vector.
    assertThat(DefaultModelCallSpan.sha256Hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void failureEndsTheSpanWithErrorAndAnExceptionEvent() {
    IllegalStateException failure = new IllegalStateException("container crashed");
    try (CellSpan container = tracer.container("aider:run")) {
      container.recordFailure(failure);
    }
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("container crashed");
    assertThat(span.getEvents()).hasSize(1);
    assertThat(span.getEvents().get(0).getName()).isEqualTo("exception");
    assertThat(span.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("exception.type")))
        .isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void aFailureWithoutAMessageIsDescribedByItsType() {
    try (CellSpan container = tracer.container("aider:run")) {
      container.recordFailure(new IllegalStateException());
    }
    assertThat(exporter.getFinishedSpanItems().get(0).getStatus().getDescription())
        .isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void aFailureWhoseMessageCannotBeReadStillMarksTheSpanFailed() {
    try (CellSpan container = tracer.container("aider:run")) {
      assertThatCode(() -> container.recordFailure(new UnreadableFailure())).doesNotThrowAnyException();
    }
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo(UnreadableFailure.class.getName());
  }

  private static final class UnreadableFailure extends RuntimeException {
    @Override
    public String getMessage() {
      throw new IllegalStateException("no message");
    }
  }

  @Test
  void closingTwiceEndsOnceAndRestoresTheOuterSpan() {
    try (CellSpan outer = tracer.adapterRun("run", "cli")) {
      CellSpan inner = tracer.container("c");
      inner.close();
      inner.close();
      assertThat(Span.current().getSpanContext()).isEqualTo(outer.spanContext());
    }
    assertThat(exporter.getFinishedSpanItems()).hasSize(2);
  }

  @Test
  void aCallClosedOnAnotherThreadIsNoParentAfterwardsAndLeavesThatThreadsContextAlone() throws Exception {
    ExecutorService worker = Executors.newSingleThreadExecutor();
    ExecutorService closer = Executors.newSingleThreadExecutor();
    try {
      CellSpan run = worker.submit(() -> tracer.adapterRun("run", "cli")).get();
      ModelCallSpan call = worker.submit(() -> tracer.modelCall("openai", "m")).get();
      Context inCall = worker.submit(Context::current).get();
      Context closersOwn = Context.root().with(ContextKey.named("closer"), "its own");
      Context closersAfter =
          closer.submit(() -> {
                try (Scope own = closersOwn.makeCurrent()) {
                  // Closed by a callback that runs in the call's context, as a wrapped task does.
                  inCall.wrap(call::close).run();
                  return Context.current();
                }
              })
              .get();
      assertThat(closersAfter).isSameAs(closersOwn);
      assertThat(closer.submit(Context::current).get()).isSameAs(Context.root());

      worker.submit(() -> tracer.toolCall("after the call").close()).get();
      worker.submit(run::close).get();
      assertThat(worker.submit(() -> Span.current().getSpanContext().isValid()).get()).isFalse();
    } finally {
      worker.shutdown();
      closer.shutdown();
    }
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getName).containsExactly("chat m", "after the call", "run");
    assertThat(spans.get(0).getParentSpanId()).isEqualTo(spans.get(2).getSpanId());
    assertThat(spans.get(1).getParentSpanId()).isEqualTo(spans.get(2).getSpanId());
  }

  @Test
  void spansClosedOutOfOrderAreNoParentAfterwards() {
    CellSpan outer = tracer.adapterRun("outer", "cli");
    CellSpan inner = tracer.container("inner");
    outer.close();
    assertThat(Span.current().getSpanContext()).isEqualTo(inner.spanContext());
    inner.close();
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
    try (CellSpan next = tracer.cleanup("next")) {
      try (CellSpan child = tracer.toolCall("child")) {
        assertThat(Span.current().getSpanContext()).isEqualTo(child.spanContext());
      }
      assertThat(Span.current().getSpanContext()).isEqualTo(next.spanContext());
    }
    assertThat(Span.current().getSpanContext().isValid()).isFalse();

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getName).containsExactly("outer", "inner", "child", "next");
    assertThat(spans.get(1).getParentSpanId()).isEqualTo(spans.get(0).getSpanId());
    assertThat(spans.get(2).getParentSpanId()).isEqualTo(spans.get(3).getSpanId());
    assertThat(spans.get(3).getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void nullArgumentsNeverThrow() {
    assertThatCode(
            () -> {
              try (CellSpan span = tracer.startSpan(null, null)) {
                span.setAttribute((String) null, (String) null)
                    .setAttribute("k", (List<String>) null)
                    .setAttribute((AttributeKey<String>) null, "v")
                    .addEvent(null, null)
                    .recordFailure(null)
                    .setError(null);
              }
              try (CellSpan span = tracer.taskSetup(null)) {
                span.setAttribute("k", (String) null);
              }
              try (ModelCallSpan call = tracer.modelCall(null, null)) {
                call.setUsage(null).setFinishReasons(null).setRequestBody(null).setResponseModel(null);
                call.setFinishReasons(java.util.Arrays.asList("stop", null));
              }
            })
        .doesNotThrowAnyException();
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
        .containsExactly("task_setup", "chat");
    // A model not known is not recorded as one named "unknown".
    assertThat(exporter.getFinishedSpanItems().get(1).getAttributes().get(CabAttributes.GEN_AI_REQUEST_MODEL)).isNull();
  }

  @Test
  void withoutAnSdkEverythingIsANoop() {
    for (CellTracer noop : List.of(CellTracer.noop(), CellTracer.create(OpenTelemetry.noop()), CellTracer.global())) {
      assertThatCode(
              () -> {
                try (CellSpan run = noop.adapterRun("run", "cli")) {
                  try (ModelCallSpan call = noop.modelCall("openai", "m")) {
                    call.setUsage(TokenUsage.of(1, 2)).recordFailure(new RuntimeException("x"));
                  }
                  run.setExitCode(3);
                  assertThat(run.spanContext().isValid()).isFalse();
                }
              })
          .doesNotThrowAnyException();
    }
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  private static String kindOf(SpanData span) {
    return span.getAttributes().get(CabAttributes.SPAN_KIND);
  }
}
