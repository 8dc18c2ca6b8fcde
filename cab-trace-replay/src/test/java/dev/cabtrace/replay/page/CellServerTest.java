package dev.cabtrace.replay.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cabtrace.api.testing.LoggedMessages;
import dev.cabtrace.replay.ledger.OtlpLines;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.sdk.persist.CrashJournal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The server over real HTTP on 127.0.0.1. */
class CellServerTest {

  @TempDir Path dir;

  private Path root;
  private Path outside;
  private CellServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws IOException {
    root = Files.createDirectories(dir.resolve("runs"));
    outside = Files.createDirectories(dir.resolve("outside"));
    PageFixtures.copySeed(root, "sweep-1/openhands/cell.jsonl");
    PageFixtures.copySeed(root, "with space & <b>.jsonl");
    Files.writeString(root.resolve("sweep-1/broken.jsonl"), "");
    Files.writeString(root.resolve("notes.txt"), "not a capture");
    PageFixtures.copySeed(outside, "secret.jsonl");
    Files.writeString(outside.resolve("passwd"), "root:x:0:0");
    server = CellServer.builder(root).setPort(0).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String rawPath) throws IOException, InterruptedException {
    return get(server, rawPath);
  }

  private HttpResponse<String> get(CellServer from, String rawPath) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + from.port() + rawPath))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends the request line exactly as written, with no client normalising the path. */
  private String raw(String requestLine) throws IOException {
    return raw(requestLine, "127.0.0.1");
  }

  private String raw(String requestLine, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write((requestLine + "\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void indexListsEveryCaptureWithItsCellOrItsError() throws Exception {
    HttpResponse<String> index = get("/");

    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(p -> assertThat(p).startsWith("default-src 'none'"));
    String body = index.body();
    assertThat(body)
        .contains("3 captures")
        .contains("<a href=\"/cell/sweep-1/openhands/cell.jsonl\">sweep-1/openhands/cell.jsonl</a>")
        .contains("<td>openhands</td><td>qwen/qwen3-next-80b-a3b-instruct</td><td>polyglot/rust-error-handling</td>")
        .contains("85.46 s")
        .contains("<a href=\"/cell/with%20space%20%26%20%3Cb%3E.jsonl\">with space &amp; &lt;b&gt;.jsonl</a>")
        .doesNotContain("notes.txt", "secret", "<b>");
    assertThat(body).containsPattern("<tr class=\"error\"><td>sweep-1/broken.jsonl</td><td colspan=\"6\" class=\"error-text\">[^<]*broken.jsonl[^<]*</td>");
    // The sweep ledger of the readable cells comes first, as `cab-trace sweep` computes it.
    assertThat(body.indexOf("<h2>Sweep</h2>")).isPositive().isLessThan(body.indexOf("<h2>Cells</h2>"));
    assertThat(body).containsPattern("<tr><td>openhands</td><td>qwen/qwen3-next-80b-a3b-instruct</td><td class=\"num\">\\d</td>"
        + "<td class=\"num\">0</td><td class=\"num\">0.000</td><td class=\"num\"><span class=\"unknown\">not recorded</span></td>"
        + "<td class=\"num\"><span class=\"unknown\">not recorded</span></td><td class=\"num\">85.456 s</td>");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.cabtrace.replay.page.PageFixtures#verdicts")
  void theIndexShowsTheVerdictScoreGives(String name, String capture, Boolean verdict) throws Exception {
    Files.writeString(root.resolve("verdict.jsonl"), capture);

    assertThat(get("/").body()).contains("<a href=\"/cell/verdict.jsonl\">verdict.jsonl</a></td><td>aider</td><td>m</td>"
        + "<td><span class=\"unknown\">not recorded</span></td><td>"
        + (verdict == null ? "<span class=\"unknown\">not recorded</span>" : verdict ? "pass" : "fail") + "</td>");
  }

  @Test
  void theIndexForgetsADeletedCaptureAndReadsTheOneThatTakesItsPlace() throws Exception {
    Path capture = root.resolve("sweep-1/openhands/cell.jsonl");
    String trace = Files.readString(capture);
    java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(capture);
    assertThat(get("/").body()).contains("<td>polyglot/rust-error-handling</td>");

    Files.delete(capture);
    assertThat(get("/").body()).contains("2 captures").doesNotContain("sweep-1/openhands/cell.jsonl");
    // Another capture where it was, of the same size and time (copied keeping its time, or a
    // clock of coarse grain): read, not taken for the one deleted.
    Files.writeString(capture, trace.replace("rust-error-handling", "rust-error-handlinG"));
    Files.setLastModifiedTime(capture, modified);

    assertThat(get("/").body()).contains("<td>polyglot/rust-error-handlinG</td>");
  }

  @Test
  void aCaptureChangedWhileTheIndexReadsItIsARowNamingItAsTheIndexDoesAndIsReadAgain() throws Exception {
    Path capture = root.resolve("sweep-1/openhands/cell.jsonl");
    byte[] trace = Files.readAllBytes(capture);
    byte[] blanked = trace.clone();
    java.util.Arrays.fill(blanked, (byte) ' ');
    java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(capture);
    java.util.concurrent.atomic.AtomicBoolean rewritten = new java.util.concurrent.atomic.AtomicBoolean();
    // Once read, rewritten (the same length and time, nothing it held): its row reads attributes back.
    CellServer.CaptureReader readThenRewrite = file -> {
      Timeline read = TraceReader.create().read(file);
      if (file.endsWith(Path.of("sweep-1", "openhands", "cell.jsonl")) && rewritten.compareAndSet(false, true)) {
        try {
          Files.write(file, blanked);
          Files.setLastModifiedTime(file, modified);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return read;
    };
    try (CellServer changing = CellServer.builder(root).setPort(0).setCaptureReader(readThenRewrite).build().start()) {
      assertThat(get(changing, "/").body()).doesNotContain(dir.toString()).containsPattern(
          "<td>sweep-1/openhands/cell.jsonl</td><td colspan=\"6\" class=\"error-text\">the trace file changed since it"
              + " was read: [^<]* of sweep-1/openhands/cell.jsonl; read it again</td>");
      Files.write(capture, trace);
      Files.setLastModifiedTime(capture, modified);

      assertThat(get(changing, "/").body()).contains("<a href=\"/cell/sweep-1/openhands/cell.jsonl\">");
    }
  }

  @Test
  void aCaptureWhoseNameIsNotUtf8IsARowSayingSoNotALinkToAnotherFile() throws Exception {
    // inv\xff.jsonl: bytes Java reads as inv\ufffd.jsonl, whose link (UTF-8 of U+FFFD) names no file.
    assertThat(new ProcessBuilder("sh", "-c", "cp sweep-1/openhands/cell.jsonl \"$(printf 'inv\\377.jsonl')\"")
        .directory(root.toFile()).start().waitFor()).isZero();

    String index = get("/").body();

    assertThat(index).contains("its name is not text in this system&#39;s file name encoding")
        .doesNotContain("/cell/inv%EF%BF%BD.jsonl")
        .contains("<a href=\"/cell/sweep-1/openhands/cell.jsonl\">");
  }

  @Test
  void aBugIsA500AndTheLogSaysWhatFailed() throws Exception {
    CellServer.CaptureReader failing = file -> {
      throw new IllegalStateException("a bug in reading " + file.getFileName());
    };
    LoggedMessages log = LoggedMessages.of(CellServer.class);
    HttpResponse<String> index;
    try (CellServer buggy = CellServer.builder(root).setPort(0).setCaptureReader(failing).build().start()) {
      index = get(buggy, "/cell/sweep-1/openhands/cell.jsonl");
    } finally {
      log.close();
    }

    assertThat(index.statusCode()).isEqualTo(500);
    assertThat(index.body()).contains("A bug (IllegalStateException); the server&#39;s log says more.")
        .doesNotContain("cell.jsonl");
    assertThat(log.messages()).containsExactly("cab-trace serve: /cell/sweep-1/openhands/cell.jsonl failed:"
        + " java.lang.IllegalStateException: a bug in reading cell.jsonl");
  }

  @Test
  void aCaptureIsReadAgainWhenItsCrashJournalChanges() throws Exception {
    String trace = "0af7651916cd43dd8448eb211c80319c";
    long t0 = PageFixtures.T0;
    Path crashed = Files.writeString(root.resolve("crashed.jsonl"), OtlpLines.cell(trace, "aider", "m")
        .span(1, 0, "prepare", "task_setup", t0, t0 + 1_000 * PageFixtures.MS).text());
    // Killed with its agent running: the journal's heartbeat ends it, and moves while the cell runs.
    OtlpLines running = OtlpLines.cell(trace, "aider", "m").span(2, 0, "agent", "adapter_run", t0 + 2_000 * PageFixtures.MS, 0);
    Path journal = Files.writeString(CrashJournal.pathFor(crashed), crashJournal(t0 + 9_000 * PageFixtures.MS, running));
    assertThat(get("/").body()).containsPattern("crashed\\.jsonl</a></td>.*<td class=\"num\">9\\.00 s</td></tr>");
    java.nio.file.attribute.FileTime captureModified = Files.getLastModifiedTime(crashed);
    java.nio.file.attribute.FileTime journalModified = Files.getLastModifiedTime(journal);

    // The capture as it was; the journal the same length, written a second later.
    Files.writeString(journal, crashJournal(t0 + 12_000 * PageFixtures.MS, running));
    Files.setLastModifiedTime(journal, java.nio.file.attribute.FileTime.fromMillis(journalModified.toMillis() + 1_000));
    assertThat(Files.getLastModifiedTime(crashed)).isEqualTo(captureModified);

    assertThat(get("/").body()).containsPattern("crashed\\.jsonl</a></td>.*<td class=\"num\">12\\.00 s</td></tr>");
    assertThat(get("/cell/crashed.jsonl").body()).contains("t = 0 ms / 12.00 s");
  }

  /** A crash journal: its header with the heartbeat {@code heartbeat}, then {@code spans}. */
  private static String crashJournal(long heartbeat, OtlpLines spans) {
    return "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"" + heartbeat + "\",\"pid\":1}}\n" + spans.text();
  }

  @Test
  @Timeout(60)
  void indexRequestsAtOnceReadEachCaptureOnce() throws Exception {
    Path held = Path.of("sweep-1", "openhands", "cell.jsonl");
    AtomicInteger reads = new AtomicInteger();
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // The first index request is held while it reads the capture.
    CellServer.CaptureReader holding = file -> {
      if (file.endsWith(held)) {
        reads.incrementAndGet();
        reading.countDown();
        awaitQuietly(release);
      }
      return TraceReader.create().read(file);
    };
    try (CellServer slow = CellServer.builder(root).setPort(0).setCaptureReader(holding).build().start()) {
      HttpRequest index = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + slow.port() + "/")).build();
      CompletableFuture<HttpResponse<String>> first = client.sendAsync(index, HttpResponse.BodyHandlers.ofString());
      reading.await();
      CompletableFuture<HttpResponse<String>> second = client.sendAsync(index, HttpResponse.BodyHandlers.ofString());
      // Until the second request reads the capture too, or waits for the index being made.
      while (reads.get() < 2 && !aThreadWaitsFor(CellIndex.class)) {
        Thread.onSpinWait();
      }
      release.countDown();

      assertThat(first.get().body()).contains("<td>polyglot/rust-error-handling</td>");
      assertThat(second.get().body()).contains("<td>polyglot/rust-error-handling</td>");
      assertThat(reads).as("reads of the capture").hasValue(1);
    }
  }

  @Test
  @Timeout(60)
  void pagesAreMadeFourAtOnceAndTheRestWait() throws Exception {
    AtomicInteger reading = new AtomicInteger();
    CountDownLatch four = new CountDownLatch(CellServer.MAKERS);
    CountDownLatch release = new CountDownLatch(1);
    CellServer.CaptureReader holding = file -> {
      reading.incrementAndGet();
      four.countDown();
      awaitQuietly(release);
      return TraceReader.create().read(file);
    };
    try (CellServer slow = CellServer.builder(root).setPort(0).setCaptureReader(holding).build().start()) {
      HttpRequest page = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + slow.port()
          + "/cell/sweep-1/openhands/cell.jsonl")).build();
      java.util.List<CompletableFuture<HttpResponse<String>>> pages = new java.util.ArrayList<>();
      for (int i = 0; i < CellServer.MAKERS + 2; i++) {
        pages.add(client.sendAsync(page, HttpResponse.BodyHandlers.ofString()));
      }
      four.await();
      // Until the other two wait for their turn, or read too.
      while (reading.get() == CellServer.MAKERS && slow.waitingForTurn() < 2) {
        Thread.onSpinWait();
      }
      assertThat(reading).as("captures read at once").hasValue(CellServer.MAKERS);
      release.countDown();

      for (CompletableFuture<HttpResponse<String>> made : pages) {
        assertThat(made.get().statusCode()).isEqualTo(200);
      }
      assertThat(reading).hasValue(CellServer.MAKERS + 2);
    }
  }

  /** Holds a capture read until the test lets it go on (a reader may not throw InterruptedException). */
  private static void awaitQuietly(CountDownLatch release) {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether a thread is blocked on entering a synchronized method of a {@code monitor}. */
  private static boolean aThreadWaitsFor(Class<?> monitor) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (thread != null && thread.getThreadState() == Thread.State.BLOCKED && thread.getLockInfo() != null
          && thread.getLockInfo().getClassName().equals(monitor.getName())) {
        return true;
      }
    }
    return false;
  }

  @Test
  void cellPageIsGeneratedOnRequest() throws Exception {
    HttpResponse<String> page = get("/cell/sweep-1/openhands/cell.jsonl");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains(">Trace spans (5)</h2>", "t = 0 ms / 85.46 s");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(CellPage.contentSecurityPolicy());
    assertThat(get("/cell/with%20space%20%26%20%3Cb%3E.jsonl").statusCode()).isEqualTo(200);
  }

  @Test
  void aPageNamesItsCaptureAsTheIndexDoesAndHeadGivesItsLength() throws Exception {
    Path torn = root.resolve("sweep-1/torn.jsonl");
    Files.writeString(torn, Files.readString(root.resolve("sweep-1/openhands/cell.jsonl")) + "{\"resourceSpans\":[");

    HttpResponse<String> page = get("/cell/sweep-1/torn.jsonl");

    assertThat(page.statusCode()).isEqualTo(200);
    // The footer, the data and the warning name the file under the served directory, never where
    // that directory lies.
    assertThat(page.body()).doesNotContain(dir.toString()).contains("sweep-1/torn.jsonl:")
        .contains("\"source\":\"sweep-1/torn.jsonl\"");
    HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/cell/sweep-1/torn.jsonl")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length"))
        .hasValue(page.body().getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void aPageThatCannotBeMadeIsAnAnswerAndPagesGoWithTheServer() throws Exception {
    Path pages = server.pagesDirectory();
    assertThat(get("/cell/sweep-1/openhands/cell.jsonl").statusCode()).isEqualTo(200);
    try (java.util.stream.Stream<Path> made = Files.list(pages)) {
      assertThat(made).as("a page sent is not kept").isEmpty();
    }
    Files.delete(pages); // as a full or vanished temporary directory
    LoggedMessages log = LoggedMessages.of(CellServer.class);
    java.util.List<String> logged = log.messages();
    HttpResponse<String> page;
    try {
      page = get("/cell/sweep-1/openhands/cell.jsonl");
    } finally {
      log.close();
    }

    assertThat(page.statusCode()).isEqualTo(503);
    assertThat(page.body()).contains("no room to make this page").doesNotContain(dir.toString());
    // Said in words, never an exception's class name.
    assertThat(logged).anySatisfy(line -> assertThat(line)
        .isEqualTo("cab-trace serve: no room to make the page of sweep-1/openhands/cell.jsonl: no such file or directory"));
    Files.createDirectory(pages);
    server.close();
    assertThat(pages).doesNotExist();
  }

  @Test
  void aCaptureChangedBeforeItsPageIsMadeIsAConflict() throws Exception {
    Path capture = root.resolve("sweep-1/openhands/cell.jsonl");
    byte[] blanked = Files.readAllBytes(capture);
    java.util.Arrays.fill(blanked, (byte) ' ');
    // Rewritten (the same length, nothing it held) once read: its attributes are read back from it.
    CellServer.CaptureReader readThenRewrite = file -> {
      Timeline read = TraceReader.create().read(file);
      try {
        Files.write(file, blanked);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return read;
    };
    try (CellServer changing = CellServer.builder(root).setPort(0).setCaptureReader(readThenRewrite).build().start()) {
      HttpResponse<String> page = get(changing, "/cell/sweep-1/openhands/cell.jsonl");

      assertThat(page.statusCode()).isEqualTo(409);
      assertThat(page.body()).contains("The capture changed while its page was made").doesNotContain(dir.toString());
    }
  }

  @Test
  void anIllegalStateExceptionThatIsNoChangedCaptureIsAServerError() throws Exception {
    // Attributes that fail as a bug would, once the page writes them, naming where the directory lies.
    Map<String, Object> failing = new java.util.AbstractMap<>() {
      @Override
      public Object get(Object key) {
        return null;
      }

      @Override
      public boolean containsKey(Object key) {
        return false;
      }

      @Override
      public java.util.Set<Entry<String, Object>> entrySet() {
        throw new IllegalStateException("a bug in " + root);
      }
    };
    TimelineBuilder cell = new TimelineBuilder("cell.jsonl");
    cell.add(TimelineSpan.builder().setTraceId(1, 2).setSpanId(3).setName("run").setStartEpochNanos(PageFixtures.T0)
        .setEndEpochNanos(PageFixtures.T0 + PageFixtures.MS).setAttributes(failing), 1);
    Timeline timeline = cell.build();
    try (CellServer buggy = CellServer.builder(root).setPort(0).setCaptureReader(file -> timeline).build().start()) {
      HttpResponse<String> page = get(buggy, "/cell/sweep-1/openhands/cell.jsonl");

      assertThat(page.statusCode()).isEqualTo(500);
      assertThat(page.body()).contains("IllegalStateException").doesNotContain(dir.toString(), "a bug in");
    }
  }

  @Test
  void aCaptureWhoseNameHasAColonOrABackslashIsLinkedAndServed() throws Exception {
    PageFixtures.copySeed(root, "run:1\\retry.jsonl");

    java.util.regex.Matcher link = java.util.regex.Pattern.compile("<a href=\"(/cell/run[^\"]*retry\\.jsonl)\">run:1")
        .matcher(get("/").body());
    assertThat(link.find()).as("the index links it").isTrue();
    HttpResponse<String> page = get(link.group(1));

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains(">Trace spans (5)</h2>");
  }

  @Test
  void aBrokenCaptureIsNotAServerError() throws Exception {
    HttpResponse<String> page = get("/cell/sweep-1/broken.jsonl");

    assertThat(page.statusCode()).isEqualTo(422);
    assertThat(page.body()).contains("sweep-1/broken.jsonl").doesNotContain(dir.toString());
  }

  @Test
  void aPageOfAnotherSiteCannotReadTheTracesThroughItsOwnName() throws Exception {
    // DNS rebinding: attacker.example resolved to 127.0.0.1 after its page loaded, so the browser
    // sends the page's own name. The server's own names are answered, with or without the port.
    int port = server.port();
    for (String host : new String[] {"attacker.example:" + port, "attacker.example", "127.0.0.1.nip.io:" + port,
        "localhost.attacker.example:" + port}) {
      assertThat(raw("GET /cell/sweep-1/openhands/cell.jsonl HTTP/1.1", host)).as(host).startsWith("HTTP/1.1 421");
      assertThat(raw("GET / HTTP/1.1", host)).as(host).startsWith("HTTP/1.1 421").doesNotContain("cell.jsonl");
    }
    for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "127.0.0.1", "127.1.2.3:" + port}) {
      assertThat(raw("GET /cell/sweep-1/openhands/cell.jsonl HTTP/1.1", host)).as(host).startsWith("HTTP/1.1 200");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/../outside/passwd",
      "/cell/../../outside/passwd",
      "/cell/..%2f..%2foutside%2fsecret.jsonl",
      "/cell/%2e%2e/outside/secret.jsonl",
      "/cell/%2E%2E%2Foutside%2Fsecret.jsonl",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/cell/%2fetc%2fpasswd",
      "/cell//etc/passwd",
      "/cell/sweep-1/..%5c..%5coutside%5csecret.jsonl",
      "/cell/%252e%252e/outside/secret.jsonl",
      "/cell/./sweep-1/openhands/cell.jsonl",
      "/cell/sweep-1%00.jsonl",
      "/cell/%c0%ae%c0%ae/outside/secret.jsonl",
      "/etc/passwd",
      "/cell/notes.txt",
      "/cell/sweep-1%2Fopenhands%2Fcell.jsonl"
  })
  void pathsOutsideTheDirectoryAreRefused(String path) throws Exception {
    String response = raw("GET " + path + " HTTP/1.1");

    assertThat(response).matches("(?s)HTTP/1\\.1 (403|404) .*").doesNotContain("root:x", "Trace spans");
  }

  @Test
  void theHttpClientsTraversalIsRefusedToo() throws Exception {
    for (String path : new String[] {"/../etc/passwd", "/%2e%2e/", "/cell/%2e%2e/outside/secret.jsonl"}) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isIn(403, 404);
      assertThat(response.body()).doesNotContain("root:x", "Trace spans");
    }
  }

  @Test
  void aLinkLeadingOutsideIsRefused() throws Exception {
    try {
      Files.createSymbolicLink(root.resolve("link.jsonl"), outside.resolve("secret.jsonl"));
      Files.createSymbolicLink(root.resolve("linked-dir"), outside);
    } catch (UnsupportedOperationException | IOException e) {
      return; // No symbolic links on this file system.
    }
    assertThat(get("/cell/link.jsonl").statusCode()).isEqualTo(403);
    assertThat(get("/cell/linked-dir/secret.jsonl").statusCode()).isEqualTo(403);
    assertThat(get("/").body()).doesNotContain("link.jsonl", "secret");

    // A link to a capture inside is a capture: listed, as its page is served; counted once in the
    // sweep table, under the file's own name.
    String sweepBefore = sweepTable(get("/").body());
    Files.createSymbolicLink(root.resolve("latest.jsonl"), root.resolve("sweep-1/openhands/cell.jsonl"));
    String index = get("/").body();
    assertThat(index).contains("<a href=\"/cell/latest.jsonl\">latest.jsonl</a> <span class=\"unknown\">(the file of"
        + " sweep-1/openhands/cell.jsonl, counted once)</span>").contains("4 captures");
    assertThat(sweepTable(index)).isEqualTo(sweepBefore);
    assertThat(get("/cell/latest.jsonl").statusCode()).isEqualTo(200);
  }

  @Test
  void aSecondNameOfACaptureIsListedAndCountedOnceAsSweepCountsIt() throws Exception {
    String sweepBefore = sweepTable(get("/").body());
    try {
      Files.createLink(root.resolve("again.jsonl"), root.resolve("sweep-1/openhands/cell.jsonl"));
    } catch (UnsupportedOperationException | IOException e) {
      return; // No hard links on this file system.
    }

    String index = get("/").body();

    assertThat(index).contains("4 captures").contains("<a href=\"/cell/sweep-1/openhands/cell.jsonl\">sweep-1/openhands/cell.jsonl</a>"
        + " <span class=\"unknown\">(the file of again.jsonl, counted once)</span>");
    assertThat(sweepTable(index)).isEqualTo(sweepBefore);
    // As sweep reads it: by the name with a crash journal beside it, whose spans are the cell's too.
    Files.writeString(root.resolve("sweep-1/openhands/cell.jsonl.journal"),
        "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"1\",\"pid\":1}}\n");
    assertThat(get("/").body()).contains("<a href=\"/cell/again.jsonl\">again.jsonl</a>"
        + " <span class=\"unknown\">(the file of sweep-1/openhands/cell.jsonl, counted once)</span>");
  }

  private static String sweepTable(String index) {
    return index.substring(index.indexOf("<h2>Sweep</h2>"), index.indexOf("<h2>Cells</h2>"));
  }

  @Test
  void onlyGetAndHead() throws Exception {
    HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(raw("DELETE /cell/sweep-1/openhands/cell.jsonl HTTP/1.1")).startsWith("HTTP/1.1 405 ");

    HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void aServerThatCannotListenLeavesNoDirectoryOfPagesBehind() throws Exception {
    CellServer taken = CellServer.builder(root).setPort(server.port()).build();

    assertThatThrownBy(taken::start).isInstanceOf(java.net.BindException.class);
    assertThat(taken.pagesDirectory()).isNull();
  }

  @Test
  void listensOnLoopbackByDefaultAndClosesTwice() throws Exception {
    assertThat(server.uri().toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
    server.close();
    server.close();
    assertThatThrownBy(() -> CellServer.builder(dir.resolve("missing")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a directory");
  }
}
