package dev.cabtrace.examples.bench;

import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.CellTracer;
import dev.cabtrace.sdk.CabTraceSdk;
import dev.cabtrace.sdk.persist.OtlpJsonLinesFileExporter;
import dev.cabtrace.sdk.redact.Redaction;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The capture path's speed, against the plain OpenTelemetry SDK in the same run:
 *
 * <ol>
 *   <li>ns per span through the cell tracer vs the plain SDK tracer, same attributes, both with a
 *       no-op exporter (target ≤ 1.2×);
 *   <li>spans/s written to the capture file, redaction on, vs the same spans written through the
 *       SDK's own OTLP JSON marshaller, as the official stdout exporter does, by the same thread
 *       into a file of the same bytes, both forced to the device at the end (target ≥ 2.0×), the
 *       median of 11 interleaved rounds; a second line gives each side's range and the ratio
 *       against the official marshaler's best round (it runs about 2.5× faster in some rounds
 *       than in others, within one JVM);
 *   <li>spans dropped when 8 threads end 1,000,000 spans into a capture file, next to the SDK's
 *       default BatchSpanProcessor doing the same (target 0).
 * </ol>
 *
 * <pre>java -cp examples/target/cab-trace-examples.jar dev.cabtrace.examples.bench.CaptureBenchmark</pre>
 */
public final class CaptureBenchmark {

  private static final int TRACER_SPANS = 200_000;
  private static final int ROUNDS = 7;
  private static final int FILE_SPANS = 200_000;
  private static final int FILE_WARM_ROUNDS = 3;
  private static final int FILE_ROUNDS = 11;
  private static final int BATCH = 512;
  private static final int LOAD_THREADS = 8;
  private static final int LOAD_SPANS = 1_000_000;

  public static void main(String[] args) throws Exception {
    System.out.printf("cab-trace capture benchmark (java %s, %d cpus)%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    tracerOverhead();
    captureThroughput();
    noLossUnderLoad();
  }

  // 1. Tracer overhead -----------------------------------------------------------------------

  private static void tracerOverhead() {
    SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite())).build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
    CellTracer cellTracer = CellTracer.create(sdk);
    Tracer plainTracer = sdk.getTracer("plain");

