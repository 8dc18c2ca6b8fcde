package dev.cabtrace.replay.page;

import static dev.cabtrace.replay.page.PageFixtures.CLOSE_SCRIPT;
import static dev.cabtrace.replay.page.PageFixtures.COMMENT;
import static dev.cabtrace.replay.page.PageFixtures.IMG;
import static dev.cabtrace.replay.page.PageFixtures.count;
import static dev.cabtrace.replay.page.PageFixtures.embeddedData;
import static dev.cabtrace.replay.page.PageFixtures.embeddedScript;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.cli.CabTraceCli;
import dev.cabtrace.replay.ledger.OtlpLines;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CellPageTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void seedPageShowsWhatTheCellPageShows() {
    String html = CellPage.create(PageFixtures.seed()).html();

    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<h1>openhands × qwen/qwen3-next-80b-a3b-instruct</h1>")
        .contains("<span class=\"category\">polyglot</span> <span class=\"task-id\">polyglot/rust-error-handling</span>")
        .contains(">Run identity</h2>", ">Timing</h2>", ">Trace replay</h2>", ">Terminal playback</h2>")
        .contains(">Trace spans (5)</h2>", ">Model calls (0)</h2>")
        .contains("space play/pause · ←/→ step span · ,/. step 100 ms", "g/G start/end · +/- speed")
        .contains("<span id=\"t-text\">t = 0 ms / 85.46 s</span>")
        .contains("<dt>cell_id</dt><dd>expansion-20260616/openhands/qwen/qwen3-next-80b-a3b-instruct/polyglot/rust-error-handling</dd>")
        .contains("<dt>sweep_id</dt><dd class=\"unknown\">not recorded</dd>")
        .contains("<dt>container_image</dt><dd>codingagentbench/openhands:1.7.0</dd>")
        .contains("<dt>image_digest</dt><dd class=\"unknown\">not recorded</dd>")
        .contains("<dt>model_build_id</dt><dd>qwen/qwen3-next-80b-a3b-instruct</dd>")
        .contains("<dt>exit_code</dt><dd>0</dd>")
        .contains("<dt>started_at</dt><dd>2026-06-17T07:17:43.106812Z</dd>")
        .contains("<dt>ended_at</dt><dd>2026-06-17T07:19:08.564712Z</dd>")
        .contains("<dt>duration</dt><dd>85.46 s</dd>")
        .contains("<dt>tokens</dt><dd class=\"unknown\">not recorded</dd>")
        .contains("<dt>Wall</dt><dd>85.5s</dd>")
        .contains("<td>tokens</td><td>prompt_tokens, completion_tokens, total_tokens, model_calls, tokens_per_correct_task, pass_used_for_division</td>")
        .contains("<td>latency</td><td>wall_clock_ms, container_active_ms, model_call_ms</td>")
        .contains("<span class=\"k\">wall_clock_ms</span> <span class=\"v\">85456.275</span>")
        .contains("<span class=\"k\">container_active_ms</span> <span class=\"v\">85455.699</span>")
        .contains("<span class=\"k\">prompt_tokens</span> <span class=\"v unknown\">not recorded</span>")
        .contains("Per-call token capture is not available for this run.")
        .contains("No terminal output was recorded for this run")
        .doesNotContain("{{");
  }

  @Test
  void policyForbidsTheNetworkAndAllowsOnlyTheEmbeddedScriptByHash() throws Exception {
    String html = CellPage.create(PageFixtures.seed()).html();

    Matcher meta = Pattern.compile("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">").matcher(html);
    assertThat(meta.find()).isTrue();
    String policy = meta.group(1).replace("&#39;", "'");
    assertThat(policy).isEqualTo(CellPage.contentSecurityPolicy())
        .startsWith("default-src 'none'; script-src 'sha256-")
        .contains("; connect-src 'none'", "; img-src data:")
        .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
    String digest = Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(embeddedScript(html).getBytes(StandardCharsets.UTF_8)));
    assertThat(policy).contains("script-src 'sha256-" + digest + "'");
    // The policy comes before any script or style; nothing is loaded from elsewhere.
    assertThat(html.indexOf("Content-Security-Policy")).isLessThan(html.indexOf("<style>"));
    assertThat(html).doesNotContain("src=\"http", "href=\"http", "@import", "url(", " on" + "click=", " onload=");
    assertThat(count(html, "<script")).isEqualTo(2);
    assertThat(count(html, "</script>")).isEqualTo(2);
  }

  @Test
  void embeddedDataParsesWithEverySpan() throws IOException {
    Timeline seed = PageFixtures.seed();
    JsonNode data = MAPPER.readTree(embeddedData(CellPage.create(seed).html()));

    assertThat(data.at("/spans/count").asInt()).isEqualTo(5);
    List<String> ids = new ArrayList<>();
    data.at("/spans/id").forEach(id -> ids.add(id.asText()));
    assertThat(ids).containsExactly("bbff3415624849cc", "867ff73c6155414a", "d072eb449df94f91", "6d6affe2ef5c48b6",
        "b1b051dc6c754109");
    assertThat(data.at("/spans/start/3").asLong()).isEqualTo(seed.offsetNanos(seed.span(3).startEpochNanos()));
    assertThat(data.at("/spans/parent/3").asInt()).isEqualTo(1);
    assertThat(data.at("/durationNanos").asLong()).isEqualTo(85_457_900_000L);
    assertThat(data.at("/durationText").asText()).isEqualTo("85.46 s");
    assertThat(data.at("/tickNanos").asLong()).isEqualTo(100_000_000L);
    assertThat(data.at("/calls/count").asInt()).isZero();
    assertThat(data.at("/terminal").isNull()).isTrue();
    assertThat(data.at("/axes/tokens/prompt_tokens").isNull()).isTrue();
    assertThat(data.at("/axes/latency/model_call_ms").asDouble()).isZero();
    assertThat(data.at("/axes/tokens/model_calls").asLong()).isZero();
    // Attributes as [key index, value, ...]: the page joins them into the cell page's {"k":v}.
    JsonNode attrs = data.at("/spans/attrs/0");
    assertThat(data.at("/spans/attrKeys/" + attrs.get(0).asInt()).asText()).isEqualTo("workdir");
    assertThat(attrs.get(1).asText()).startsWith("/home/andrew/");
    assertThat(data.at("/spans/attrKeys/" + attrs.get(4).asInt()).asText()).isEqualTo("plugin_stack");
    assertThat(attrs.get(5).isArray()).isTrue();
    assertThat(attrs.get(5)).isEmpty();
  }

  @Test
  void integersJavaScriptCannotHoldAreCarriedAsTheirText() throws IOException {
    String agent = "{\"key\":\"gen_ai.agent.name\",\"value\":{\"stringValue\":\"openhands\"}}";
    String extremes = agent + ",{\"key\":\"min\",\"value\":{\"intValue\":\"-9223372036854775808\"}}"
        + ",{\"key\":\"unsafe\",\"value\":{\"intValue\":\"9007199254740993\"}}"
        + ",{\"key\":\"safe\",\"value\":{\"intValue\":\"-9007199254740991\"}}";
    java.util.Map<String, JsonNode> values = pageAttributesOfSeed(agent, extremes);
    assertThat(values.get("min").get("t").asText()).isEqualTo("-9223372036854775808");
    assertThat(values.get("unsafe").get("t").asText()).isEqualTo("9007199254740993");
    assertThat(values.get("safe").isNumber()).isTrue();
    assertThat(values.get("safe").asLong()).isEqualTo(-9007199254740991L);
  }

  /**
   * The attribute values the page carries, by key, for the seed cell with {@code attribute}'s JSON
   * replaced by {@code replacement}'s.
   */
  private static java.util.Map<String, JsonNode> pageAttributesOfSeed(String attribute, String replacement)
      throws IOException {
    String text;
    try (java.io.InputStream in = PageFixtures.class.getResourceAsStream(PageFixtures.SEED)) {
      text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace(attribute, replacement);
    }
    Timeline cell = dev.cabtrace.replay.read.TraceReader.create()
        .read(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "cell.jsonl");
    JsonNode data = MAPPER.readTree(embeddedData(CellPage.create(cell).html()));
    java.util.Map<String, JsonNode> values = new java.util.HashMap<>();
    data.at("/spans/attrs").forEach(attrs -> {
      for (int i = 0; i + 1 < attrs.size(); i += 2) {
        values.put(data.at("/spans/attrKeys/" + attrs.get(i).asInt()).asText(), attrs.get(i + 1));
      }
    });
    return values;
  }

  @Test
  void bytesAndKeyValueListsAreCarriedAsTheJsonShowWritesThem() throws IOException {
    String agent = "{\"key\":\"gen_ai.agent.name\",\"value\":{\"stringValue\":\"openhands\"}}";
    String others = agent + ",{\"key\":\"bytes\",\"value\":{\"bytesValue\":\"aGVsbG8=\"}}"
        + ",{\"key\":\"kv\",\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"a\",\"value\":{\"stringValue\":\"x\"}},"
        + "{\"key\":\"b\",\"value\":{\"intValue\":\"2\"}},{\"key\":\"c\",\"value\":{\"bytesValue\":\"AAE=\"}}]}}}";
    java.util.Map<String, JsonNode> values = pageAttributesOfSeed(agent, others);
    assertThat(values.get("bytes").get("t").asText()).isEqualTo("\"aGVsbG8=\"");
    assertThat(values.get("kv").get("t").asText()).isEqualTo("{\"a\":\"x\",\"b\":2,\"c\":\"AAE=\"}");
  }

  @Test
  void hostileStringsAreNeverMarkupInTheFile() throws IOException {
    Timeline hostile = PageFixtures.hostile();
    String html = CellPage.create(hostile).html();

    assertThat(html).doesNotContain(IMG, CLOSE_SCRIPT, COMMENT, "<img", "<!--");
    // Line separators would end a JavaScript string literal in older engines: escaped in the data.
    assertThat(embeddedData(html)).doesNotContain("\u2028", "\u2029", "<", ">", "&");
    assertThat(count(html, "<script")).isEqualTo(2);
    assertThat(count(html, "</script")).isEqualTo(2);
    // Escaped where the generator writes HTML...
    assertThat(html).contains("&lt;img src=x onerror=window.__pwned=1&gt; × &lt;/script&gt;&lt;script&gt;");
    // ...and intact, as data, for the script to insert as text.
    JsonNode data = MAPPER.readTree(embeddedData(html));
    assertThat(data.at("/spans/name/0").asText()).isEqualTo(IMG);
    assertThat(data.at("/spans/name/1").asText()).isEqualTo(CLOSE_SCRIPT);
    assertThat(data.at("/spans/message/1").asText()).isEqualTo(COMMENT);
    JsonNode container = data.at("/spans/attrs/1");
    assertThat(container.get(3).get(1).asText()).isEqualTo("\u2029");
    assertThat(data.at("/spans/attrKeys/" + container.get(4).asInt()).asText()).isEqualTo(CLOSE_SCRIPT);
    assertThat(container.get(5).asText()).isEqualTo(IMG);
    assertThat(data.at("/calls/hash/0").asText()).isEqualTo(CLOSE_SCRIPT);
    assertThat(data.at("/source").asText()).isEqualTo(IMG + ".jsonl");
  }

  @Test
  void writtenPageIsTheHtmlAndKeepsEveryCharacterOfTheData() throws IOException {
    Map<String, Object> resource = PageFixtures.resource("aider", "gpt", "task");
    TimelineBuilder builder = new TimelineBuilder("cell.jsonl");
    String emoji = "fix \uD83D\uDE00 done";
    String lone = "half \uD800 pair";
    builder.add(PageFixtures.span(resource, 1, 0, "adapter_run", emoji, 0, 100)
        .putAttribute("note", lone).putAttribute("list", List.of(lone, emoji, CLOSE_SCRIPT)), 1);
    CellPage page = CellPage.create(builder.build());

    ByteArrayOutputStream written = new ByteArrayOutputStream();
    page.writeTo(written);
    assertThat(written.toByteArray()).isEqualTo(page.html().getBytes(StandardCharsets.UTF_8));
    String data = embeddedData(page.html());
    // A pair goes out as its four UTF-8 bytes; a lone surrogate, which UTF-8 cannot hold, as its
    // escape (not as '?'), so the page's script reads back exactly the recorded string.
    assertThat(data).contains("fix \uD83D\uDE00 done").contains("half \\uD800 pair").doesNotContain("?");
    JsonNode parsed = MAPPER.readTree(data);
    assertThat(parsed.at("/spans/name/0").asText()).isEqualTo(emoji);
    assertThat(parsed.at("/spans/attrs/0/1").asText()).isEqualTo(lone);
    assertThat(parsed.at("/spans/attrs/0/3/0").asText()).isEqualTo(lone);
    assertThat(parsed.at("/spans/attrs/0/3/2").asText()).isEqualTo(CLOSE_SCRIPT);
    assertThat(data).doesNotContain("<", ">", "&");
  }

  @Test
  void modelCallsTableAndTerminalScreens() throws IOException {
    Timeline timeline = PageFixtures.withModelCalls();
    CellPage page = CellPage.create(timeline);
    String html = page.html();

    assertThat(html)
        .contains(">Model calls (3)</h2>", "id=\"call-table\"", "<span>total</span>")
        .contains("<span class=\"num\">11254</span><span class=\"num\">508</span>")
        .contains("<dt>tokens</dt><dd>11762</dd>")
        .contains("<dt>Pass</dt><dd>1.000</dd>", "<dt>Tokens/correct</dt><dd>11762</dd>")
        .contains("The emulated 40 × 6 screen at t, from 4 chunks of recorded output.")
        .doesNotContain("Per-call token capture is not available");
    JsonNode data = MAPPER.readTree(embeddedData(html));
    assertThat(data.at("/calls/count").asInt()).isEqualTo(3);
    assertThat(data.at("/calls/input/0").asLong()).isEqualTo(5210);
    assertThat(data.at("/calls/timestamp/0").asText()).isEqualTo("2026-06-17T07:17:43.206812Z");
    assertThat(data.at("/terminal/columns").asInt()).isEqualTo(40);
    assertThat(data.at("/terminal/rows").asInt()).isEqualTo(6);
    // 120 ms and 150 ms fall in one tick: three screens for four chunks.
    assertThat(data.at("/terminal/snapshots").size()).isEqualTo(3);
    assertThat(page.terminalSnapshots()).isEqualTo(3);
    assertThat(data.at("/terminal/snapshots/0/0").asLong()).isEqualTo(150 * PageFixtures.MS);
    JsonNode first = data.at("/terminal/snapshots/0");
    JsonNode rowTable = data.at("/terminal/rowTable");
    assertThat(rowTable.get(first.get(4).asInt()).get(0).asText()).isEqualTo("running 5 tests");
    assertThat(data.at("/axes/tokens/tokens_per_correct_task").asLong()).isEqualTo(11762);
    assertThat(data.at("/axes/latency/model_call_ms").asDouble()).isEqualTo(1800 + 2150 + 2900);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.cabtrace.replay.page.PageFixtures#verdicts")
  void thePassScoreIsTheVerdictScoreGives(String name, String capture, Boolean verdict) throws IOException {
    Path file = Files.writeString(dir.resolve("cell.jsonl"), capture);

    String html = runCli("html", file.toString(), "-o", "-");
    JsonNode score = MAPPER.readTree(runCli("score", file.toString(), "--json"));

    assertThat(html).contains(verdict == null ? "<dt>Pass</dt><dd class=\"unknown\">not recorded</dd>"
        : "<dt>Pass</dt><dd>" + (verdict ? "1.000" : "0.000") + "</dd>");
    JsonNode division = score.at("/tokens/pass_used_for_division");
    assertThat(division.isNull() ? null : division.asInt() == 1).as("score's verdict").isEqualTo(verdict);
  }

  @Test
  void theWallScoreIsTheRunsWallClockTimeNotTheTraces() throws IOException {
    OtlpLines cell = OtlpLines.cell("4bf92f3577b34da6a3ce929d0e0e4736", "aider", "m")
        .span(1, 0, "prepare", "task_setup", PageFixtures.T0, PageFixtures.T0 + 5_000 * PageFixtures.MS)
        .span(2, 0, "agent", "adapter_run", PageFixtures.T0 + 5_000 * PageFixtures.MS, PageFixtures.T0 + 6_000 * PageFixtures.MS)
        .span(3, 0, "cleanup", "cleanup", PageFixtures.T0 + 6_000 * PageFixtures.MS, PageFixtures.T0 + 9_000 * PageFixtures.MS);
    Path file = Files.writeString(dir.resolve("cell.jsonl"), cell.text());

    String html = runCli("html", file.toString(), "-o", "-");
    JsonNode score = MAPPER.readTree(runCli("score", file.toString(), "--json"));

    assertThat(score.at("/latency/wall_clock_ms").asDouble()).isEqualTo(1000.0);
    assertThat(html).contains("<dt>Wall</dt><dd>1.0s</dd>", "<dt>duration</dt><dd>9.00 s</dd>");
  }

  /** What the command printed on stdout; it must succeed. */
  private static String runCli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = CabTraceCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void thinnedTerminalSaysSo() throws IOException {
    CellPage page = CellPage.builder(PageFixtures.withModelCalls()).setMaxScreenSnapshots(2).build();

    assertThat(page.terminalSnapshots()).isEqualTo(2);
    assertThat(page.html()).contains("The output changed at 3 moments; the page holds the screen at 2 of them, evenly spread");
  }

  @Test
  void anEmptyTimelineStillMakesAPage() throws IOException {
    String html = CellPage.create(new TimelineBuilder("empty.jsonl").build()).html();

    assertThat(html).contains(">Trace spans (0)</h2>", "t = 0 ms / 0.00 s", "<h1>unknown agent × unknown model</h1>",
        "<dt>started_at</dt><dd class=\"unknown\">not recorded</dd>");
    assertThat(MAPPER.readTree(embeddedData(html)).at("/spans/count").asInt()).isZero();
  }

  @Test
  void htmlCommandWritesBesideTheCapture() throws IOException {
    Path capture = PageFixtures.copySeed(dir, "runs/cell.jsonl");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = CabTraceCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        "html", capture.toString());

    assertThat(exit).isZero();
    Path page = dir.resolve("runs/cell.html");
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("wrote " + page + " (5 spans, 0 model calls, ");
    assertThat(Files.readString(page)).contains(">Trace spans (5)</h2>");
  }

  @Test
  void htmlCommandTakesAnOutputAndStdout() throws IOException {
    Path capture = PageFixtures.copySeed(dir, "cell.jsonl");
    Path target = dir.resolve("elsewhere.html");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    assertThat(CabTraceCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), err, "html", capture.toString(), "-o", target.toString()))
        .isZero();
    assertThat(Files.readString(target)).contains(">Trace replay</h2>");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    assertThat(CabTraceCli.run(new PrintStream(stdout, true, StandardCharsets.UTF_8), err, "html", capture.toString(), "-o", "-"))
        .isZero();
    assertThat(stdout.toString(StandardCharsets.UTF_8)).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
  }

  @Test
  void htmlCommandNeverOverwritesItsTraceNorLeavesACutPage() throws IOException {
    Path capture = PageFixtures.copySeed(dir, "cell.jsonl");
    byte[] trace = Files.readAllBytes(capture);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    int exit = CabTraceCli.run(out, new PrintStream(err, true, StandardCharsets.UTF_8),
        "html", capture.toString(), "-o", dir.resolve("./cell.jsonl").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("the page would overwrite its trace");
    assertThat(Files.readAllBytes(capture)).isEqualTo(trace);

    // A page that cannot be written whole (here: its working copy cannot be made) leaves the page
    // already there as it was, and nothing beside it.
    Path page = dir.resolve("cell.html");
    Files.writeString(page, "the page of an earlier run");
    Path workingCopy = dir.resolve(".cell.html." + ProcessHandle.current().pid() + ".part");
    Files.createDirectory(workingCopy);
    ByteArrayOutputStream inTheWay = new ByteArrayOutputStream();
    assertThat(CabTraceCli.run(out, new PrintStream(inTheWay, true, StandardCharsets.UTF_8),
        "html", capture.toString())).isEqualTo(1);
    assertThat(Files.readString(page)).isEqualTo("the page of an earlier run");
    assertThat(inTheWay.toString(StandardCharsets.UTF_8))
        .isEqualTo("cab-trace: cannot write " + page + ": " + workingCopy + " is in the way\n");
    Files.delete(workingCopy);

    // Written whole, it replaces the old page and keeps its permissions.
    Files.setPosixFilePermissions(page, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    assertThat(CabTraceCli.run(out, out, "html", capture.toString())).isZero();
    assertThat(Files.readString(page)).contains(">Trace replay</h2>");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(page)))
        .isEqualTo("rw-r-----");
    // A trace that is not there is said so, page or no page.
    ByteArrayOutputStream missing = new ByteArrayOutputStream();
    assertThat(CabTraceCli.run(out, new PrintStream(missing, true, StandardCharsets.UTF_8),
        "html", dir.resolve("cell-gone.jsonl").toString(), "-o", page.toString())).isEqualTo(1);
    assertThat(missing.toString(StandardCharsets.UTF_8)).doesNotContain("unexpected").contains("cell-gone.jsonl");

    // A link to a page stays a link.
    Path target = dir.resolve("pages/latest.html");
    Files.createDirectories(target.getParent());
    Path link = Files.createSymbolicLink(dir.resolve("latest.html"), target);
    assertThat(CabTraceCli.run(out, out, "html", capture.toString(), "-o", link.toString())).isZero();
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(target)).contains(">Trace replay</h2>");
    try (java.util.stream.Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".part"));
    }
  }

  @Test
  void aTraceChangedWhileItsPageIsWrittenIsSaidAsTheTraceErrorItIs() throws IOException {
    // Past the seed, two spans whose attributes each take more than the window attributes are read
    // back through: whatever was read back before the page's first bytes, the window then holds
    // at most the seed or the last of them, and the page reads the rest from the file again.
    Path capture = PageFixtures.copySeed(dir, "cell.jsonl");
    String padding = "x".repeat(1_200_000);
    for (String spanId : List.of("00000000000000aa", "00000000000000ab")) {
      Files.writeString(capture, "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":["
          + "{\"traceId\":\"bbff3415624849ccae3d4dd5f4b6b86a\",\"spanId\":\"" + spanId + "\",\"name\":\"padded\","
          + "\"startTimeUnixNano\":\"" + PageFixtures.T0 + "\",\"endTimeUnixNano\":\"" + (PageFixtures.T0 + PageFixtures.MS) + "\","
          + "\"attributes\":[{\"key\":\"padding\",\"value\":{\"stringValue\":\"" + padding + "\"}}]}]}]}]}\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }
    byte[] blanked = Files.readAllBytes(capture);
    for (int i = 0; i < blanked.length; i++) {
      blanked[i] = blanked[i] == '\n' ? (byte) '\n' : (byte) ' ';
    }
    // When the page's first bytes arrive, the trace is rewritten: the same length, nothing it held.
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    java.io.OutputStream stdout = new java.io.OutputStream() {
      private boolean changed;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (!changed) {
          changed = true;
          Files.write(capture, blanked);
        }
        written.write(b, off, len);
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = CabTraceCli.run(new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), "html", capture.toString(), "-o", "-");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .matches("cab-trace: the trace file changed since it was read: a span's attributes are no longer at byte \\d+ of "
            + Pattern.quote(capture.toString()) + "; read it again\n");
    // The page ends where it was cut: its data not closed as if it were whole.
    String page = written.toString(StandardCharsets.UTF_8);
    assertThat(page).contains("<script").doesNotContain("</html>");
    assertThat(page.strip()).as("the cut page's end").doesNotEndWith("}");
  }

  @Test
  void aPageOnStdoutIsUtf8WhateverTheLocalesCharset() throws Exception {
    Path capture = PageFixtures.copySeed(dir, "cell.jsonl");
    // A container's shell often runs with LANG=C: Java 17 then writes text in ASCII.
    Process html = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dfile.encoding=US-ASCII", "-cp", System.getProperty("java.class.path"), CabTraceCli.class.getName(),
        "html", capture.toString(), "-o", "-")
        .redirectError(dir.resolve("html.err").toFile()).start();
    byte[] page = html.getInputStream().readAllBytes();
    assertThat(html.waitFor()).as(Files.readString(dir.resolve("html.err"))).isZero();

    assertThat(new String(page, StandardCharsets.UTF_8)).startsWith("<!DOCTYPE html>")
        .containsPattern("<title>[^<?]+ × [^<?]+</title>");
  }

  @Test
  void htmlCommandFailsCleanlyOnAMissingFile() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = CabTraceCli.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), "html", dir.resolve("missing.jsonl").toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("cab-trace: ").contains("missing.jsonl");
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource({
      "a directory that is not there, missing/cell.html, no such directory",
      "a directory, pages, it is a directory",
      "a file where its directory would be, cell.jsonl/cell.html, {dir}/cell.jsonl is not a directory"})
  void aPageThatCannotBeWrittenIsAOneLineErrorNamingTheOutputGiven(String name, String output, String why)
      throws IOException {
    Path capture = PageFixtures.copySeed(dir, "cell.jsonl");
    Files.createDirectory(dir.resolve("pages"));
    Path target = dir.resolve(output);
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = CabTraceCli.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), "html", capture.toString(), "-o", target.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("cab-trace: cannot write " + target + ": " + why.replace("{dir}", dir.toString()) + "\n");
    try (java.util.stream.Stream<Path> left = Files.walk(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(file -> file.endsWith(".part"));
    }
  }
}
