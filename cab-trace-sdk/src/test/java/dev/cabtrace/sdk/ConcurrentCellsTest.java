package dev.cabtrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.api.CellIdentity;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.CellTracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ConcurrentCellsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void cellsTracedConcurrentlyInOneJvmKeepTheirSpansApart() throws Exception {
    int cells = 6;
    ExecutorService pool = Executors.newFixedThreadPool(cells);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> traceIds = new ArrayList<>();
    for (int c = 0; c < cells; c++) {
      int cell = c;
      traceIds.add(pool.submit(() -> {
        start.await();
        try (CabTraceSdk sdk = CabTraceSdk.builder()
            .setCellIdentity(CellIdentity.of("sweep", "cli" + cell, "model", "task/" + cell))
            .setCaptureFile(dir.resolve("cell-" + cell + ".jsonl"))
            .build()) {
          CellTracer tracer = sdk.cellTracer();
          for (int i = 0; i < 200; i++) {
            try (CellSpan run = tracer.adapterRun("run " + cell, "cli" + cell)) {
              try (CellSpan container = tracer.container("container " + cell)) {
                container.setAttribute("cell", (long) cell);
              }
            }
          }
          return sdk.traceId().orElseThrow();
        }
      }));
    }
    start.countDown();
    Set<String> distinct = new HashSet<>();
    for (int c = 0; c < cells; c++) {
      String traceId = traceIds.get(c).get();
      distinct.add(traceId);
      List<JsonNode> spans = spans(dir.resolve("cell-" + c + ".jsonl"));
      assertThat(spans).hasSize(400);
      assertThat(spans).extracting(s -> s.get("traceId").asText()).containsOnly(traceId);
      int cell = c;
      assertThat(spans).extracting(s -> s.get("name").asText()).allMatch(name -> name.endsWith(" " + cell));
      assertThat(Files.readString(dir.resolve("cell-" + c + ".jsonl"))).contains("\"task/" + c + "\"");
    }
    assertThat(distinct).hasSize(cells);
    pool.shutdown();
  }

  @Test
  void sixteenThreadsEndingSpansAsFastAsTheyCanLoseNone() throws Exception {
    Path file = dir.resolve("load.jsonl");
    int threads = 16;
    int perThread = 20_000;
    CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(file).build();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(pool.submit(() -> {
        for (int i = 0; i < perThread; i++) {
          try (CellSpan span = sdk.cellTracer().toolCall("t")) {
            span.setAttribute("i", (long) i);
          }
        }
      }));
    }
    for (Future<?> future : done) {
      future.get();
    }
    pool.shutdown();
    sdk.close();
    assertThat(sdk.capturedSpans()).isEqualTo((long) threads * perThread);
    assertThat(sdk.lostSpans()).isZero();
    long lines = Files.lines(file).mapToLong(line -> line.split("\"spanId\"", -1).length - 1).sum();
    assertThat(lines).isEqualTo((long) threads * perThread);
  }

  @Test
  void memoryStaysBoundedWhenTheDiskIsSlowerThanTheSpans() throws Exception {
    SlowDisk slow = new SlowDisk();
    CabTraceSdk sdk = CabTraceSdk.builder().addSpanExporter(slow).setMaxBlockTime(java.time.Duration.ofSeconds(30)).build();
    String payload = "x".repeat(4096);
    int spans = 100_000; // 400 MB of attribute text if it all piled up in memory
    Runtime runtime = Runtime.getRuntime();
    System.gc();
    long before = runtime.totalMemory() - runtime.freeMemory();
    long peak = 0;
    for (int i = 0; i < spans; i++) {
      try (CellSpan span = sdk.cellTracer().toolCall("t")) {
        // A fresh string each time: nothing is shared between spans.
        span.setAttribute("payload", payload + i);
      }
      if (i % 10_000 == 9_999) {
        // What is retained, not what awaits collection: the spans still queued for the disk.
        System.gc();
        peak = Math.max(peak, runtime.totalMemory() - runtime.freeMemory() - before);
      }
    }
    sdk.close();
    assertThat(slow.exported.get()).isEqualTo(spans);
    assertThat(sdk.undeliveredCopies()).isZero();
    // The queue holds at most 8,192 spans (about 70 MB here); ending waits instead of piling up.
    assertThat(peak).as("heap retained while the disk lagged, bytes").isLessThan(150L * 1024 * 1024);
  }

  /** An exporter slower than the spans: each batch takes a millisecond. */
  private static final class SlowDisk implements SpanExporter {
    final AtomicLong exported = new AtomicLong();

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1) * Math.max(1, spans.size() / 64));
      exported.addAndGet(spans.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static List<JsonNode> spans(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      for (JsonNode rs : MAPPER.readTree(line).get("resourceSpans")) {
        for (JsonNode ss : rs.get("scopeSpans")) {
          ss.get("spans").forEach(out::add);
        }
      }
    }
    return out;
  }
}
