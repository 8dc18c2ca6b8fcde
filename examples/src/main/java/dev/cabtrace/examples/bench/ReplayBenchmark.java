package dev.cabtrace.examples.bench;

import dev.cabtrace.replay.ledger.TraceFacts;
import dev.cabtrace.replay.player.FrameRenderer;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Frame;
import dev.cabtrace.replay.timeline.ReplayCursor;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The replay core's speed and memory on a generated 1,000,000-span OTLP JSON Lines trace (about
 * 500 MB, written by the official OpenTelemetry marshaler), every figure next to a bare
 * single-thread Jackson streaming pass over the same file ({@link JacksonPass}) measured in the
 * same run:
 *
 * <ul>
 *   <li>in this JVM, warm, best of three: the timeline load on one thread (target ≤ 1.5×), the
 *       streaming ledger on one thread (target ≤ 1.2×), the load's speed-up on every core, the
 *       retained heap per span (target ≤ 150 bytes plus attribute bytes: measured again on a copy
 *       of the trace without attributes), step/tick/frame(t)
 *       medians and the player's draw;
 *   <li>with {@code --processes}: the CLI commands as their own processes, start-up included, with
 *       wall time and peak RSS (targets: {@code tokens}, {@code score}, {@code sweep} ≤ 1.2× and
 *       ≤ 400 MB; {@code frame}, {@code show}, {@code replay} with no terminal, {@code html} ≤ 1.5×
 *       and ≤ 1 GB; {@code screen} plays the terminal output the generated trace holds, one line
 *       a block of 50 spans), each in three rounds alternating with {@link JacksonPass} as its own
 *       process: the best of each, their ratio and the range of the rounds' ratios; and {@code
 *       JacksonPass --copy} the same way, a reference for the commands that print about as much as
 *       they read.
 * </ul>
 *
 * <pre>java -cp examples/target/cab-trace-examples.jar dev.cabtrace.examples.bench.ReplayBenchmark
 *     [--spans N] [--file TRACE] [--keep] [--processes [--jar cab-trace-replay/target/cab-trace.jar]]</pre>
 */
public final class ReplayBenchmark {

