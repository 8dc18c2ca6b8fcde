package dev.cabtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.replay.cli.CabTraceCli;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cab-trace sweep --from URL --sweep ID} against Apache SkyWalking's Zipkin-compatible API,
 * with {@code cab.sweep_id} searchable ({@code receiver-zipkin.searchableTracesTags} in
 * {@code src/test/resources/skywalking/application.yml}), over cells that {@code cab-trace record}
 * exported itself through {@code OTEL_EXPORTER_OTLP_ENDPOINT}.
 */
@ExtendWith(SkyWalkingBackend.class)
class SweepSkyWalkingIT {

  /**
   * Zipkin keeps microseconds, and SkyWalking turns OTLP's nanoseconds into a Zipkin duration as
   * {@code micros(end) - micros(start)}, so each span's duration read back is off by less than
   * 1 µs either way. A median or percentile of such durations is off by less than 0.001 ms too; a
   * sum of n of them by less than n × 0.001 ms.
   */
  private static final double MICROSECOND_MS = 0.001;

  /** How many {@code record} processes run at once. */
  private static final int PARALLEL_RECORDS = 2;

  private static final Pattern TOKENS = Pattern.compile("TOKENS (\\d+) (\\d+)");

  @TempDir Path dir;

  /** One cell to record: its identity, the model calls its command makes ({prompt, completion}), its exit code. */
  private record Cell(String sweep, String tui, String model, String task, List<long[]> calls, int exit) {}

  /** A recorded cell and what its capture file holds. */
  private record Recorded(Cell cell, Timeline timeline) {}

  @Test
  void sweepFromSkyWalkingGivesTheLedgerOfTheCapturesOfThatSweepAlone() throws Exception {
    // Ids of this run alone: the backend may hold other tests' traces.
    String run = Long.toString(System.currentTimeMillis(), 36);
    String sweep = "sweep-" + run;
    String other = "other-" + run;
    List<Cell> cells = List.of(
        new Cell(sweep, "aider", "gpt-5-mini", "python/flaky-retry", List.of(new long[] {1017, 53}, new long[] {2210, 71}), 0),
        new Cell(sweep, "aider", "gpt-5-mini", "rust/error-handling", List.of(), 1),
        new Cell(sweep, "aider", "qwen3-coder", "python/flaky-retry", List.of(new long[] {905, 40}), 0),
        new Cell(sweep, "openhands", "gpt-5-mini", "python/flaky-retry", List.of(new long[] {400, 10}, new long[] {500, 20}), 2),
        // Another sweep in the backend at the same time, in a group the first one has: counted, it would show.
        new Cell(other, "aider", "gpt-5-mini", "python/flaky-retry", List.of(new long[] {7777, 777}), 0));

    List<Recorded> recorded = recordAll(cells);

    // Every trace whole in the backend, the other sweep's too: its absence below is then the search's doing.
    for (Recorded cell : recorded) {
      SkyWalkingBackend.queryTrace(cell.timeline().traceIds().get(0), cell.timeline().size());
    }
    Set<String> sweepTraces = traceIds(recorded, sweep);
    Set<String> otherTraces = traceIds(recorded, other);
    assertThat(searchUntil(sweep, sweepTraces.size())).isEqualTo(sweepTraces);
    assertThat(searchUntil(other, otherTraces.size())).isEqualTo(otherTraces);
    // What cab.sweep_id in searchableTracesTags adds in SkyWalking 10.1 (its annotationQuery matches any
    // short tag anyway): the Zipkin UI offers the key and its values to pick from.
    getUntil("/api/v2/autocompleteKeys", keys -> keys.toString().contains("\"cab.sweep_id\""));
    getUntil("/api/v2/autocompleteValues?key=cab.sweep_id",
        values -> values.toString().contains("\"" + sweep + "\"") && values.toString().contains("\"" + other + "\""));

    JsonNode local = sweepJson(dir.resolve(sweep).toString());
    JsonNode backend = sweepJson("--from", SkyWalkingBackend.ZIPKIN, "--sweep", sweep);

    // The ledger the captures give, as this test made them.
    assertThat(local.get("cells").asLong()).isEqualTo(4);
    assertOnlyLateModelCalls(local);
    assertThat(groupNames(local)).containsExactly("aider/gpt-5-mini", "aider/qwen3-coder", "openhands/gpt-5-mini");
    assertGroup(local.at("/groups/0"), cells.subList(0, 2));
    assertGroup(local.at("/groups/1"), cells.subList(2, 3));
    assertGroup(local.at("/groups/2"), cells.subList(3, 4));

    // The backend's ledger is the same one: the same cells in the same groups, nothing of the other sweep.
    assertOnlyLateModelCalls(backend);
    // Zipkin's microseconds are floor(nanoseconds / 1000) of start and end alike, which keeps their order: no
    // span moves out of its parent (one outside it by less than a microsecond could move in).
    assertThat(backend.get("warnings").size()).isLessThanOrEqualTo(local.get("warnings").size());
    assertThat(backend.get("cells").asLong()).isEqualTo(local.get("cells").asLong());
    assertThat(groupNames(backend)).isEqualTo(groupNames(local));
    for (int i = 0; i < local.get("groups").size(); i++) {
      assertSameGroup(backend.get("groups").get(i), local.get("groups").get(i));
    }

    // The other sweep, asked for, is there: its one cell.
    JsonNode otherLedger = sweepJson("--from", SkyWalkingBackend.ZIPKIN, "--sweep", other);
    assertThat(otherLedger.get("cells").asLong()).isEqualTo(1);
    assertThat(groupNames(otherLedger)).containsExactly("aider/gpt-5-mini");
    assertThat(otherLedger.at("/groups/0/total_tokens").asLong()).isEqualTo(7777 + 777);
  }

