package dev.cabtrace.examples.bench;

import dev.cabtrace.replay.cli.CabTraceCli;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code cab-trace sweep}'s whole-process time on a generated sweep of 10,000 cells (one capture
 * file each, seed-shaped: task_setup, adapter_run, tool_call, container, 0 to 6 model calls,
 * cleanup), next to a bare single-thread Jackson streaming pass ({@link JacksonPass}, {@code
 * nextToken} over every byte) over the same bytes concatenated, in the same run. Target: ≤ 2×.
 * Both run as their own JVMs, start-up included, as a user runs them; a second line runs both in
 * this JVM once warm, to show what start-up and JIT compilation cost.
 *
 * <pre>java -cp examples/target/cab-trace-examples.jar dev.cabtrace.examples.bench.SweepBenchmark [CELLS] [CAB_TRACE_JAR]</pre>
 *
 * {@code CAB_TRACE_JAR} defaults to {@code cab-trace-replay/target/cab-trace.jar} (run from the
 * repository's root after {@code mvn package}).
 */
public final class SweepBenchmark {

  private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());
  private static final int ROUNDS = 5;
  private static final Pattern CELLS = Pattern.compile("\"cells\"\\s*:\\s*(\\d+)");

  public static void main(String[] args) throws IOException, InterruptedException {
    int cells = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path jar = Path.of(args.length > 1 ? args[1] : "cab-trace-replay/target/cab-trace.jar");
    if (!Files.isRegularFile(jar)) {
      System.err.println("sweep benchmark: no " + jar.toAbsolutePath() + "; run mvn package first, or pass the jar's path");
      System.exit(2);
    }
    Path dir = Files.createTempDirectory("cab-trace-sweep-bench-");
    Path all = Files.createTempFile("cab-trace-sweep-bench-", ".jsonl");
    try {
      long bytes = generate(dir, all, cells);
      System.out.printf("sweep benchmark: %,d cells, %,d bytes of OTLP JSON Lines in %,d files, %d processor(s)%n",
          cells, bytes, cells, Runtime.getRuntime().availableProcessors());

      // Both sides as their own processes, start-up included, as a user runs them, in alternating
      // rounds: the best of five each (a shared machine's slow spells then tend to hit both sides),
      // and the median of each round's ratio.
      String examples = System.getProperty("java.class.path");
      ProcessRun.of(ProcessRun.java(examples, JacksonPass.class.getName(), all.toString())); // warms the page cache
      sweep(jar, dir, cells);
      long[] bares = new long[ROUNDS];
      long[] sweeps = new long[ROUNDS];
      double[] ratios = new double[ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        bares[round] = ProcessRun.of(ProcessRun.java(examples, JacksonPass.class.getName(), all.toString())).wallNanos();
        long start = System.nanoTime();
        sweep(jar, dir, cells);
        sweeps[round] = System.nanoTime() - start;
        ratios[round] = (double) sweeps[round] / bares[round];
      }
      java.util.Arrays.sort(bares);
      java.util.Arrays.sort(sweeps);
      java.util.Arrays.sort(ratios);
      long bare = bares[0];
      long sweep = sweeps[0];
      System.out.printf("sweep --json (whole process): %.2f s; bare single-thread Jackson streaming pass (whole process):"
          + " %.2f s; ratio %.2fx (target <= 2.00x)%n", sweep / 1e9, bare / 1e9, (double) sweep / bare);
      System.out.printf("      each round's ratio: median %.2fx, from %.2fx to %.2fx over %d rounds;"
          + " median times: sweep %.2f s, Jackson pass %.2f s%n",
          ratios[ROUNDS / 2], ratios[0], ratios[ROUNDS - 1], ROUNDS, sweeps[ROUNDS / 2] / 1e9, bares[ROUNDS / 2] / 1e9);

      // Both again in this JVM once their code is compiled: what start-up and JIT cost each process.
      long warm = Long.MAX_VALUE;
      long warmBare = Long.MAX_VALUE;
      for (int round = 0; round < 4; round++) {
        long start = System.nanoTime();
        JacksonPass.tokens(all);
        warmBare = Math.min(warmBare, System.nanoTime() - start);
        start = System.nanoTime();
        int exit = CabTraceCli.run(DISCARD, DISCARD, "sweep", dir.toString(), "--json");
        warm = Math.min(warm, System.nanoTime() - start);
        if (exit != 0) {
          throw new IllegalStateException("in-process sweep exited " + exit);
        }
      }
      System.out.printf("      in this JVM, warm (best of 4): sweep %.2f s on %d threads, Jackson pass %.2f s on one;"
          + " ratio %.2fx%n", warm / 1e9, Runtime.getRuntime().availableProcessors(), warmBare / 1e9, (double) warm / warmBare);
    } finally {
      Files.deleteIfExists(all);
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  /** Runs {@code cab-trace sweep DIR --json} as its own process; checks it counted every cell. */
  private static void sweep(Path jar, Path dir, int cells) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-cp", jar.toString(), "dev.cabtrace.replay.cli.CabTraceCli",
        "sweep", dir.toString(), "--json")
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String out;
    try (InputStream in = process.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    int exit = process.waitFor();
    Matcher counted = CELLS.matcher(out);
    if (exit != 0 || !counted.find() || Integer.parseInt(counted.group(1)) != cells) {
      throw new IllegalStateException("sweep exited " + exit + " without counting " + cells + " cells: "
          + out.substring(0, Math.min(300, out.length())));
    }
  }

  private static final String[] TUIS = {"aider", "openhands", "opencode", "claude-code"};
  private static final String[] MODELS = {"gpt-5-mini", "qwen/qwen3-next-80b-a3b-instruct", "claude-sonnet-4", "gemini-2.5-pro"};

  /** Writes one capture file per cell under {@code dir}, and every byte of them to {@code all}. */
  private static long generate(Path dir, Path all, int cells) throws IOException {
    Random random = new Random(42);
    long t0 = 1_781_680_663_106_812_000L;
    long bytes = 0;
    try (BufferedWriter concatenated = Files.newBufferedWriter(all, StandardCharsets.UTF_8)) {
      for (int i = 0; i < cells; i++) {
        String tui = TUIS[random.nextInt(TUIS.length)];
        String model = MODELS[random.nextInt(MODELS.length)];
        String task = "polyglot/task-" + (i % 250);
        String trace = String.format("%032x", 0x5eed_0000_0000L + i);
        String resource = "{\"attributes\":[" + str("service.name", "cab-harness")
            + "," + str("cab.cell_id", "bench/" + tui + "/" + model + "/" + task) + "," + str("cab.sweep_id", "bench")
            + "," + str("cab.tui", tui) + "," + str("cab.model", model) + "," + str("cab.task_id", task) + "]}";
        long start = t0 + i * 1_000_000_000L;
        long run = 5_000_000_000L + Math.floorMod(random.nextLong(), 200_000_000_000L);
        StringBuilder cell = new StringBuilder();
        line(cell, resource, trace, 1, 0, "prepare:" + task, "task_setup", start, start + 1_200_000,
            str("workdir", "/tmp/cab/" + trace + "/workdir") + "," + str("task_category", "polyglot"));
        long runStart = start + 1_250_000;
        line(cell, resource, trace, 2, 0, tui + ":" + task, "adapter_run", runStart, runStart + run,
            integer("timeout_s", 600) + "," + integer("exit_code", 0) + "," + bool("cab.pass", random.nextInt(3) > 0));
        line(cell, resource, trace, 3, 2, "applied_plugins", "tool_call", runStart + 50_000, runStart + 250_000,
            str("tui", tui) + "," + integer("count", 0));
        long containerStart = runStart + 300_000;
        long container = run - 600_000;
        line(cell, resource, trace, 4, 2, tui + ":run", "container", containerStart, containerStart + container,
            str("image", "codingagentbench/" + tui + ":1.7.0") + "," + integer("exit_code", 0) + "," + bool("timed_out", false));
        int calls = random.nextInt(7);
        long slot = container / (calls + 1);
        for (int c = 0; c < calls; c++) {
          long callStart = containerStart + c * slot + 1_000;
          String usage = random.nextInt(10) == 0 ? "" : "," + integer("gen_ai.usage.input_tokens", 500 + random.nextInt(20_000))
              + "," + integer("gen_ai.usage.output_tokens", 20 + random.nextInt(2_000));
          line(cell, resource, trace, 10 + c, 4, "chat " + model, "model_call", callStart, callStart + slot / 2,
              str("gen_ai.operation.name", "chat") + "," + str("gen_ai.request.model", model) + usage);
        }
        line(cell, resource, trace, 5, 0, "cleanup:" + tui, "cleanup", runStart + run + 10_000, runStart + run + 310_000, "");
        String text = cell.toString();
        Files.writeString(dir.resolve("cell-" + i + ".jsonl"), text);
        concatenated.write(text);
        bytes += text.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return bytes;
  }

  private static void line(StringBuilder out, String resource, String trace, long id, long parent, String name,
      String kind, long start, long end, String attributes) {
    out.append("{\"resourceSpans\":[{\"resource\":").append(resource)
        .append(",\"scopeSpans\":[{\"scope\":{\"name\":\"cab-harness\",\"attributes\":[]},\"spans\":[{\"traceId\":\"")
        .append(trace).append("\",\"spanId\":\"").append(String.format("%016x", id)).append('"');
    if (parent != 0) {
      out.append(",\"parentSpanId\":\"").append(String.format("%016x", parent)).append('"');
    }
    out.append(",\"name\":\"").append(name).append("\",\"kind\":").append(kind.equals("model_call") ? 3 : 1)
        .append(",\"startTimeUnixNano\":\"").append(start).append("\",\"endTimeUnixNano\":\"").append(end)
        .append("\",\"attributes\":[").append(str("cab.span.kind", kind)).append(attributes.isEmpty() ? "" : ",")
        .append(attributes).append("],\"events\":[],\"links\":[],\"status\":{},\"flags\":259}]}]}]}\n");
  }

  private static String str(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
  }

  private static String integer(String key, long value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"intValue\":\"" + value + "\"}}";
  }

  private static String bool(String key, boolean value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"boolValue\":" + value + "}}";
  }

  private SweepBenchmark() {}
}
