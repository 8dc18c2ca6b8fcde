package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.fixture;
import static dev.cabtrace.replay.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cabtrace.replay.cli.CliRun.Result;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * sweep --from through the CLI's entry point: Tempo, Jaeger and Zipkin-compatible search APIs
 * served on loopback, searched by sweep id, each trace fetched.
 */
@Timeout(120)
class SweepFromBackendCliTest {

  private static final String SWEEP = "expansion-20260616";
  private static final List<String> IDS = List.of("bbff3415624849ccae3d4dd5f4b6b86a", "0af7651916cd43dd8448eb211c80319c",
      "00000000000000000000000000000404");

  @Test
  void sweepFromTempoJaegerAndZipkinSearchesBySweepIdAndFetchesEachTrace() throws IOException {
    byte[] tempoTrace = fixture("seed-cell.tempo-v2.json");
    byte[] jaegerTrace = fixture("seed-cell.jaeger.json");
    // Zipkin has no resource; a collector's zipkin exporter carries it as tags.
    byte[] zipkinTrace = new String(fixture("seed-cell.zipkin.json"), StandardCharsets.UTF_8)
        .replace("\"cab.span.kind\": \"adapter_run\",", "\"cab.span.kind\": \"adapter_run\", \"cab.tui\": \"openhands\","
            + " \"cab.model\": \"qwen/qwen3-next-80b-a3b-instruct\", \"cab.pass\": \"true\",")
        .getBytes(StandardCharsets.UTF_8);
    List<String> searches = new CopyOnWriteArrayList<>();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    backend.createContext("/tempo/api/search", exchange -> {
      searches.add("tempo " + query(exchange));
      send(exchange, 200, "{\"traces\":[" + String.join(",", IDS.stream()
          .map(id -> "{\"traceID\":\"" + id + "\",\"rootServiceName\":\"cab-harness\"}").toList()) + "],\"metrics\":{}}");
    });
    backend.createContext("/tempo/api/traces/", exchange -> trace(exchange, tempoTrace));
    backend.createContext("/jaeger/api/traces", exchange -> {
      if (exchange.getRequestURI().getPath().equals("/jaeger/api/traces")) {
        searches.add("jaeger " + query(exchange));
        send(exchange, 200, "{\"data\":[" + String.join(",", IDS.stream()
            .map(id -> "{\"traceID\":\"" + id + "\",\"spans\":[],\"processes\":{}}").toList()) + "],\"total\":0,\"limit\":0}");
      } else {
        trace(exchange, jaegerTrace);
      }
    });
    for (String prefix : List.of("/zipkin", "/plain")) {
      backend.createContext(prefix + "/api/v2/traces", exchange -> {
        searches.add(prefix.substring(1) + " " + query(exchange));
        send(exchange, 200, "[" + String.join(",", IDS.stream()
            .map(id -> "[{\"traceId\":\"" + id + "\",\"id\":\"0000000000000001\"},{\"traceId\":\"" + id + "\",\"id\":\"0000000000000002\"}]")
            .toList()) + "]");
      });
      backend.createContext(prefix + "/api/v2/trace/", exchange -> trace(exchange, zipkinTrace));
    }
    backend.start();
    String base = "http://127.0.0.1:" + backend.getAddress().getPort();
    try {
      for (String api : List.of("tempo", "jaeger", "zipkin", "plain")) {
        Result result = run("sweep", "--from", base + "/" + api, "--sweep", SWEEP, "--json");

        assertThat(result.exit()).as(api + ": " + result.err()).isZero();
        JsonNode ledger = new ObjectMapper().readTree(result.out());
        assertThat(ledger.get("cells").asLong()).as(api).isEqualTo(2);
        assertThat(ledger.get("groups").size()).as(api).isEqualTo(1);
        JsonNode group = ledger.at("/groups/0");
        assertThat(group.get("tui").asText()).as(api).isEqualTo("openhands");
        assertThat(group.get("model").asText()).as(api).isEqualTo("qwen/qwen3-next-80b-a3b-instruct");
        assertThat(group.get("wall_clock_ms_median").asDouble()).as(api).isEqualTo(85456.275);
        assertThat(group.get("container_active_ms_median").asDouble()).as(api).isEqualTo(85455.699);
        assertThat(group.get("passes").asLong()).as(api).isEqualTo(api.equals("zipkin") || api.equals("plain") ? 2 : 0);
        assertThat(ledger.get("warnings").size()).as(api).isEqualTo(1);
        assertThat(ledger.at("/warnings/0").asText()).as(api)
            .startsWith("cannot fetch trace 00000000000000000000000000000404 from " + base + "/" + api);
      }
      // Each API was asked in its own terms; a URL without a hint tried Tempo and Jaeger first.
      assertThat(searches).containsExactly(
          "tempo q={ resource.cab.sweep_id = \"" + SWEEP + "\" }&limit=1000",
          "jaeger service=cab-harness&tags={\"cab.sweep_id\":\"" + SWEEP + "\"}&limit=1000",
          "zipkin annotationQuery=cab.sweep_id=" + SWEEP + "&limit=1000",
          "plain annotationQuery=cab.sweep_id=" + SWEEP + "&limit=1000");
      Result score = run("score", "--from", base + "/jaeger", IDS.get(0), "--json");
      assertThat(new ObjectMapper().readTree(score.out()).at("/latency/wall_clock_ms").asDouble()).isEqualTo(85456.275);

      searches.clear();
      for (String api : List.of("tempo", "jaeger", "zipkin")) {
        assertThat(run("sweep", "--from", base + "/" + api, "--sweep", SWEEP, "--since", "2h", "--limit", "5").exit())
            .as(api).isZero();
      }
      assertThat(searches).hasSize(3);
      assertThat(searches.get(0)).containsPattern("&limit=5&start=(\\d+)&end=(\\d+)$");
      assertThat(window(searches.get(0), "start", "end")).isBetween(7200L, 7201L);
      assertThat(window(searches.get(1), "start", "end")).isEqualTo(7_200_000_000L);
      assertThat(searches.get(2)).endsWith("&limit=5&endTs=" + param(searches.get(2), "endTs") + "&lookback=7200000");
      assertThat(run("sweep", "--from", base + "/tempo", "--sweep", SWEEP, "--since", "lately").exit()).isEqualTo(2);
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void aTraceIdSpeltInBothCasesIsOneCell() throws IOException {
    byte[] tempoTrace = fixture("seed-cell.tempo-v2.json");
    String id = IDS.get(0);
    List<String> fetched = new CopyOnWriteArrayList<>();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    backend.createContext("/tempo/api/search", exchange -> send(exchange, 200, "{\"traces\":[{\"traceID\":\"" + id
        + "\"},{\"traceID\":\"" + id.toUpperCase(java.util.Locale.ROOT) + "\"}]}"));
    backend.createContext("/tempo/api/traces/", exchange -> {
      fetched.add(exchange.getRequestURI().getPath());
      send(exchange, 200, tempoTrace);
    });
    backend.start();
    try {
      Result result = run("sweep", "--from", "http://127.0.0.1:" + backend.getAddress().getPort() + "/tempo", "--sweep",
          SWEEP, "--json");

      assertThat(result.exit()).as(result.err()).isZero();
      assertThat(new ObjectMapper().readTree(result.out()).get("cells").asLong()).isEqualTo(1);
      assertThat(fetched).containsExactly("/tempo/api/traces/" + id);
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void sweepFromABackendThatFindsNothingSearchableExitsOne() throws IOException {
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    backend.start();
    try {
      Result result = run("sweep", "--from", "http://127.0.0.1:" + backend.getAddress().getPort(), "--sweep", SWEEP);
      assertThat(result.exit()).isEqualTo(1);
      assertThat(result.err()).startsWith("cab-trace: cannot search http://127.0.0.1:").contains("HTTP 404")
          .doesNotContain("\tat ");
    } finally {
      backend.stop(0);
    }
  }

  private static long param(String query, String name) {
    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("[?&]?" + name + "=(\\d+)").matcher(query);
    assertThat(matcher.find()).as(name + " in " + query).isTrue();
    return Long.parseLong(matcher.group(1));
  }

  private static long window(String query, String start, String end) {
    return param(query, end) - param(query, start);
  }

  private static String query(HttpExchange exchange) {
    return URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
  }

  private static void trace(HttpExchange exchange, byte[] body) throws IOException {
    if (exchange.getRequestURI().getPath().endsWith(IDS.get(2))) {
      send(exchange, 404, "trace not found");
    } else {
      send(exchange, 200, body);
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