  /** Records every cell with {@code cab-trace record} as its own process, exporting to SkyWalking. */
  private List<Recorded> recordAll(List<Cell> cells) throws Exception {
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    // A model that answers with the token counts the request names: "TOKENS <prompt> <completion>".
    upstream.createContext("/v1/chat/completions", exchange -> {
      String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Matcher tokens = TOKENS.matcher(request);
      int status = tokens.find() ? 200 : 400;
      long prompt = status == 200 ? Long.parseLong(tokens.group(1)) : 0;
      long completion = status == 200 ? Long.parseLong(tokens.group(2)) : 0;
      byte[] body = ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-5-mini-2025\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
          + ",\"total_tokens\":" + (prompt + completion) + "}}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    upstream.start();
    List<Process> processes = new ArrayList<>();
    try {
      for (int i = 0; i < cells.size(); i++) {
        Cell cell = cells.get(i);
        Path capture = capture(cell, i);
        Files.createDirectories(capture.getParent());
        StringBuilder script = new StringBuilder("set -e; ");
        for (long[] call : cell.calls()) {
          script.append("curl -sS --noproxy '*' --fail-with-body -H 'Content-Type: application/json'")
              .append(" \"$OPENAI_BASE_URL/chat/completions\" -d '{\"model\":\"").append(cell.model())
              .append("\",\"messages\":[{\"role\":\"user\",\"content\":\"TOKENS ").append(call[0]).append(' ').append(call[1])
              .append("\"}]}'; echo; ");
        }
        script.append("exit ").append(cell.exit());
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A short-lived JVM: the client compiler and the serial collector spend a quarter less CPU.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                CabTraceCli.class.getName(), "record", "--out", capture.toString(),
                "--sweep", cell.sweep(), "--tui", cell.tui(), "--model", cell.model(), "--task", cell.task(),
                "--model-upstream", "http://127.0.0.1:" + upstream.getAddress().getPort(),
                // The command has no OpenTelemetry SDK of its own: no receiver for it.
                "--no-otlp",
                "--", "sh", "-c", script.toString())
            .redirectErrorStream(true)
            .redirectOutput(log(capture).toFile());
        // record's own capture SDK exports every span to SkyWalking too, as any OpenTelemetry SDK would.
        builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", SkyWalkingBackend.OTLP_GRPC);
        builder.environment().put("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
        // More than the default 5 s for an export on a loaded machine, within the SDK's 10 s to close.
        builder.environment().put("OTEL_EXPORTER_OTLP_TIMEOUT", "8000");
        if (i >= PARALLEL_RECORDS) {
          // At most PARALLEL_RECORDS at once: a sweep runs cells side by side, but a small machine also runs SkyWalking.
          processes.get(i - PARALLEL_RECORDS).waitFor(120, TimeUnit.SECONDS);
        }
        processes.add(builder.start());
      }
      List<Recorded> recorded = new ArrayList<>();
      for (int i = 0; i < cells.size(); i++) {
        Cell cell = cells.get(i);
        Process process = processes.get(i);
        Path capture = capture(cell, i);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("record finished within 120 s: %s", capture).isTrue();
        String output = Files.readString(log(capture));
        assertThat(process.exitValue()).as(output).isEqualTo(cell.exit());
        assertThat(output).contains("captured").doesNotContain("could not");
        Timeline timeline = TraceReader.create().read(capture);
        assertThat(timeline.traceIds()).as(output).hasSize(1);
        assertThat(timeline.modelCalls()).as(output).hasSize(cell.calls().size());
        recorded.add(new Recorded(cell, timeline));
      }
      return recorded;
    } finally {
      for (Process process : processes) {
        if (process.isAlive()) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
        }
      }
      upstream.stop(0);
    }
  }

  /** Each sweep's captures in a directory of their own, for the local sweep to read. */
  private Path capture(Cell cell, int index) {
    return dir.resolve(cell.sweep()).resolve("cell-" + index + ".jsonl");
  }

  private static Path log(Path capture) {
    return capture.resolveSibling(capture.getFileName().toString().replace(".jsonl", ".log"));
  }

  private static Set<String> traceIds(List<Recorded> recorded, String sweep) {
    Set<String> ids = new HashSet<>();
    for (Recorded cell : recorded) {
      if (cell.cell().sweep().equals(sweep)) {
        ids.add(cell.timeline().traceIds().get(0));
      }
    }
    return ids;
  }

  /**
   * The trace ids SkyWalking's Zipkin search finds for {@code cab.sweep_id=ID}, once there are at
   * least {@code expected} (bounded: the search index is written with the spans, a moment late at most).
   */
  private static Set<String> searchUntil(String sweep, int expected) throws Exception {
    JsonNode traces = getUntil("/api/v2/traces?limit=100&annotationQuery="
        + URLEncoder.encode("cab.sweep_id=" + sweep, StandardCharsets.UTF_8), answer -> traceIds(answer).size() >= expected);
    return traceIds(traces);
  }

  private static Set<String> traceIds(JsonNode traces) {
    Set<String> ids = new HashSet<>();
    traces.forEach(trace -> trace.forEach(span -> ids.add(span.get("traceId").asText())));
    return ids;
  }

  /** The JSON the Zipkin API answers to GET {@code path}, once {@code done} holds for it (bounded: 30 s). */
  private static JsonNode getUntil(String path, Predicate<JsonNode> done) throws Exception {
    URI uri = URI.create(SkyWalkingBackend.ZIPKIN + path);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = SkyWalkingBackend.CLIENT.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString());
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == 200) {
        JsonNode answer = SkyWalkingBackend.MAPPER.readTree(response.body());
        if (done.test(answer)) {
          return answer;
        }
      }
      LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
    }
    throw new AssertionError("GET " + uri + " never gave the answer awaited; the last one: "
        + (last.length() > 2000 ? last.substring(0, 2000) + "..." : last));
  }

  private static JsonNode sweepJson(String... arguments) throws Exception {
    List<String> args = new ArrayList<>(List.of("sweep", "--json"));
    args.addAll(List.of(arguments));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = CabTraceCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
    assertThat(exit).as(String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8)).isZero();
    return SkyWalkingBackend.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
  }

  /**
   * No cell was left out: a cell that cannot be read or fetched is a warning naming it. The one
   * warning allowed is a load warning of a counted cell, whose figures it does not change: without
   * a cassette, record's recording proxy does not wait for a call still ending when the command has
   * exited, so on a loaded machine a model call can end a moment after its container span.
   */
  private static void assertOnlyLateModelCalls(JsonNode ledger) {
    assertThat(ledger.get("warnings")).allSatisfy(warning -> assertThat(warning.asText()).containsPattern(
        "span [0-9a-f]{16} \\(chat [^)]*\\) runs outside its parent [0-9a-f]{16} \\([^)]*:run\\)"));
  }

  private static List<String> groupNames(JsonNode ledger) {
    List<String> names = new ArrayList<>();
    ledger.get("groups").forEach(group -> names.add(group.get("tui").asText() + "/" + group.get("model").asText()));
    return names;
  }

  /** The group's counts are those of the cells it was made of: no verdicts (record has none), their tokens. */
  private static void assertGroup(JsonNode group, List<Cell> cells) {
    long prompt = 0;
    long completion = 0;
    long calls = 0;
    long withoutTokens = 0;
    for (Cell cell : cells) {
      calls += cell.calls().size();
      withoutTokens += cell.calls().isEmpty() ? 1 : 0;
      for (long[] call : cell.calls()) {
        prompt += call[0];
        completion += call[1];
      }
    }
    String name = group.get("tui").asText() + "/" + group.get("model").asText();
    assertThat(group.get("cells").asLong()).as(name).isEqualTo(cells.size());
    assertThat(group.get("passes").asLong()).as(name).isZero();
    assertThat(group.get("prompt_tokens").asLong()).as(name).isEqualTo(prompt);
    assertThat(group.get("completion_tokens").asLong()).as(name).isEqualTo(completion);
    assertThat(group.get("total_tokens").asLong()).as(name).isEqualTo(prompt + completion);
    assertThat(group.get("model_calls").asLong()).as(name).isEqualTo(calls);
    assertThat(group.get("cells_without_tokens").asLong()).as(name).isEqualTo(withoutTokens);
    assertThat(group.get("tokens_per_correct_task").isNull()).as(name).isTrue();
    assertThat(group.get("wall_clock_ms_median").asDouble()).as(name).isPositive();
    assertThat(group.get("container_active_ms_median").asDouble()).as(name).isPositive();
    assertThat(group.get("model_call_ms_total").asDouble() > 0).as(name).isEqualTo(calls > 0);
  }

  /** Every count equal; the latencies equal but for Zipkin's microseconds (see {@link #MICROSECOND_MS}). */
  private static void assertSameGroup(JsonNode backend, JsonNode local) {
    String name = local.get("tui").asText() + "/" + local.get("model").asText();
    for (String key : List.of("tui", "model", "cells", "passes", "pass_rate", "prompt_tokens", "completion_tokens",
        "total_tokens", "model_calls", "tokens_per_correct_task", "cells_without_tokens")) {
      assertThat(backend.get(key)).as(name + " " + key).isEqualTo(local.get(key));
    }
    for (String key : List.of("wall_clock_ms_median", "wall_clock_ms_p90", "container_active_ms_median")) {
      assertThat(backend.get(key).asDouble()).as(name + " " + key).isCloseTo(local.get(key).asDouble(), within(MICROSECOND_MS));
    }
    assertThat(backend.get("model_call_ms_total").asDouble()).as(name + " model_call_ms_total")
        .isCloseTo(local.get("model_call_ms_total").asDouble(), within(MICROSECOND_MS * local.get("model_calls").asLong()));
    assertThat(backend.size()).as(name + " keys").isEqualTo(local.size());
  }
}
