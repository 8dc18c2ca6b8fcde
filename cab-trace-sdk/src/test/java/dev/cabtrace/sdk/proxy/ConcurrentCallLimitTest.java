package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellTracer;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The limit on calls at once as an agent at it sees it: a call sent as soon as it has read the
 * answer to the one before, on the same connection or a new one, is admitted, though the proxy may
 * still be ending the call before (its span, its cassette line) when it arrives.
 */
@Timeout(60)
class ConcurrentCallLimitTest {

  private static final String CHAT = "/v1/chat/completions";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  // The first model_call span holds its end (the proxy's thread, inside span.end()) until let go:
  // the proxy is still ending that call, with all its answer out, for as long as the test needs.
  private final CountDownLatch firstCallMayEnd = new CountDownLatch(1);
  private FakeProviders upstream;
  private SdkTracerProvider tracerProvider;
  private CellTracer tracer;

  @BeforeEach
  void start() throws Exception {
    upstream = new FakeProviders();
    tracerProvider = SdkTracerProvider.builder()
        .addSpanProcessor(new HoldingTheFirstEnd())
        .addSpanProcessor(SimpleSpanProcessor.create(spans))
        .build();
    tracer = CellTracer.create(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build());
  }

  @AfterEach
  void stop() {
    firstCallMayEnd.countDown();
    tracerProvider.close();
    upstream.close();
  }

  @Test
  void aCallSentAsSoonAsTheAnswerBeforeIsReadIsAdmittedWhileTheProxyStillEndsThatCall() throws Exception {
    try (ModelCallRecordingProxy proxy =
            ModelCallRecordingProxy.builder(upstream.uri(), tracer).setMaxConcurrentCalls(1).start();
        Socket agent = RawHttp.send(proxy.port(), chat(false, true))) {
      InputStream in = agent.getInputStream();
      String head = RawHttp.readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200").contains("Content-Length:");
      assertThat(RawHttp.readBody(in, head)).contains("\"usage\"");

      String onANewConnection = RawHttp.exchange(proxy.port(), chat(false, false));
      firstCallMayEnd.countDown();

      assertThat(onANewConnection).startsWith("HTTP/1.1 200");
      // A streamed answer ends with its last chunk, after the span: read whole on the connection
      // kept alive, then the next call on a new one.
      agent.getOutputStream().write(chat(true, true).getBytes(StandardCharsets.UTF_8));
      head = RawHttp.readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200").contains("Transfer-Encoding: chunked");
      assertThat(RawHttp.readBody(in, head)).endsWith("data: [DONE]\n\n");
      assertThat(RawHttp.exchange(proxy.port(), chat(true, false))).startsWith("HTTP/1.1 200");
      assertThat(proxy.rejectedRequests()).isZero();
    }
    List<SpanData> calls = spans.getFinishedSpanItems();
    assertThat(calls).hasSize(4).allSatisfy(call -> {
      assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(call.getAttributes().get(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(5210);
      assertThat(call.getAttributes().get(CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(388);
    });
  }

  private static String chat(boolean stream, boolean keepAlive) {
    String body = "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}" : "}");
    return "POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length() + "\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n" + body;
  }

  private final class HoldingTheFirstEnd implements SpanProcessor {
    private final AtomicBoolean first = new AtomicBoolean(true);

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      if (first.getAndSet(false)) {
        try {
          firstCallMayEnd.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }
}