  public static void main(String[] args) throws Exception {
    int spans = 1_000_000;
    Path file = null;
    boolean keep = false;
    boolean processes = false;
    Path jar = Path.of("cab-trace-replay/target/cab-trace.jar");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--spans" -> spans = Integer.parseInt(args[++i]);
        case "--file" -> file = Path.of(args[++i]);
        case "--keep" -> keep = true;
        case "--processes" -> processes = true;
        case "--jar" -> jar = Path.of(args[++i]);
        default -> {
          System.err.println("replay benchmark: unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    boolean generated = file == null;
    if (generated) {
      file = Files.createTempFile("cab-trace-replay-bench-", ".jsonl");
      long start = System.nanoTime();
      OfficialTraceFile.write(file, spans);
      System.out.printf("generated %s with the official OTLP JSON marshaler in %.1f s%n", file, (System.nanoTime() - start) / 1e9);
    }
    try {
      System.out.printf("replay benchmark: %,d bytes of OTLP JSON Lines, max heap %d MiB, %d processor(s)%n",
          Files.size(file), Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
      if (processes) {
        wholeProcesses(file, jar);
      } else {
        inProcess(file);
      }
    } finally {
      if (generated && !keep) {
        Files.deleteIfExists(file);
      } else if (generated) {
        System.out.println("kept " + file);
      }
    }
  }

  private static void inProcess(Path file) throws Exception {
    TraceReader oneThread = TraceReader.builder().setParallelism(1).build();
    TraceReader allCores = TraceReader.builder().setParallelism(Runtime.getRuntime().availableProcessors()).build();
    // Warm every path on the same file, then the best of three each, interleaved.
    JacksonPass.tokens(file);
    TraceFacts.read(file, oneThread);
    oneThread.read(file);
    long bare = Long.MAX_VALUE;
    long facts = Long.MAX_VALUE;
    long load = Long.MAX_VALUE;
    long parallel = Long.MAX_VALUE;
    int size = 0;
    for (int round = 0; round < 3; round++) {
      long start = System.nanoTime();
      JacksonPass.tokens(file);
      bare = Math.min(bare, System.nanoTime() - start);
      start = System.nanoTime();
      TraceFacts.read(file, oneThread);
      facts = Math.min(facts, System.nanoTime() - start);
      System.gc();
      start = System.nanoTime();
      size = oneThread.read(file).size();
      load = Math.min(load, System.nanoTime() - start);
      System.gc();
      start = System.nanoTime();
      allCores.read(file);
      parallel = Math.min(parallel, System.nanoTime() - start);
      System.gc();
    }
    System.out.printf("bare single-thread Jackson streaming pass: %.2f s%n", bare / 1e9);
    System.out.printf("streaming ledger (tokens, score, sweep), 1 thread: %.2f s; ratio %.2fx (target <= 1.20x)%n",
        facts / 1e9, (double) facts / bare);
    System.out.printf("timeline load of %,d spans, 1 thread: %.2f s; ratio %.2fx (target <= 1.50x)%n",
        size, load / 1e9, (double) load / bare);
    System.out.printf("timeline load on %d threads: %.2f s; speed-up %.2fx over 1 thread%n",
        Runtime.getRuntime().availableProcessors(), parallel / 1e9, (double) load / parallel);

    long before = usedAfterGc();
    Timeline timeline = oneThread.read(file);
    long after = usedAfterGc();
    System.out.printf("retained heap: %,d bytes for %,d spans = %.0f bytes/span (target <= 150 + attribute bytes)%n",
        after - before, timeline.size(), (double) (after - before) / timeline.size());
    // The same spans with no attributes: what a timeline keeps of its own, but for the index of
    // its model calls (no span is a model call without attributes); the difference is what the
    // attributes cost (where they are in the file, their decoded hot values) and that index.
    long withAttributes = after - before;
    Path noAttributes = withoutAttributes(file);
    try {
      long strippedBefore = usedAfterGc();
      Timeline stripped = oneThread.read(noAttributes);
      long own = usedAfterGc() - strippedBefore;
      if (stripped.size() != timeline.size()) {
        throw new IllegalStateException("the stripped trace has " + stripped.size() + " spans, not " + timeline.size());
      }
      System.out.printf("  the same spans without attributes: %.0f bytes/span (target <= 150; no span is then one of the"
          + " %,d model calls, whose index counts below); attributes and the model-call index take %.0f bytes/span%n",
          (double) own / stripped.size(), timeline.modelCalls().size(), (double) (withAttributes - own) / timeline.size());
    } finally {
      Files.deleteIfExists(noAttributes);
    }
    measureCursor(timeline);
  }

  /** A copy of {@code file} whose spans have no attributes (resources and everything else kept). */
  private static Path withoutAttributes(Path file) throws IOException {
    Path stripped = Files.createTempFile("cab-trace-replay-bench-bare-", ".jsonl");
    com.fasterxml.jackson.core.JsonFactory json = new com.fasterxml.jackson.core.JsonFactory();
    try (java.io.BufferedReader in = Files.newBufferedReader(file);
        java.io.BufferedWriter out = Files.newBufferedWriter(stripped)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        try (com.fasterxml.jackson.core.JsonParser parser = json.createParser(line);
            com.fasterxml.jackson.core.JsonGenerator copy = json.createGenerator(out)) {
          copy.configure(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
          // Each open container: an array under the field that opened it, a span, or another object.
          java.util.ArrayDeque<String> open = new java.util.ArrayDeque<>();
          String field = null;
          for (com.fasterxml.jackson.core.JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
            switch (token) {
              case FIELD_NAME -> {
                field = parser.currentName();
                if (field.equals("attributes") && "span".equals(open.peek())) {
                  parser.nextToken();
                  parser.skipChildren();
                } else {
                  copy.writeFieldName(field);
                }
              }
              case START_ARRAY -> {
                open.push("array " + field);
                field = null;
                copy.writeStartArray();
              }
              case START_OBJECT -> {
                open.push("array spans".equals(open.peek()) ? "span" : "object");
                field = null;
                copy.writeStartObject();
              }
              case END_ARRAY, END_OBJECT -> {
                open.pop();
                copy.copyCurrentEvent(parser);
              }
              default -> copy.copyCurrentEvent(parser);
            }
          }
        }
        out.newLine();
      }
    }
    return stripped;
  }

  private static void wholeProcesses(Path file, Path jar) throws Exception {
    if (!Files.isRegularFile(jar)) {
      System.err.println("replay benchmark: no " + jar.toAbsolutePath() + "; run mvn package first, or pass --jar");
      System.exit(2);
    }
    String examples = System.getProperty("java.class.path");
    String trace = file.toString();
    List<String> bare = ProcessRun.java(examples, JacksonPass.class.getName(), trace);
    ProcessRun.of(bare); // warms the page cache
    // Each command alternates with the bare pass, three rounds, and its ratio is to the bare pass's
    // best of those same rounds: this machine's speed drifts over the minutes a run takes, and a
    // baseline measured once at the start would carry that drift into every ratio. The range is
    // that of the rounds' own ratios (each command run against the bare run just before it).
    List<String[]> commands = new ArrayList<>();
    // Not a target: what reading the file and writing as many bytes back costs Jackson itself, for
    // the commands that print about as much as they read (show --json).
    commands.add(new String[] {"-", "-", "--copy", trace});
    commands.add(new String[] {"1.20", "400", "tokens", trace});
    commands.add(new String[] {"1.20", "400", "score", trace, "--json"});
    commands.add(new String[] {"1.20", "400", "sweep", trace, "--json"});
    commands.add(new String[] {"1.50", "1024", "frame", trace, "--at", "40s"});
    commands.add(new String[] {"1.50", "1024", "screen", trace, "--at", "40s"});
    commands.add(new String[] {"1.50", "1024", "show", trace});
    commands.add(new String[] {"1.50", "1024", "show", trace, "--json"});
    // With no terminal attached, replay prints what show prints.
    commands.add(new String[] {"1.50", "1024", "replay", trace});
    Path page = Files.createTempFile("cab-trace-replay-bench-", ".html");
    page.toFile().deleteOnExit();
    commands.add(new String[] {"1.50", "1024", "html", trace, "-o", page.toString()});
    String cli = "dev.cabtrace.replay.cli.CabTraceCli";
    System.out.printf("%-34s %8s %8s  %s%n", "", "best", "bare", "ratio of bests [range of the 3 rounds' ratios]");
    for (String[] command : commands) {
      String[] arguments = Arrays.copyOfRange(command, 2, command.length);
      boolean reference = command[0].equals("-");
      List<String> run = reference ? ProcessRun.java(examples, JacksonPass.class.getName(), arguments)
          : ProcessRun.java(jar.toString(), cli, arguments);
      long bestBare = Long.MAX_VALUE;
      long bestRun = Long.MAX_VALUE;
      long peak = 0;
      double lowest = Double.MAX_VALUE;
      double highest = 0;
      for (int round = 0; round < 3; round++) {
        ProcessRun before = ProcessRun.of(bare);
        ProcessRun after = ProcessRun.of(run);
        bestBare = Math.min(bestBare, before.wallNanos());
        bestRun = Math.min(bestRun, after.wallNanos());
        peak = Math.max(peak, after.peakRssBytes());
        double ratio = (double) after.wallNanos() / before.wallNanos();
        lowest = Math.min(lowest, ratio);
        highest = Math.max(highest, ratio);
      }
      String name = reference ? "Jackson pass --copy (reference)"
          : "cab-trace " + String.join(" ", arguments).replace(trace, "TRACE").replace(page.toString(), "PAGE");
      System.out.printf("%-34s %6.2f s %6.2f s  %.2fx [%.2f-%.2f]  peak RSS %5d MB%s%n", name, bestRun / 1e9,
          bestBare / 1e9, (double) bestRun / bestBare, lowest, highest, peak >> 20,
          reference ? "  (Jackson reading and writing back the file)"
              : "  (target <= " + command[0] + "x, <= " + command[1] + " MB)");
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
