package dev.cabtrace.replay.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellIdentity;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.CellTracer;
import dev.cabtrace.api.ModelCallSpan;
import dev.cabtrace.api.TerminalRecorder;
import dev.cabtrace.api.TokenUsage;
import dev.cabtrace.replay.cli.CabTraceCli;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.ReplayCursor;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.sdk.common.Clock;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The cell page in headless Chromium (Debian's chromium and chromedriver): the keys land on the
 * same t values and select the same spans as {@link ReplayCursor}, the tables hold what {@code
 * show --json} prints, nothing is fetched, hostile strings are text that runs nothing, and a
 * 100,000-span page loads and steps in usable time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CellPageIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final long MS = 1_000_000L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Path dir;
  private ChromeDriver driver;
  private Path capture;
  private Timeline timeline;
  private Path page;

  @BeforeAll
  void startBrowser() throws IOException {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    dir = Files.createTempDirectory("cab-trace-page-it-");
    capture = dir.resolve("cell.jsonl");
    captureSeedCellWithModelCalls(capture);
    timeline = TraceReader.create().read(capture);
    page = dir.resolve("cell.html");
    Files.writeString(page, CellPage.create(timeline).html());

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--window-size=1280,2000", "--user-data-dir=" + dir.resolve("profile"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(120)).scriptTimeout(Duration.ofSeconds(60));
  }

  @AfterAll
  void stopBrowser() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  /**
   * The seed cell of the cell page, with what the seed lacked: three model calls through the
   * recording path's conventions and the container's terminal output, on a manual clock.
   */
  static void captureSeedCellWithModelCalls(Path file) {
    AtomicLong now = new AtomicLong(1_781_680_663_106_812_000L);
    Clock clock = new Clock() {
      @Override
      public long now() {
        return now.get();
      }

      @Override
      public long nanoTime() {
        return now.get();
      }
    };
    try (CabTraceSdk sdk = CabTraceSdk.builder()
        .setCellIdentity(CellIdentity.of("expansion-20260616", "openhands", "qwen/qwen3-next-80b-a3b-instruct",
            "polyglot/rust-error-handling"))
        .setCaptureFile(file)
        .setCrashJournal(false)
        .setEnvironment(Map.of())
        .setClock(clock)
        .build()) {
      CellTracer tracer = sdk.cellTracer();
      try (CellSpan setup = tracer.taskSetup("prepare:polyglot/rust-error-handling")) {
        setup.setAttribute("workdir", "/tmp/workdir").setAttribute("task_category", "polyglot")
            .setAttribute("plugin_stack", List.of()).setAttribute("behavior_mode", "factory");
        now.addAndGet(1_200_000);
      }
      now.addAndGet(50_000);
      try (CellSpan run = tracer.adapterRun("openhands:polyglot/rust-error-handling", "openhands")) {
        run.setAttribute(CabAttributes.TIMEOUT_S, 600L);
        now.addAndGet(50_000);
        try (CellSpan plugins = tracer.toolCall("applied_plugins")) {
          plugins.setAttribute("applied", List.of()).setAttribute("applied_count", 0L);
          now.addAndGet(200_000);
        }
        now.addAndGet(100_000);
        try (CellSpan container = tracer.container("openhands:run");
            TerminalRecorder output = TerminalRecorder.builder(container).setClock(now::get).build()) {
          container.setAttribute(CabAttributes.CONTAINER_IMAGE_NAME, "codingagentbench/openhands:1.7.0")
              .setAttribute(CabAttributes.CONTAINER_IMAGE_ID, "sha256:7fcaf222644a5cb0afffe018f038d270130b5af3b8af366cd960f2d596a4342c")
              .setAttribute(CabAttributes.CONTAINER_COMMAND_ARGS, List.of("/app/.venv/bin/python", "/opt/openhands_run.py"));
          output.recordSize(80, 24);
          OutputStream pty = output.pty(null);
          write(pty, "\u001b[1mopenhands\u001b[0m 1.7.0 \u001b[2m(qwen/qwen3-next-80b-a3b-instruct)\u001b[0m\r\n");
          long[][] calls = {{1_400, 1_900}, {2_950, 2_150}, {4_800, 2_900}};
          long[][] tokens = {{5210, 388}, {3022, 71}, {3022, 49}};
          for (int i = 0; i < calls.length; i++) {
            now.addAndGet(calls[i][0] * MS);
            try (ModelCallSpan call = tracer.modelCall("openai", "qwen/qwen3-next-80b-a3b-instruct")) {
              call.setRequestBody(("{\"messages\":[" + i + "]}").getBytes(StandardCharsets.UTF_8));
              now.addAndGet(calls[i][1] * MS);
              call.setResponseModel("qwen/qwen3-next-80b-a3b-instruct")
                  .setUsage(TokenUsage.of(tokens[i][0], tokens[i][1]))
                  .setFinishReasons(List.of("stop"));
            }
            write(pty, "\u001b[36m\u25b8\u001b[0m step " + (i + 1) + ": edited \u001b[33msrc/lib.rs\u001b[0m\r\n");
          }
          now.addAndGet(300 * MS);
          write(pty, "\r\nrunning 5 tests\r\n");
          now.addAndGet(40 * MS);
          write(pty, "test tests::happy_path ... \u001b[32mok\u001b[0m\r\n");
          now.addAndGet(30 * MS);
          write(pty, "test result: \u001b[1;32mok\u001b[0m. 5 passed; 0 failed\r\n");
          now.addAndGet(500 * MS);
          container.setExitCode(0).setTimedOut(false);
        }
        now.addAndGet(600_000);
        run.setExitCode(0).setPass(true);
      }
      now.addAndGet(75_000);
      try (CellSpan cleanup = tracer.cleanup("cleanup:openhands")) {
        now.addAndGet(300_000);
      }
    }
  }

  private static void write(OutputStream out, String text) {
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private void open(Path file) {
    driver.manage().logs().get(LogType.PERFORMANCE);
    driver.manage().logs().get(LogType.BROWSER);
    driver.get(file.toUri().toString());
  }

  private long pageT() {
    return Long.parseLong((String) js("return document.body.dataset.t"));
  }

  private String pageSelected() {
    return (String) js("return document.body.dataset.selected");
  }

  private void press(CharSequence key) {
    new Actions(driver).sendKeys(key).perform();
  }

  private void assertSame(ReplayCursor cursor, String after) {
    long t = cursor.offsetNanos();
    assertThat(pageT()).as("t after %s", after).isEqualTo(t);
    assertThat(pageSelected()).as("selected after %s", after)
        .isEqualTo(cursor.selected() == null ? "" : cursor.selected().spanId());
    assertThat(driver.findElement(By.id("t-text")).getText()).as("clock after %s", after)
        .isEqualTo("t = " + Durations.groupedMillis(t) + " / " + Durations.seconds(timeline.durationNanos()));
  }

  @Test
  void keysLandOnTheSameTimesAndSpansAsTheTerminalPlayer() throws Exception {
    open(page);
    ReplayCursor cursor = ReplayCursor.builder(timeline).setClock(() -> 0L).build();
    assertSame(cursor, "load");
    // From a fresh cursor, with nothing selected: ticks, then a span step from between spans.
    Object[][] steps = {
        {".", "tick"}, {".", "tick"}, {".", "tick"}, {",", "tick back"}, {Keys.ARROW_LEFT, "span back"},
        {Keys.ARROW_RIGHT, "span"}, {Keys.ARROW_RIGHT, "span"}, {Keys.ARROW_RIGHT, "span"}, {".", "tick"},
        {",", "tick back"}, {",", "tick back"}, {Keys.ARROW_RIGHT, "span"}, {Keys.ARROW_RIGHT, "span"},
        {"G", "end"}, {".", "tick"}, {",", "tick back"}, {",", "tick back"}, {Keys.ARROW_RIGHT, "span"},
        {Keys.ARROW_LEFT, "span back"}, {"g", "home"}, {Keys.ARROW_LEFT, "span back"}, {",", "tick back"},
        {Keys.END, "end"}, {Keys.HOME, "home"}};
    for (Object[] step : steps) {
      press((CharSequence) step[0]);
      apply(cursor, (String) step[1]);
      assertSame(cursor, step[0] + " (" + step[1] + ")");
    }
    // A fresh page with nothing selected steps forward from where it stands, as the cursor does.
    open(page);
    cursor = ReplayCursor.builder(timeline).setClock(() -> 0L).build();
    for (int i = 0; i < 23; i++) {
      press(".");
      cursor.tickForward();
    }
    press(Keys.ARROW_RIGHT);
    cursor.stepSpanForward();
    assertSame(cursor, "23 ticks and a span step");

    // Speed: + and - as in the player, 0.25x to 64x.
    for (int i = 0; i < 8; i++) {
      press("+");
      cursor.faster();
    }
    assertThat(((Number) js("return cabPage.speed()")).doubleValue()).isEqualTo(cursor.speed()).isEqualTo(64.0);
    for (int i = 0; i < 3; i++) {
      press("-");
      cursor.slower();
    }
    assertThat(((Number) js("return cabPage.speed()")).doubleValue()).isEqualTo(cursor.speed()).isEqualTo(8.0);

    // Space plays (in real time, at 8x) and pauses; stepping goes on from where it stopped.
    press(" ");
    assertThat((Boolean) js("return cabPage.playing()")).isTrue();
    // Until the page has played some way (bounded), rather than for a fixed time.
    long before = cursor.offsetNanos();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (pageT() <= before && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
    }
    press(" ");
    assertThat((Boolean) js("return cabPage.playing()")).isFalse();
    long played = pageT();
    assertThat(played).isGreaterThan(cursor.offsetNanos()).isLessThanOrEqualTo(timeline.durationNanos());
    cursor.seek(played);
    assertSame(cursor, "play and pause");
    press(".");
    cursor.tickForward();
    assertSame(cursor, "tick after playing");
    press(Keys.ARROW_RIGHT);
    cursor.stepSpanForward();
    assertSame(cursor, "span after playing");
    // Played to the end, space starts over from 0.
    press("G");
    cursor.end();
    press(" ");
    assertThat(pageT()).isLessThan(timeline.durationNanos());
    press(" ");
    assertThat((Boolean) js("return cabPage.playing()")).isFalse();
  }

  private static void apply(ReplayCursor cursor, String action) {
    switch (action) {
      case "tick":
        cursor.pause().tickForward();
        break;
      case "tick back":
        cursor.pause().tickBack();
        break;
      case "span":
        cursor.pause().stepSpanForward();
        break;
      case "span back":
        cursor.pause().stepSpanBack();
        break;
      case "home":
        cursor.home();
        break;
      case "end":
        cursor.end();
        break;
      default:
        throw new IllegalArgumentException(action);
    }
  }

  @Test
  void tablesHoldWhatShowJsonPrints() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = CabTraceCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "show", capture.toString(), "--json");
    assertThat(exit).isZero();
    JsonNode show = MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
    open(page);

    JsonNode spans = show.get("spans");
    assertThat(driver.findElement(By.id("spans-h")).getText()).isEqualTo("Trace spans (" + spans.size() + ")");
    List<List<String>> rows = tableRows("span-rows");
    assertThat(rows).hasSize(spans.size());
    for (int i = 0; i < spans.size(); i++) {
      JsonNode span = spans.get(i);
      List<String> row = rows.get(i);
      assertThat(row.get(0)).startsWith(span.get("spanId").asText());
      if (!span.get("parentSpanId").asText().isEmpty()) {
        assertThat(row.get(0)).endsWith(" ↳ " + span.get("parentSpanId").asText());
      }
      assertThat(row.get(1)).isEqualTo(span.get("kind").asText());
      assertThat(row.get(2)).isEqualTo(span.get("name").asText());
      assertThat(row.get(3)).isEqualTo((long) Math.floor(span.get("durationMs").asDouble()) + " ms");
      JsonNode attributes = span.get("attributes").deepCopy();
      ((com.fasterxml.jackson.databind.node.ObjectNode) attributes).remove("cab.span.kind");
      assertThat(MAPPER.readTree(rows.get(i).get(4))).as("attributes of %s", span.get("name")).isEqualTo(attributes);
    }

    JsonNode calls = show.get("modelCalls");
    assertThat(calls.size()).isEqualTo(3);
    assertThat(driver.findElement(By.id("calls-h")).getText()).isEqualTo("Model calls (3)");
    List<List<String>> callRows = tableRows("call-rows");
    assertThat(callRows).hasSize(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      JsonNode call = calls.get(i);
      List<String> row = callRows.get(i);
      assertThat(row.get(0)).isEqualTo(Integer.toString(i + 1));
      assertThat(row.get(2)).isEqualTo(call.get("requestHash").asText().substring(0, 12) + "…");
      assertThat(row.get(3)).isEqualTo(call.get("inputTokens").asText());
      assertThat(row.get(4)).isEqualTo(call.get("outputTokens").asText());
      assertThat(row.get(5)).isEqualTo((long) Math.floor(call.get("latencyMs").asDouble()) + " ms");
      assertThat(row.get(6)).isEqualTo(String.join(",", MAPPER.convertValue(call.get("finishReasons"), String[].class)));
    }
    List<String> total = new ArrayList<>();
    for (WebElement cell : driver.findElements(By.cssSelector("#call-foot > span"))) {
      total.add(cell.getText());
    }
    assertThat(total.get(3)).isEqualTo(show.at("/tokens/input").asText());
    assertThat(total.get(4)).isEqualTo(show.at("/tokens/output").asText());
    assertThat(driver.findElement(By.cssSelector("#timing")).getText()).contains("tokens", show.at("/tokens/total").asText());
  }

  /**
   * The rendered rows of a virtual table, top to bottom, as the text of their cells; through JSON,
   * which carries a lone surrogate as its escape where WebDriver cannot carry it at all.
   */
  private List<List<String>> tableRows(String hostId) {
    return MAPPER.convertValue(readTree((String) js(
        "return JSON.stringify(Array.from(document.getElementById(arguments[0]).children)"
            + ".sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))"
            + ".map(r => Array.from(r.children).map(c => c.textContent)));", hostId)),
        new com.fasterxml.jackson.core.type.TypeReference<List<List<String>>>() {});
  }

  @Test
  void thePageFetchesNothingAndItsPolicyLetsItsOwnScriptAndStyleRun() {
    open(page);
    press(Keys.ARROW_RIGHT);
    press(" ");

    String url = page.toUri().toString();
    List<String> requests = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = readTree(entry.getMessage()).get("message");
      if (message.get("method").asText().equals("Network.requestWillBeSent")) {
        requests.add(message.at("/params/request/url").asText());
      }
    }
    assertThat(requests).allSatisfy(request -> assertThat(request).satisfiesAnyOf(
        r -> assertThat(r).isEqualTo(url), r -> assertThat(r).startsWith("data:")));
    assertThat(((Number) js("return performance.getEntriesByType('resource').length")).intValue()).isZero();
    // The policy admits the embedded style sheet and script by their hashes, and nothing else.
    assertThat(js("return getComputedStyle(document.getElementById('gantt-viewport')).overflowY")).isEqualTo("auto");
    assertThat(js("return typeof window.cabPage")).isEqualTo("object");
    List<String> problems = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      problems.add(entry.getLevel() + " " + entry.getMessage());
    }
    assertThat(problems).noneMatch(p -> p.contains("Content Security Policy") || p.startsWith("SEVERE"));
    press(" ");
  }

  private static JsonNode readTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void hostileStringsAreShownAsTextAndRunNothing() throws IOException {
    Path hostile = dir.resolve("hostile.html");
    Files.writeString(hostile, CellPage.create(PageFixtures.hostile()).html());
    open(hostile);
    for (int i = 0; i < 4; i++) {
      press(Keys.ARROW_RIGHT);
    }
    press(".");

    assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    assertThat(js("return typeof window.__pwned")).isEqualTo("undefined");
    assertThat(((Number) js("return document.getElementsByTagName('img').length")).intValue()).isZero();
    assertThat(((Number) js("return document.getElementsByTagName('script').length")).intValue()).isEqualTo(2);
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo(PageFixtures.IMG + " × " + PageFixtures.CLOSE_SCRIPT);
    List<List<String>> rows = tableRows("span-rows");
    assertThat(rows.get(0).get(2)).isEqualTo(PageFixtures.IMG);
    assertThat(rows.get(1).get(2)).isEqualTo(PageFixtures.CLOSE_SCRIPT);
    assertThat(rows.get(1).get(4)).startsWith("ERROR " + PageFixtures.COMMENT);
    assertThat(driver.findElement(By.id("selected-head")).getText()).contains("chat " + PageFixtures.IMG);
    assertThat(driver.findElement(By.id("screen")).getText()).contains(PageFixtures.IMG, PageFixtures.CLOSE_SCRIPT);
    assertThat(js("return typeof window.__pwned")).isEqualTo("undefined");
  }

  @Test
  void tokensSoFarSayHowManyCallsReportedNoUsageAsThePlayerDoes() throws IOException {
    dev.cabtrace.replay.timeline.TimelineBuilder builder = new dev.cabtrace.replay.timeline.TimelineBuilder("calls");
    builder.add(dev.cabtrace.replay.timeline.TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("chat m")
        .setStartEpochNanos(1_000_000_000L).setEndEpochNanos(2_000_000_000L)
        .setAttributes(Map.of("cab.span.kind", "model_call", "gen_ai.usage.input_tokens", 40L,
            "gen_ai.usage.output_tokens", 2L)), 0);
    builder.add(dev.cabtrace.replay.timeline.TimelineSpan.builder().setTraceId(1, 1).setSpanId(2).setName("chat m")
        .setStartEpochNanos(3_000_000_000L).setEndEpochNanos(4_000_000_000L)
        .setAttributes(Map.of("cab.span.kind", "model_call")), 0);
    dev.cabtrace.replay.timeline.Timeline timeline = builder.build();
    Path page = dir.resolve("calls.html");
    Files.writeString(page, CellPage.create(timeline).html());
    open(page);
    press(Keys.END);

    String player = dev.cabtrace.replay.player.FrameRenderer.render(timeline, timeline.frame(timeline.durationNanos()),
        null, 100, 24, false, 1).stream().map(Object::toString).filter(line -> line.startsWith("Model calls"))
        .findFirst().orElseThrow().strip();
    assertThat(driver.findElement(By.id("calls-so-far")).getText()).isEqualTo(player)
        .endsWith("total 42 (1 without usage)");
  }

  /**
   * Strings a terminal or a reader could take for something else: each made visible in the page's
   * span table as TerminalText makes it visible, its attributes as {@code show} prints them, so
   * that a control character and the text of its escape never look alike.
   */
  @Test
  void theSpanTableMakesStringsVisibleAsShowDoes() throws IOException {
    List<String> strings = List.of("\u001b[1m", "\\e[1m", "a\\b\\\\c", "say \"hi\"", "\u2028 \u2029", "\u200b\u200e\u200f",
        "\u061c \ufeff \u2060", "\u202e\u2066", "\u009b\u007f\u0000", "\ud800x", "x\udc00", "\ud83d\ude00 \udbff\udfff",
        "tab\tnew\nline\r");
    dev.cabtrace.replay.ledger.OtlpLines cell = dev.cabtrace.replay.ledger.OtlpLines.cell(
        "4bf92f3577b34da6a3ce929d0e0e4736", "aider", "m");
    for (int i = 0; i < strings.size(); i++) {
      cell.span(i + 1, 0, jsonText(strings.get(i)), "tool_call", PageFixtures.T0 + i * MS, PageFixtures.T0 + (i + 1) * MS,
          dev.cabtrace.replay.ledger.OtlpLines.str("v", jsonText(strings.get(i))));
    }
    Path file = Files.writeString(dir.resolve("visible.jsonl"), cell.text());
    Path html = dir.resolve("visible.html");
    Files.writeString(html, CellPage.create(TraceReader.create().read(file)).html());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(CabTraceCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "show", file.toString())).isZero();
    List<String> show = out.toString(StandardCharsets.UTF_8).lines().toList();
    open(html);

    List<List<String>> rows = tableRows("span-rows");
    assertThat(rows).hasSize(strings.size());
    for (int i = 0; i < strings.size(); i++) {
      String name = dev.cabtrace.replay.terminal.TerminalText.escapeLine(strings.get(i));
      List<String> row = rows.get(i);
      assertThat(row.get(2)).as("name %d", i).isEqualTo(name);
      String spanId = String.format(Locale.ROOT, "%016x", i + 1);
      String shown = show.stream().filter(line -> line.startsWith(spanId)).findFirst().orElseThrow();
      assertThat(shown).as("show's row %d", i).contains("  " + name + " ").endsWith("  " + row.get(4));
      assertThat(row.get(4)).as("attributes %d", i).isEqualTo("{\"v\":\"" + name.replace("\"", "\\\"") + "\"}");
    }
    // The selected span's name and attribute too.
    int selected = ((Number) js("cabPage.step('ArrowRight'); return cabPage.selectedIndex()")).intValue();
    assertThat(js("return document.querySelector('#selected-head .sel-name').textContent"))
        .isEqualTo(rows.get(selected).get(2));
    assertThat(js("return document.querySelector('#selected-attrs dd').textContent")).isEqualTo(rows.get(selected).get(2));
  }

  @Test
  void theSelectedSpanListsItsFirst200AttributesAndCountsTheRest() throws IOException {
    dev.cabtrace.replay.ledger.OtlpLines cell = dev.cabtrace.replay.ledger.OtlpLines.cell(
        "4bf92f3577b34da6a3ce929d0e0e4736", "aider", "m");
    String[] attributes = new String[250];
    for (int i = 0; i < attributes.length; i++) {
      attributes[i] = dev.cabtrace.replay.ledger.OtlpLines.str(String.format(Locale.ROOT, "attr%03d", i), "v" + i);
    }
    cell.span(1, 0, "many", "tool_call", PageFixtures.T0, PageFixtures.T0 + MS, attributes);
    Path html = dir.resolve("many-attributes.html");
    Files.writeString(html, CellPage.create(TraceReader.create().read(
        Files.writeString(dir.resolve("many-attributes.jsonl"), cell.text()))).html());
    open(html);

    js("cabPage.step('ArrowRight')");
    assertThat(((Number) js("return document.querySelectorAll('#selected-attrs dt').length")).intValue()).isEqualTo(201);
    assertThat(js("return document.querySelectorAll('#selected-attrs dt')[199].textContent")).isEqualTo("attr199");
    assertThat(js("return document.querySelector('#selected-attrs dd.sel-more').textContent"))
        .isEqualTo("and 50 more attributes, in the span's row of the table");
  }

  @Test
  void atASpansStartTheScreenIsAsItStoodThenAsScreenShowsIt() throws IOException {
    long t0 = PageFixtures.T0;
    String output = "{\"timeUnixNano\":\"%d\",\"name\":\"cab.output\",\"attributes\":[{\"key\":\"cab.output.data\","
        + "\"value\":{\"stringValue\":\"%s\\r\\n\"}}]}";
    String trace = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"x\"},\"spans\":["
        + "{\"traceId\":\"d4b9924d4c3789b0a331dfcd3cb1b563\",\"spanId\":\"a000000000000001\",\"name\":\"run\",\"kind\":1,"
        + "\"startTimeUnixNano\":\"" + t0 + "\",\"endTimeUnixNano\":\"" + (t0 + 1000 * MS) + "\",\"attributes\":[{\"key\":"
        + "\"cab.span.kind\",\"value\":{\"stringValue\":\"container\"}}],\"events\":["
        + String.format(Locale.ROOT, output, t0 + 10 * MS, "AAA") + "," + String.format(Locale.ROOT, output, t0 + 90 * MS, "BBB")
        + "],\"status\":{}},"
        + "{\"traceId\":\"d4b9924d4c3789b0a331dfcd3cb1b563\",\"spanId\":\"a000000000000002\",\"parentSpanId\":\"a000000000000001\","
        + "\"name\":\"tool-at-20ms\",\"kind\":1,\"startTimeUnixNano\":\"" + (t0 + 20 * MS) + "\",\"endTimeUnixNano\":\""
        + (t0 + 30 * MS) + "\",\"attributes\":[{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"tool_call\"}}],"
        + "\"status\":{}}]}]}]}\n";
    Path file = Files.writeString(dir.resolve("at-20ms.jsonl"), trace);
    Path html = dir.resolve("at-20ms.html");
    Files.writeString(html, CellPage.create(TraceReader.create().read(file)).html());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(CabTraceCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        "screen", file.toString(), "--at", "20ms")).isZero();
    open(html);

    js("cabPage.step('ArrowRight'); cabPage.step('ArrowRight')");
    assertThat(js("return document.querySelector('#selected-head .sel-name').textContent")).isEqualTo("tool-at-20ms");
    String shown = (String) js("return Array.from(document.querySelectorAll('#screen .line'))"
        + ".map(line => line.textContent.replace(/\\s+$/, '')).join('\\n').replace(/\\n+$/, '')");
    assertThat(shown).isEqualTo("AAA").isEqualTo(out.toString(StandardCharsets.UTF_8).strip());
  }

  /** {@code text} as the inside of a JSON string, every character but printable ASCII as its escape. */
  private static String jsonText(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @Test
  void screenshotOfTheCellAtItsLastModelCall() throws IOException {
    open(page);
    press("G");
    // Back span by span from the end (cleanup and the spans after the last call first) to the last model call.
    for (int step = 0; step < 10 && !driver.findElement(By.id("selected-head")).getText().contains("model_call"); step++) {
      press(Keys.ARROW_LEFT);
    }
    assertThat(driver.findElement(By.id("selected-head")).getText()).contains("model_call");
    assertThat(driver.findElement(By.id("screen")).getText()).contains("step 2: edited src/lib.rs");
    assertThat(driver.findElement(By.id("calls-so-far")).getText()).startsWith("Model calls 2/3 · tokens so far: in 8232 · out 459");
    Path target = Path.of("target", "cell-page.png");
    Files.createDirectories(target.getParent());
    Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(target)).isGreaterThan(10_000);
  }

  @Test
  void aHundredThousandSpansLoadAndStepInUsableTime() throws IOException {
    Timeline large = largeTimeline(100_000);
    Path file = dir.resolve("large.html");
    long generate = System.nanoTime();
    Files.writeString(file, CellPage.create(large).html());
    generate = System.nanoTime() - generate;

    long load = System.nanoTime();
    open(file);
    load = System.nanoTime() - load;
    @SuppressWarnings("unchecked")
    Map<String, Number> timings = (Map<String, Number>) js("return cabPage.timings()");
    double[] steps = new double[41];
    String[] keys = {"ArrowRight", ".", "ArrowLeft", ",", "G", "g", "ArrowRight"};
    for (int i = 0; i < steps.length; i++) {
      steps[i] = ((Number) js("const began = performance.now(); cabPage.step(arguments[0]); void document.body.offsetHeight;"
          + " return performance.now() - began;", keys[i % keys.length])).doubleValue();
    }
    java.util.Arrays.sort(steps);
    long keyPress = System.nanoTime();
    press(Keys.ARROW_RIGHT);
    js("return document.body.dataset.t");
    keyPress = System.nanoTime() - keyPress;
    int ganttRows = ((Number) js("return document.getElementById('gantt-rows').children.length")).intValue();
    int tableRows = ((Number) js("return document.getElementById('span-rows').children.length")).intValue();

    System.out.printf(Locale.ROOT, "cell page, 100,000 spans: %,d KiB generated in %d ms; loaded in %d ms (script started at %.0f ms, data parsed"
            + " at %.0f ms, drawn at %.0f ms);"
            + " key step redraw median %.2f ms, max %.2f ms; a key press through WebDriver %d ms; %d gantt rows and %d table rows"
            + " in the document%n",
        Files.size(file) / 1024, generate / 1_000_000, load / 1_000_000, timings.get("scriptStart").doubleValue(),
        timings.get("dataParsed").doubleValue(), timings.get("ready").doubleValue(), steps[steps.length / 2],
        steps[steps.length - 1], keyPress / 1_000_000, ganttRows, tableRows);
    assertThat(large.size()).isEqualTo(100_000);
    assertThat(((Number) js("return cabPage.spanCount()")).intValue()).isEqualTo(100_000);
    // Generous sanity bounds; the targets (3 s, 50 ms) are PageBenchmark's to measure.
    assertThat(load / 1_000_000).isLessThan(60_000);
    assertThat(steps[steps.length / 2]).isLessThan(1_000);
    assertThat(ganttRows).isLessThan(100);
    assertThat(tableRows).isLessThan(100);
  }

  /** {@code count} spans: an adapter run over containers of tool calls and model calls, with attributes. */
  static Timeline largeTimeline(int count) {
    Map<String, Object> resource = PageFixtures.resource("openhands", "qwen/qwen3-next-80b-a3b-instruct", "polyglot/large");
    TimelineBuilder builder = new TimelineBuilder("large.jsonl");
    long end = count * 2L;
    builder.add(PageFixtures.span(resource, 1, 0, "adapter_run", "openhands:polyglot/large", 0, end)
        .putAttribute("timeout_s", 600L), 1);
    long parent = 1;
    for (int i = 1; i < count; i++) {
      long id = i + 1;
      TimelineSpan.Builder span;
      if (i % 100 == 1) {
        parent = id;
        span = PageFixtures.span(resource, id, 1, "container", "step-" + i, i * 2L, i * 2L + 200);
      } else if (i % 10 == 0) {
        span = PageFixtures.span(resource, id, parent, "model_call", "chat qwen/qwen3-next-80b-a3b-instruct", i * 2L, i * 2L + 7)
            .putAttribute("gen_ai.usage.input_tokens", 1000L + i % 97)
            .putAttribute("gen_ai.usage.output_tokens", 10L + i % 13)
            .putAttribute("gen_ai.response.finish_reasons", List.of("stop"));
      } else {
        span = PageFixtures.span(resource, id, parent, "tool_call", "tool-" + i, i * 2L, i * 2L + 3)
            .putAttribute("gen_ai.tool.name", "edit").putAttribute("path", "src/file" + (i % 50) + ".rs");
      }
      builder.add(span, id);
    }
    return builder.build();
  }
}