    double[] cell = new double[ROUNDS];
    double[] plain = new double[ROUNDS];
    // Warm-up, then interleaved rounds so that both paths see the same JIT and GC conditions.
    for (int i = 0; i < 3; i++) {
      runCellTracer(cellTracer, TRACER_SPANS);
      runPlainTracer(plainTracer, TRACER_SPANS);
    }
    for (int round = 0; round < ROUNDS; round++) {
      cell[round] = runCellTracer(cellTracer, TRACER_SPANS);
      plain[round] = runPlainTracer(plainTracer, TRACER_SPANS);
    }
    double cellNs = median(cell);
    double plainNs = median(plain);
    System.out.printf(
        "tracer: cell tracer %.0f ns/span, plain SDK tracer %.0f ns/span, ratio %.2fx (target <= 1.20x)%n",
        cellNs, plainNs, cellNs / plainNs);
    sdk.close();
  }

  private static double runCellTracer(CellTracer tracer, int spans) {
    long start = System.nanoTime();
    for (int i = 0; i < spans; i++) {
      try (CellSpan span = tracer.toolCall("applied_plugins")) {
        span.setAttribute("tui", "openhands").setAttribute("count", (long) i).setExitCode(0);
      }
    }
    return (System.nanoTime() - start) / (double) spans;
  }

  private static double runPlainTracer(Tracer tracer, int spans) {
    long start = System.nanoTime();
    for (int i = 0; i < spans; i++) {
      Span span =
          tracer
              .spanBuilder("applied_plugins")
              .setAttribute(CabAttributes.SPAN_KIND, "tool_call")
              .setAttribute(CabAttributes.GEN_AI_TOOL_NAME, "applied_plugins")
              .startSpan();
      try (Scope scope = span.makeCurrent()) {
        span.setAttribute("tui", "openhands");
        span.setAttribute("count", (long) i);
        span.setAttribute(CabAttributes.PROCESS_EXIT_CODE, 0L);
      } finally {
        span.end();
      }
    }
    return (System.nanoTime() - start) / (double) spans;
  }

  // 2. Capture file throughput ---------------------------------------------------------------

  private static void captureThroughput() throws IOException {
    List<List<SpanData>> batches = realisticBatches();
    Path dir = Files.createTempDirectory("cab-trace-bench-");
    try {
      double[] ours = new double[FILE_ROUNDS];
      double[] official = new double[FILE_ROUNDS];
      for (int i = 0; i < FILE_WARM_ROUNDS; i++) {
        writeCapture(batches, dir.resolve("warm-ours.jsonl"));
        writeOfficial(batches, dir.resolve("warm-official.jsonl"));
      }
      long ourBytes = 0;
      long officialBytes = 0;
      for (int round = 0; round < FILE_ROUNDS; round++) {
        Path ourFile = dir.resolve("ours-" + round + ".jsonl");
        Path officialFile = dir.resolve("official-" + round + ".jsonl");
        ours[round] = writeCapture(batches, ourFile);
        official[round] = writeOfficial(batches, officialFile);
        ourBytes = Files.size(ourFile);
        officialBytes = Files.size(officialFile);
        Files.delete(ourFile);
        Files.delete(officialFile);
      }
      double oursRate = median(ours);
      double officialRate = median(official);
      double officialBest = Arrays.stream(official).max().getAsDouble();
      System.out.printf(
          "capture file: %.0f spans/s (%d bytes), official OTLP JSON marshaler %.0f spans/s (%d bytes),"
              + " ratio %.2fx (target >= 2.00x)%n",
          oursRate, ourBytes, officialRate, officialBytes, oursRate / officialRate);
      // The official marshaler runs in two modes in one JVM, about 2.5x apart, from round to round
      // (its objects made away by the JIT compiler, or made): the median ratio depends on how many
      // rounds it spent in each. Against its best round, the comparison is the one it would choose.
      System.out.printf(
          "      over %d rounds: capture file %.0f to %.0f spans/s, official %.0f to %.0f;"
              + " against the official's best round %.2fx%n",
          FILE_ROUNDS, Arrays.stream(ours).min().getAsDouble(), Arrays.stream(ours).max().getAsDouble(),
          Arrays.stream(official).min().getAsDouble(), officialBest, oursRate / officialBest);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static List<List<SpanData>> realisticBatches() {
    InMemorySpanExporter collected = InMemorySpanExporter.create();
    SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(collected)).build();
    CellTracer tracer = CellTracer.create(OpenTelemetrySdk.builder().setTracerProvider(provider).build());
    // Three spans a cell: a run, its container, a model call.
    for (int made = 0; made < FILE_SPANS; made += 3) {
      try (CellSpan run = tracer.adapterRun("openhands:polyglot/rust-error-handling", "openhands")) {
        try (CellSpan container = tracer.container("openhands:run")) {
          container
              .setAttribute(CabAttributes.CONTAINER_IMAGE_NAME, "codingagentbench/openhands:1.7.0")
              .setAttribute(CabAttributes.CONTAINER_COMMAND_ARGS,
                  List.of("/app/.venv/bin/python", "/opt/openhands_run.py", "-t", "fix it"))
              .setExitCode(0)
              .setTimedOut(false);
          try (var call = tracer.modelCall("openai", "qwen/qwen3-next-80b-a3b-instruct")) {
            call.setUsage(dev.cabtrace.api.TokenUsage.of(5210, 388))
                .setFinishReasons(List.of("stop"))
                .setRequestHash("4f2c3d0e8a5b6c7d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d");
          }
        }
        run.setExitCode(0);
      }
    }
    // Taken before the provider closes: InMemorySpanExporter forgets its spans when shut down.
    List<SpanData> all = collected.getFinishedSpanItems();
    provider.close();
    List<List<SpanData>> batches = new ArrayList<>();
    for (int i = 0; i < FILE_SPANS; i += BATCH) {
      batches.add(List.copyOf(all.subList(i, Math.min(FILE_SPANS, i + BATCH))));
    }
    return batches;
  }

  private static double writeCapture(List<List<SpanData>> batches, Path file) {
    // The capture path as CabTraceSdk wires it: redaction in front of the file exporter.
    SpanExporter exporter = Redaction.defaults().wrap(OtlpJsonLinesFileExporter.create(file));
    long start = System.nanoTime();
    for (List<SpanData> batch : batches) {
      exporter.export(batch);
    }
    exporter.shutdown();
    return FILE_SPANS / ((System.nanoTime() - start) / 1e9);
  }

  private static double writeOfficial(List<List<SpanData>> batches, Path file) throws IOException {
    long start = System.nanoTime();
    try (FileOutputStream fileOut = new FileOutputStream(file.toFile());
        OutputStream out = new BufferedOutputStream(fileOut, 64 * 1024)) {
      for (List<SpanData> batch : batches) {
        TraceRequestMarshaler.create(batch).writeJsonTo(out);
        out.write('\n');
        out.flush();
      }
      // The capture exporter's shutdown forces its file to the device: so does this side.
      fileOut.getFD().sync();
    }
    return FILE_SPANS / ((System.nanoTime() - start) / 1e9);
  }

  // 3. No loss under load --------------------------------------------------------------------

  private static void noLossUnderLoad() throws Exception {
    Path dir = Files.createTempDirectory("cab-trace-load-");
    Path ourFile = dir.resolve("cab.jsonl");
    try {
      CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(ourFile).build();
      double ourSeconds = endSpansFromThreads(sdk.openTelemetry().getTracer("load"));
      sdk.close();
      long ourLost = sdk.lostSpans();
      long ourWritten = sdk.capturedSpans();

      OtlpJsonLinesFileExporter sdkDefaultExporter =
          OtlpJsonLinesFileExporter.create(dir.resolve("sdk-default.jsonl"));
      // Its per-batch drop warnings would drown the figures; the count is printed below.
      java.util.logging.Logger.getLogger(BatchSpanProcessor.class.getName())
          .setLevel(java.util.logging.Level.SEVERE);
      BatchSpanProcessor batch = BatchSpanProcessor.builder(sdkDefaultExporter).build();
      SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(batch).build();
      double sdkSeconds = endSpansFromThreads(provider.get("load"));
      provider.close();
      long sdkWritten = sdkDefaultExporter.writtenSpans();

      System.out.printf(
          "no loss: %d spans from %d threads: capture wrote %d, dropped %d (%.0f spans/s);"
              + " SDK default BatchSpanProcessor wrote %d, dropped %d (%.0f spans/s)%n",
          LOAD_SPANS, LOAD_THREADS, ourWritten, ourLost, LOAD_SPANS / ourSeconds,
          sdkWritten, LOAD_SPANS - sdkWritten, LOAD_SPANS / sdkSeconds);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static double endSpansFromThreads(Tracer tracer) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(LOAD_THREADS);
    int perThread = LOAD_SPANS / LOAD_THREADS;
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < LOAD_THREADS; t++) {
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  tracer.spanBuilder("tool").setAttribute("i", (long) i).startSpan().end();
                }
              }));
    }
    for (Future<?> future : done) {
      future.get();
    }
    pool.shutdown();
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private CaptureBenchmark() {}
}
