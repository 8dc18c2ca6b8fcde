package dev.cabtrace.examples.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.cabtrace.replay.player.FrameRenderer;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Frame;
import dev.cabtrace.replay.timeline.ReplayCursor;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * The replay core's speed and memory on a generated trace of 1,000,000 spans in OTLP JSON Lines
 * (about 500 MB), in one run: load time vs a bare Jackson streaming parse of the same file (target
 * ≤ 1.5×), retained heap per span after load (target ≤ 300 bytes plus the attributes' own strings),
 * the median cost of step span, tick and frame(t) at random positions (target ≤ 10 µs), and the
 * slowest draw of a 120×40 player screen (target ≤ 16 ms, one frame at 60 Hz).
 *
 * <pre>java -Xmx1g -cp examples/target/cab-trace-examples.jar dev.cabtrace.examples.bench.ReplayBenchmark [SPANS]</pre>
 */
public final class ReplayBenchmark {

  public static void main(String[] args) throws IOException {
    int spans = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path file = Files.createTempFile("cab-trace-replay-bench-", ".jsonl");
    try {
      long generated = generate(file, spans);
      System.out.printf("replay benchmark: %,d spans, %,d bytes of OTLP JSON Lines, max heap %d MiB%n",
          spans, generated, Runtime.getRuntime().maxMemory() >> 20);

      // Warm up both paths on the same file, then measure each three times and keep the best.
      bareParse(file, false);
      long bare = Long.MAX_VALUE;
      long withValues = Long.MAX_VALUE;
      long load = Long.MAX_VALUE;
      Timeline timeline = null;
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        bareParse(file, false);
        bare = Math.min(bare, System.nanoTime() - start);
        start = System.nanoTime();
        bareParse(file, true);
        withValues = Math.min(withValues, System.nanoTime() - start);
        timeline = null;
        System.gc();
        start = System.nanoTime();
        timeline = TraceReader.create().read(file);
        load = Math.min(load, System.nanoTime() - start);
      }
      System.out.printf("load: %.2f s; bare Jackson streaming parse: %.2f s; ratio %.2fx (target <= 1.50x)%n",
          load / 1e9, bare / 1e9, (double) load / bare);
      System.out.printf("      Jackson streaming parse that also reads every value: %.2f s; ratio %.2fx%n",
          withValues / 1e9, (double) load / withValues);

      timeline = null;
      long before = usedAfterGc();
      timeline = TraceReader.create().read(file);
      long after = usedAfterGc();
      System.out.printf("retained heap: %,d bytes for %,d spans = %.0f bytes/span (target <= 300 + attribute strings)%n",
          after - before, timeline.size(), (double) (after - before) / timeline.size());

      measureCursor(timeline);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void measureCursor(Timeline timeline) {
    Random random = new Random(42);
    int samples = 20_000;
    long[] step = new long[samples];
    long[] tick = new long[samples];
    long[] frame = new long[samples];
    ReplayCursor cursor = timeline.cursor();
    long sink = 0;
    for (int round = 0; round < 2; round++) { // the first round warms up
      for (int i = 0; i < samples; i++) {
        cursor.seek((long) (random.nextDouble() * timeline.durationNanos()));
        long start = System.nanoTime();
        cursor.stepSpanForward();
        step[i] = System.nanoTime() - start;
        start = System.nanoTime();
        cursor.tickForward();
        tick[i] = System.nanoTime() - start;
        long at = (long) (random.nextDouble() * timeline.durationNanos());
        start = System.nanoTime();
        Frame f = timeline.frame(at);
        sink += f.active().size() + f.tokens().calls() + f.finished().size();
        frame[i] = System.nanoTime() - start;
      }
    }
    System.out.printf("median: step span %.2f µs, tick %.2f µs, frame(t) %.2f µs (target <= 10 µs) [%d]%n",
        median(step) / 1e3, median(tick) / 1e3, median(frame) / 1e3, sink % 10);

    long[] render = new long[500];
    for (int round = 0; round < 2; round++) { // the first round warms up
      for (int i = 0; i < render.length; i++) {
        Frame f = timeline.frame((long) (random.nextDouble() * timeline.durationNanos()));
        long start = System.nanoTime();
        sink += FrameRenderer.render(timeline, f, null, 120, 40, false, 1).size();
        render[i] = System.nanoTime() - start;
      }
    }
    System.out.printf("player screen 120x40: median %.2f ms, slowest %.2f ms (target <= 16 ms) [%d]%n",
        median(render) / 1e6, Arrays.stream(render).max().orElse(0) / 1e6, sink % 10);
  }

  /** Tokenizes the file; with {@code readValues}, also materializes every string and number. */
  private static long bareParse(Path file, boolean readValues) throws IOException {
    JsonFactory json = new JsonFactory();
    long tokens = 0;
    try (InputStream in = Files.newInputStream(file);
        JsonParser parser = json.createParser(in)) {
      com.fasterxml.jackson.core.JsonToken token;
      while ((token = parser.nextToken()) != null) {
        tokens++;
        if (readValues) {
          if (token == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
            tokens += parser.getText().length();
          } else if (token == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT) {
            tokens += parser.getLongValue();
          }
        }
      }
    }
    return tokens;
  }

  /** Cell-shaped spans: 512 per line, as the capture file writes them. */
  private static long generate(Path file, int spans) throws IOException {
    String trace = "8293433263b72503f683e7696220d242";
    long t0 = 1_781_680_663_106_812_000L;
    String[] kinds = {"tool_call", "model_call", "tool_call", "container"};
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int first = 0; first < spans; first += 512) {
        out.write("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"cab-harness\"}},"
            + "{\"key\":\"cab.cell_id\",\"value\":{\"stringValue\":\"bench/openhands/qwen/polyglot/rust\"}}]},"
            + "\"scopeSpans\":[{\"scope\":{\"name\":\"dev.cabtrace\",\"version\":\"0.1.0\",\"attributes\":[]},\"spans\":[");
        for (int i = first; i < Math.min(spans, first + 512); i++) {
          if (i > first) {
            out.write(',');
          }
          long start = t0 + i * 1_000_000L;
          String kind = kinds[i % kinds.length];
          String parent = i == 0 ? "" : ",\"parentSpanId\":\"" + String.format("%016x", (long) (i / 8) + 1) + "\"";
          out.write("{\"traceId\":\"" + trace + "\",\"spanId\":\"" + String.format("%016x", (long) i + 1) + "\"" + parent
              + ",\"name\":\"" + kind + " " + (i % 100) + "\",\"kind\":" + (kind.equals("model_call") ? 3 : 1)
              + ",\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\"" + (start + 5_000_000L) + "\","
              + "\"attributes\":[{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"" + kind + "\"}},"
              + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"" + (i % 5000) + "\"}},"
              + "{\"key\":\"process.exit.code\",\"value\":{\"intValue\":\"0\"}},"
              + "{\"key\":\"cab.timed_out\",\"value\":{\"boolValue\":false}}],"
              + "\"events\":[],\"links\":[],\"status\":{},\"flags\":257}");
        }
        out.write("]}]}]}\n");
      }
    }
    return Files.size(file);
  }

  private static long usedAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private ReplayBenchmark() {}
}
