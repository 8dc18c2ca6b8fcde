package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.cli.CliRun.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cab-trace screen}, and the screen in {@code frame --json}, on a trace with pty output. */
class ScreenCommandTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String TRACE_ID = "8293433263b72503f683e7696220d242";
  private static final long T0 = 1_781_680_663_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final String NL = System.lineSeparator();

  /** An ESC that does not start an SGR sequence. */
  private static final Pattern FOREIGN_ESCAPE = Pattern.compile("\u001b(?!\\[[0-9;]*m)");

  @TempDir Path dir;

  private Path trace;

  /**
   * A cell of 2 s: adapter_run (span 1) holding the container (span 2, 20 × 5, from 1 ms) and a
   * tool call (span 3) that starts at 600 ms. The container's pty printed a title and two lines at
   * 100 ms, hostile sequences and raw C1 bytes (base64) then "third" at 500 ms, and switched to the
   * alternate screen at 1 s.
   */
  @BeforeEach
  void writeTrace() throws IOException {
    ArrayNode events = MAPPER.createArrayNode();
    events.add(output(100, "\u001b]0;the title\u0007\u001b[2J\u001b[Hhello \u001b[1;32mgreen\u001b[0m\r\nline 2", false));
    byte[] hostile = ("\u001b]52;c;cm0gLXJmIH4=\u0007\u001bP1$r0m\u001b\\\u001b[?2004h\u001b[c\u001b[6n\u0007"
        + "\r\nthird").getBytes(StandardCharsets.UTF_8);
    byte[] withC1 = new byte[hostile.length + 4];
    withC1[0] = (byte) 0x9b;
    withC1[1] = '2';
    withC1[2] = 'J';
    withC1[3] = (byte) 0x9d;
    System.arraycopy(hostile, 0, withC1, 4, hostile.length);
    events.add(output(500, Base64.getEncoder().encodeToString(withC1), true));
    events.add(output(1000, "\u001b[?1049h\u001b[3;3Halt", false));

    ArrayNode spans = MAPPER.createArrayNode();
    spans.add(span(1, 0, "openhands:task", "adapter_run", 0, 2000));
    ObjectNode container = span(2, 1, "openhands:run", "container", 1, 2000);
    ((ArrayNode) container.get("attributes")).add(attribute("cab.terminal.columns", MAPPER.createObjectNode().put("intValue", "20")));
    ((ArrayNode) container.get("attributes")).add(attribute("cab.terminal.rows", MAPPER.createObjectNode().put("intValue", "5")));
    container.set("events", events);
    spans.add(container);
    spans.add(span(3, 2, "bash", "tool_call", 600, 700));

    ObjectNode line = MAPPER.createObjectNode();
    ObjectNode resourceSpans = line.putArray("resourceSpans").addObject();
    resourceSpans.putObject("resource").putArray("attributes");
    resourceSpans.putArray("scopeSpans").addObject().set("spans", spans);
    trace = Files.writeString(dir.resolve("tui.jsonl"), MAPPER.writeValueAsString(line) + "\n");
  }

  private static ObjectNode output(long atMs, String data, boolean base64) {
    ObjectNode event = MAPPER.createObjectNode();
    event.put("timeUnixNano", String.valueOf(T0 + atMs * MS));
    event.put("name", "cab.output");
    ArrayNode attributes = event.putArray("attributes");
    attributes.add(attribute("cab.output.stream", MAPPER.createObjectNode().put("stringValue", "pty")));
    attributes.add(attribute("cab.output.data", MAPPER.createObjectNode().put("stringValue", data)));
    if (base64) {
      attributes.add(attribute("cab.output.encoding", MAPPER.createObjectNode().put("stringValue", "base64")));
    }
    return event;
  }

  private static ObjectNode span(long id, long parent, String name, String kind, long startMs, long endMs) {
    ObjectNode span = MAPPER.createObjectNode();
    span.put("traceId", TRACE_ID);
    span.put("spanId", String.format("%016x", id));
    if (parent != 0) {
      span.put("parentSpanId", String.format("%016x", parent));
    }
    span.put("name", name);
    span.put("kind", 1);
    span.put("startTimeUnixNano", String.valueOf(T0 + startMs * MS));
    span.put("endTimeUnixNano", String.valueOf(T0 + endMs * MS));
    span.putArray("attributes").add(attribute("cab.span.kind", MAPPER.createObjectNode().put("stringValue", kind)));
    return span;
  }

  private static ObjectNode attribute(String key, ObjectNode value) {
    ObjectNode attribute = MAPPER.createObjectNode();
    attribute.put("key", key);
    attribute.set("value", value);
    return attribute;
  }

  private Path seedCell() throws IOException {
    Path file = dir.resolve("seed-cell.otlp.jsonl");
    try (InputStream in = getClass().getResourceAsStream("/dev/cabtrace/replay/read/seed-cell.otlp.jsonl")) {
      Files.copy(in, file);
    }
    return file;
  }

  @Test
  void printsExactlyTheRowsOfTheScreenAtT() {
    Result early = run("screen", trace.toString(), "--at", "200ms");
    assertThat(early.exit()).isZero();
    assertThat(early.err()).isEmpty();
    assertThat(early.out()).isEqualTo(String.join(NL, "hello green", "line 2", "", "", "") + NL);

    // Before the first chunk: a blank screen of the recorded size.
    assertThat(run("screen", trace.toString(), "--at", "0").out()).isEqualTo(NL.repeat(5));
    // The raw C1 bytes print U+FFFD and act as nothing; the queries are consumed.
    assertThat(run("screen", trace.toString(), "--at", "0.5s").out().lines().toList())
        .containsExactly("hello green", "line 2\ufffd2J\ufffd", "third", "", "");
  }

  @Test
  void frameShowsThePseudoTerminalsScreenNotItsEscapeSequences() {
    Result frame = run("frame", trace.toString(), "--at", "0.6s");
    assertThat(frame.exit()).as(frame.err()).isZero();
    String shown = frame.out().substring(frame.out().indexOf("Screen (last lines"));
    assertThat(shown.lines().skip(1).toList())
        .containsExactly("  hello green", "  line 2\ufffd2J\ufffd", "  third");
    assertThat(frame.out()).doesNotContain("\\e[").doesNotContain("\u001b");
  }

  @Test
  void atIsParsedAsFrameParsesIt() {
    String at600 = run("screen", trace.toString(), "--at", "0.6s").out();
    for (String same : List.of("600ms", "600000us", "0.6", "600 ms")) {
      assertThat(run("screen", trace.toString(), "--at", same).out()).as(same).isEqualTo(at600);
    }
    // Past the end is the end: the alternate screen.
    assertThat(run("screen", trace.toString(), "--at", "2m").out().lines().toList()).containsExactly("", "", "  alt", "", "");
  }

  @Test
  void anAtPastTheEndShowsTheEndAndSaysSo() {
    Result screen = run("screen", trace.toString(), "--at", "12.5s");
    assertThat(screen.exit()).isZero();
    assertThat(screen.out()).isEqualTo(run("screen", trace.toString(), "--at", "2s").out());
    assertThat(screen.err()).isEqualTo("cab-trace: warning: --at 12.5s is past the end of the cell (2000 ms); showing its end\n");

    for (String past : List.of("3d", "99999h", "PT2.001S")) {
      Result frame = run("frame", trace.toString(), "--at", past);
      assertThat(frame.exit()).isZero();
      assertThat(frame.out()).startsWith("t = 2 000 ms / 2.00 s");
      assertThat(frame.err()).isEqualTo("cab-trace: warning: --at " + past + " is past the end of the cell (2000 ms); showing its end\n");
    }
    // The end itself is in the cell.
    assertThat(run("frame", trace.toString(), "--at", "2s").err()).isEmpty();
    assertThat(run("frame", trace.toString(), "--at", "2s", "--json").err()).isEmpty();
    assertThat(run("frame", trace.toString(), "--at", "3s", "--json").err()).contains("past the end of the cell");
  }

  @Test
  void spanMeansThatSpansStart() {
    Result atToolCall = run("screen", trace.toString(), "--span", String.format("%016x", 3));
    assertThat(atToolCall.exit()).isZero();
    assertThat(atToolCall.out()).isEqualTo(run("screen", trace.toString(), "--at", "600ms").out());
    // The container starts at 1 ms, before its first output.
    assertThat(run("screen", trace.toString(), "--span", String.format("%016X", 2)).out()).isEqualTo(NL.repeat(5));

    Result frame = run("frame", trace.toString(), "--span", String.format("%016x", 3));
    assertThat(frame.exit()).isZero();
    assertThat(frame.out()).startsWith("t = 600 ms / 2.00 s");
  }

  @Test
  void ansiKeepsColoursWithOnlyGeneratedSgr() {
    Result result = run("screen", trace.toString(), "--at", "0.5s", "--ansi");

    assertThat(result.exit()).isZero();
    assertThat(result.out()).startsWith("hello \u001b[0;1;32mgreen\u001b[0m" + NL);
    assertThat(result.out().split(Pattern.quote(NL), -1)).hasSize(6);
    assertThat(FOREIGN_ESCAPE.matcher(result.out()).find()).as(result.out()).isFalse();
  }

  @Test
  void theAnsiFilterKeepsSgrAndEscapesEverythingElse() {
    assertThat(TerminalText.escapeLineKeepingSgr("a\u001b[0;1;38;5;208mb\u001b[0m")).isEqualTo("a\u001b[0;1;38;5;208mb\u001b[0m");
    assertThat(TerminalText.escapeLineKeepingSgr("\u001b[2J\u001b]0;t\u0007\u001b[?25l\u009b1m\u001b[1"))
        .isEqualTo("\\e[2J\\e]0;t\\x07\\e[?25l\\u009b1m\\e[1");
    assertThat(TerminalText.escapeLineKeepingSgr(null)).isEmpty();
  }

  @Test
  void jsonHasTheScreensKeys() throws IOException {
    Result result = run("screen", trace.toString(), "--at", "1.5s", "--json");

    assertThat(result.exit()).isZero();
    JsonNode screen = MAPPER.readTree(result.out());
    assertThat(fieldNames(screen)).containsExactly("columns", "rows", "cursor", "alternate_screen", "title", "lines");
    assertThat(fieldNames(screen.get("cursor"))).containsExactly("row", "column", "visible");
    assertThat(screen.get("columns").asInt()).isEqualTo(20);
    assertThat(screen.get("rows").asInt()).isEqualTo(5);
    assertThat(screen.at("/cursor/row").asInt()).isEqualTo(2);
    assertThat(screen.at("/cursor/column").asInt()).isEqualTo(5);
    assertThat(screen.at("/cursor/visible").asBoolean()).isTrue();
    assertThat(screen.get("alternate_screen").asBoolean()).isTrue();
    assertThat(screen.get("title").asText()).isEqualTo("the title");
    assertThat(screen.get("lines")).hasSize(5);
    assertThat(screen.at("/lines/2").asText()).isEqualTo("  alt");
  }

  @Test
  void frameJsonHoldsTheScreenBesideItsOtherKeys() throws IOException {
    JsonNode frame = MAPPER.readTree(run("frame", trace.toString(), "--at", "200ms", "--json").out());

    assertThat(fieldNames(frame)).containsSubsequence(
        "atMs", "durationMs", "active", "finished", "notStarted", "modelCallsFinished", "tokens", "output", "warnings");
    assertThat(frame.get("atMs").asDouble()).isEqualTo(200.0);
    assertThat(fieldNames(frame.get("screen"))).containsExactly("columns", "rows", "cursor", "alternate_screen", "title", "lines");
    assertThat(frame.at("/screen/lines/0").asText()).isEqualTo("hello green");
    assertThat(frame.at("/screen/lines/1").asText()).isEqualTo("line 2");

    JsonNode noOutput = MAPPER.readTree(run("frame", seedCell().toString(), "--at", "1s", "--json").out());
    assertThat(noOutput.has("screen")).isTrue();
    assertThat(noOutput.get("screen").isNull()).isTrue();
  }

  @Test
  void aTraceWithoutOutputPrintsNothingAndSaysSo() throws IOException {
    Path seed = seedCell();
    for (List<String> format : List.of(List.<String>of(), List.of("--json"), List.of("--ansi"))) {
      List<String> args = new ArrayList<>(List.of("screen", seed.toString(), "--at", "1s"));
      args.addAll(format);
      Result result = run(args.toArray(String[]::new));
      assertThat(result.exit()).as("%s", format).isZero();
      assertThat(result.out()).as("%s", format).isEmpty();
      assertThat(result.err()).as("%s", format).isEqualTo("cab-trace: no terminal output recorded in " + seed + NL);
    }
  }

  @Test
  void exitCodes() {
    assertThat(run("screen", trace.toString()).exit()).isEqualTo(2);
    assertThat(run("screen", trace.toString()).err()).contains("--at").contains("--span");
    assertThat(run("screen", trace.toString(), "--at", "1s", "--span", "0000000000000003").exit()).isEqualTo(2);
    assertThat(run("screen", trace.toString(), "--at", "1s", "--ansi", "--json").exit()).isEqualTo(2);
    Result badTime = run("screen", trace.toString(), "--at", "soon");
    assertThat(badTime.exit()).isEqualTo(2);
    assertThat(badTime.err()).contains("not a duration: \"soon\"");
    Result noSpan = run("screen", trace.toString(), "--span", "00000000000000ff");
    assertThat(noSpan.exit()).isEqualTo(2);
    assertThat(noSpan.err().strip()).isEqualTo("cab-trace: no span with id 00000000000000ff in " + trace);
    Result missing = run("screen", dir.resolve("nope.jsonl").toString(), "--at", "1s");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().strip()).isEqualTo("cab-trace: cannot read " + dir.resolve("nope.jsonl") + ": no such file");
    Result help = run("screen", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("Usage: cab-trace screen").contains("--from").contains("--strict").contains("--verbose");
    assertThat(run("frame", trace.toString()).exit()).isEqualTo(2);
  }

  @Test
  void nothingFromTheRecordingReachesTheTerminalAsAControl() {
    for (String at : List.of("0.5s", "1.5s")) {
      for (List<String> command : List.of(
          List.of("screen", trace.toString(), "--at", at),
          List.of("screen", trace.toString(), "--at", at, "--ansi"),
          List.of("screen", trace.toString(), "--at", at, "--json"),
          List.of("frame", trace.toString(), "--at", at))) {
        Result result = run(command.toArray(String[]::new));
        assertThat(result.exit()).as("%s", command).isZero();
        assertThat(FOREIGN_ESCAPE.matcher(result.out()).find()).as("%s: %s", command, result.out()).isFalse();
        assertThat(result.out().chars()).as("%s", command)
            .noneMatch(c -> (c < 0x20 && c != 0x1b && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f));
      }
    }
  }

  @Test
  void castWritesTheRecordedSizeInItsHeader() throws IOException {
    Result cast = run("cast", trace.toString());

    assertThat(cast.exit()).isZero();
    JsonNode header = MAPPER.readTree(cast.out().lines().findFirst().orElseThrow());
    assertThat(header.get("width").asInt()).isEqualTo(20);
    assertThat(header.get("height").asInt()).isEqualTo(5);
    assertThat(cast.out().lines().count()).isEqualTo(4);
  }

  @Test
  void castOfASpanWithoutOutputSaysThatSpanHasNoneNotTheFile() throws IOException {
    String toolCall = String.format("%016x", 3);
    Result cast = run("cast", trace.toString(), "--span", toolCall);

    assertThat(cast.exit()).isZero();
    assertThat(cast.out().lines()).hasSize(1); // the header
    assertThat(cast.err()).isEqualTo("cab-trace: span " + toolCall + " (bash) holds no recorded terminal output; other"
        + " spans of " + trace + " do" + NL);
    assertThat(run("cast", trace.toString(), "--span", String.format("%016x", 2)).err()).isEmpty();
  }

  @Test
  void anOutputChunkMarkedBase64ThatIsNotIsShownAsTextWithAWarning() throws IOException {
    ArrayNode events = MAPPER.createArrayNode();
    events.add(output(100, "before\r\n", false));
    events.add(output(200, "not*base64", true));
    ObjectNode container = span(2, 0, "openhands:run", "container", 1, 2000);
    container.set("events", events);
    ObjectNode line = MAPPER.createObjectNode();
    ObjectNode resourceSpans = line.putArray("resourceSpans").addObject();
    resourceSpans.putObject("resource").putArray("attributes");
    resourceSpans.putArray("scopeSpans").addObject().putArray("spans").add(container);
    Path bad = Files.writeString(dir.resolve("bad.jsonl"), MAPPER.writeValueAsString(line) + "\n");

    Result screen = run("screen", bad.toString(), "--at", "1s");
    assertThat(screen.exit()).as(screen.err()).isZero();
    assertThat(screen.out()).contains("before").contains("not*base64");
    Result cast = run("cast", bad.toString());
    assertThat(cast.exit()).as(cast.err()).isZero();
    List<String> data = new ArrayList<>();
    for (String event : cast.out().lines().skip(1).toList()) {
      data.add(MAPPER.readTree(event).get(2).asText());
    }
    assertThat(data).containsExactly("before\r\n", "not*base64");
    Result frame = run("frame", bad.toString(), "--at", "1s", "--json");
    assertThat(frame.exit()).as(frame.err()).isZero();
    assertThat(MAPPER.readTree(frame.out()).get("warnings").toString())
        .contains("1 output chunk(s) marked base64 are not base64 and are shown as text (the first on span 0000000000000002)");
  }

  @Test
  void castKeepsACharacterSplitBetweenChunksWholeAndTheSizeTheScreenHas() throws IOException {
    byte[] text = "caf\u00e9 \u4e2d\r\n".getBytes(StandardCharsets.UTF_8);
    ArrayNode events = MAPPER.createArrayNode();
    // Cut inside é (2 bytes) and inside 中 (3 bytes): no chunk is UTF-8 on its own but the last.
    int[] cuts = {0, 4, 8, text.length};
    for (int c = 0; c + 1 < cuts.length; c++) {
      byte[] piece = java.util.Arrays.copyOfRange(text, cuts[c], cuts[c + 1]);
      events.add(output(100 + c, Base64.getEncoder().encodeToString(piece), true));
    }
    // The size is on the container, as text (Zipkin keeps every tag so); the output on a child span.
    ObjectNode container = span(2, 0, "openhands:run", "container", 1, 2000);
    ((ArrayNode) container.get("attributes")).add(attribute("cab.terminal.columns", MAPPER.createObjectNode().put("stringValue", "30")));
    ((ArrayNode) container.get("attributes")).add(attribute("cab.terminal.rows", MAPPER.createObjectNode().put("stringValue", "4")));
    ObjectNode tool = span(3, 2, "bash", "tool_call", 50, 1500);
    tool.set("events", events);
    ObjectNode line = MAPPER.createObjectNode();
    ObjectNode resourceSpans = line.putArray("resourceSpans").addObject();
    resourceSpans.putObject("resource").putArray("attributes");
    resourceSpans.putArray("scopeSpans").addObject().putArray("spans").add(container).add(tool);
    Path split = Files.writeString(dir.resolve("split.jsonl"), MAPPER.writeValueAsString(line) + "\n");

    Result cast = run("cast", split.toString());
    assertThat(cast.exit()).as(cast.err()).isZero();
    List<String> lines = cast.out().lines().toList();
    StringBuilder played = new StringBuilder();
    for (String event : lines.subList(1, lines.size())) {
      played.append(MAPPER.readTree(event).get(2).asText());
    }
    assertThat(played.toString()).isEqualTo("caf\u00e9 \u4e2d\r\n");
    JsonNode screen = MAPPER.readTree(run("screen", split.toString(), "--at", "1s", "--json").out());
    JsonNode header = MAPPER.readTree(lines.get(0));
    assertThat(header.get("width").asInt()).isEqualTo(screen.get("columns").asInt()).isEqualTo(30);
    assertThat(header.get("height").asInt()).isEqualTo(screen.get("rows").asInt()).isEqualTo(4);
  }

  @Test
  void castDecodesTheStreamsAsTheScreenDoesWhereACharacterIsSplitBetweenThemOrIsNotUtf8() throws IOException {
    // stdout and stderr reach one terminal: a character cut by the other stream's chunk is broken
    // there, and an encoded surrogate is three bad bytes; cast must show what screen shows.
    byte[][] pieces = {{'x', (byte) 0xe2, (byte) 0x82}, {'E', '\n'}, {(byte) 0xac, ' ', 'y', '\n'},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80, 'z', '\n'}};
    String[] streams = {"stdout", "stderr", "stdout", "stdout"};
    ArrayNode events = MAPPER.createArrayNode();
    for (int c = 0; c < pieces.length; c++) {
      ObjectNode event = output(100 + c, Base64.getEncoder().encodeToString(pieces[c]), true);
      ((ObjectNode) event.get("attributes").get(0).get("value")).put("stringValue", streams[c]);
      events.add(event);
    }
    ObjectNode tool = span(3, 0, "bash", "tool_call", 50, 1500);
    tool.set("events", events);
    ObjectNode line = MAPPER.createObjectNode();
    ObjectNode resourceSpans = line.putArray("resourceSpans").addObject();
    resourceSpans.putObject("resource").putArray("attributes");
    resourceSpans.putArray("scopeSpans").addObject().putArray("spans").add(tool);
    Path mixed = Files.writeString(dir.resolve("mixed.jsonl"), MAPPER.writeValueAsString(line) + "\n");

    Result cast = run("cast", mixed.toString());
    assertThat(cast.exit()).as(cast.err()).isZero();
    List<String> lines = cast.out().lines().toList();
    StringBuilder played = new StringBuilder();
    for (String event : lines.subList(1, lines.size())) {
      played.append(MAPPER.readTree(event).get(2).asText());
    }
    List<String> screenLines = new ArrayList<>();
    MAPPER.readTree(run("screen", mixed.toString(), "--at", "1s", "--json").out()).get("lines")
        .forEach(l -> screenLines.add(l.asText()));
    assertThat(played.toString()).isEqualTo("x\uFFFDE\r\n\uFFFD y\r\n\uFFFD\uFFFD\uFFFDz\r\n");
    assertThat(screenLines.subList(0, 3)).containsExactly("x\uFFFDE", "\uFFFD y", "\uFFFD\uFFFD\uFFFDz");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
