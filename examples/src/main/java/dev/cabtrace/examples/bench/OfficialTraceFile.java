package dev.cabtrace.examples.bench;

import dev.cabtrace.api.CabAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A large cell-shaped trace written by the official OpenTelemetry OTLP JSON marshaler, one
 * request of 512 spans a line, as the official stdout exporter writes: blocks of 50 spans, an
 * {@code adapter_run} root, its {@code container}, and model calls (GenAI usage, models, finish
 * reasons, request hash) alternating with tool calls inside it; the container's terminal writes
 * one line of output (a {@code cab.output} event) a block.
 */
final class OfficialTraceFile {

  private static final int BATCH = 512;
  private static final int BLOCK = 50;
  private static final long MS = 1_000_000L;
  private static final String MODEL = "qwen/qwen3-next-80b-a3b-instruct";

  /** Writes {@code spans} spans to {@code file}; returns its size. */
  static long write(Path file, int spans) throws IOException {
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.builder()
        .put("service.name", "cab-harness")
        .put("cab.sweep_id", "bench-sweep")
        .put("cab.tui", "openhands")
        .put("cab.model", MODEL)
        .put("cab.task_id", "polyglot/rust-error-handling")
        .put("cab.cell_id", "bench-sweep/openhands/qwen3/polyglot/rust-error-handling")
        .build()));
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        BatchWriter writer = new BatchWriter(out);
        SdkTracerProvider provider = SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(writer))
            .build()) {
      Tracer tracer = provider.get("dev.cabtrace.bench", "0.1.0");
      Random random = new Random(42);
      long t0 = 1_781_680_663_106_812_000L;
      for (int first = 0; first < spans; first += BLOCK) {
        long start = t0 + (long) (first / BLOCK) * BLOCK * MS;
        int count = Math.min(BLOCK, spans - first);
        Span run = tracer.spanBuilder("openhands:polyglot/rust-error-handling").setNoParent()
            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
            .setAttribute("cab.span.kind", "adapter_run").setAttribute("cab.tui", "openhands")
            .startSpan();
        Context inRun = Context.root().with(run);
        Span container = count < 2 ? null : tracer.spanBuilder("openhands:run").setParent(inRun)
            .setStartTimestamp(start + MS / 10, TimeUnit.NANOSECONDS)
            .setAttribute("cab.span.kind", "container")
            .setAttribute("container.image.name", "codingagentbench/openhands:1.7.0")
            .setAttribute(AttributeKey.stringArrayKey("container.command_args"),
                List.of("/app/.venv/bin/python", "/opt/openhands_run.py", "-t", "fix the failing test"))
            .startSpan();
        Context inContainer = container == null ? inRun : Context.root().with(container);
        if (container != null) {
          // What the agent's terminal showed: one chunk a block, so that screen has output to play.
          container.addEvent(CabAttributes.OUTPUT_EVENT, Attributes.of(CabAttributes.OUTPUT_STREAM, "stdout",
              CabAttributes.OUTPUT_DATA,
              "\u001b[1;32m   Compiling\u001b[0m rust-error-handling v0.1.0 (block " + first / BLOCK + ")\r\n"),
              start + MS / 5, TimeUnit.NANOSECONDS);
        }
        for (int i = 2; i < count; i++) {
          long at = start + (long) i * MS;
          if (i % 2 == 0) {
            tracer.spanBuilder("chat " + MODEL).setParent(inContainer).setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(at, TimeUnit.NANOSECONDS)
                .setAttribute("cab.span.kind", "model_call")
                .setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.request.model", MODEL)
                .setAttribute("gen_ai.usage.input_tokens", 500 + random.nextInt(20_000))
                .setAttribute("gen_ai.usage.output_tokens", 20 + random.nextInt(2_000))
                .setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"))
                .startSpan().end(at + 8 * MS / 10, TimeUnit.NANOSECONDS);
          } else {
            tracer.spanBuilder("tool_call shell").setParent(inContainer)
                .setStartTimestamp(at, TimeUnit.NANOSECONDS)
                .setAttribute("cab.span.kind", "tool_call")
                .setAttribute("cab.tool.name", "shell")
                .setAttribute("cab.tool.args", "cargo test -- --nocapture " + i)
                .setAttribute("process.exit.code", i % 7 == 0 ? 101 : 0)
                .startSpan().end(at + 6 * MS / 10, TimeUnit.NANOSECONDS);
          }
        }
        if (container != null) {
          container.setAttribute("process.exit.code", 0);
          container.end(start + BLOCK * MS - MS / 10, TimeUnit.NANOSECONDS);
        }
        run.setAttribute("cab.pass", random.nextBoolean());
        run.end(start + BLOCK * MS, TimeUnit.NANOSECONDS);
      }
    }
    return Files.size(file);
  }

  /** Marshals every 512 ended spans as one line. */
  private static final class BatchWriter implements SpanExporter, AutoCloseable {
    private final OutputStream out;
    private final List<SpanData> batch = new ArrayList<>(BATCH);

    BatchWriter(OutputStream out) {
      this.out = out;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      batch.addAll(spans);
      if (batch.size() >= BATCH) {
        write();
      }
      return CompletableResultCode.ofSuccess();
    }

    private void write() {
      if (batch.isEmpty()) {
        return;
      }
      try {
        TraceRequestMarshaler.create(batch).writeJsonTo(out);
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      batch.clear();
    }

    @Override
    public CompletableResultCode flush() {
      write();
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      write();
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public void close() {
      write();
    }
  }

  private OfficialTraceFile() {}
}
