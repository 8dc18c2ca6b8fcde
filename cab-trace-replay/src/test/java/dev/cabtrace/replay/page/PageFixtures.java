package dev.cabtrace.replay.page;

import dev.cabtrace.replay.ledger.OtlpLines;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.SpanEvent;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Traces for the page tests: the seed cell, and cells built span by span. */
final class PageFixtures {

  static final String SEED = "/dev/cabtrace/replay/read/seed-cell.otlp.jsonl";
  static final long T0 = 1_781_680_663_106_812_000L;
  static final long MS = 1_000_000L;

  /** Names and values that would run script if they were ever parsed as HTML. */
  static final String IMG = "<img src=x onerror=window.__pwned=1>";
  static final String CLOSE_SCRIPT = "</script><script>window.__pwned=1</script>";
  static final String COMMENT = "<!--<script>window.__pwned=1</script>";

  private PageFixtures() {}

  static Timeline seed() {
    try (InputStream in = PageFixtures.class.getResourceAsStream(SEED)) {
      return TraceReader.create().read(in, "seed-cell.otlp.jsonl");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path copySeed(Path dir, String name) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    try (InputStream in = PageFixtures.class.getResourceAsStream(SEED)) {
      Files.copy(in, file);
    }
    return file;
  }

  static Map<String, Object> resource(String tui, String model, String task) {
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("cab.cell_id", "sweep-1/" + tui + "/" + model + "/" + task);
    resource.put("cab.sweep_id", "sweep-1");
    resource.put("cab.tui", tui);
    resource.put("cab.model", model);
    resource.put("cab.task_id", task);
    return resource;
  }

  static TimelineSpan.Builder span(Map<String, Object> resource, long id, long parent, String kind, String name,
      long startMs, long endMs) {
    return TimelineSpan.builder()
        .setTraceId(0x1234L, 0x5678L)
        .setSpanId(id)
        .setParentSpanId(parent)
        .setName(name)
        .setStartEpochNanos(T0 + startMs * MS)
        .setEndEpochNanos(T0 + endMs * MS)
        .setResource(resource)
        .putAttribute("cab.span.kind", kind);
  }

  static SpanEvent output(long atMs, String stream, String data) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("cab.output.stream", stream);
    attributes.put("cab.output.data", data);
    return new SpanEvent(T0 + atMs * MS, "cab.output", attributes);
  }

  /** A cell whose every string is hostile: names, attributes, identity, status and output. */
  static Timeline hostile() {
    Map<String, Object> resource = resource(IMG, CLOSE_SCRIPT, COMMENT + "/task");
    resource.put("cab.cell_id", IMG + "\u2028" + CLOSE_SCRIPT);
    TimelineBuilder builder = new TimelineBuilder(IMG + ".jsonl");
    builder.add(span(resource, 1, 0, "adapter_run", IMG, 0, 3000).putAttribute("cab.pass", true), 1);
    builder.add(span(resource, 2, 1, "container", CLOSE_SCRIPT, 10, 2900)
        .putAttribute("container.image.name", IMG)
        .putAttribute("command", List.of(CLOSE_SCRIPT, "\u2029", "a&b"))
        .putAttribute(CLOSE_SCRIPT, IMG)
        .setStatus(SpanStatus.ERROR, COMMENT)
        .addEvent(output(100, "stdout", IMG + "\n" + CLOSE_SCRIPT + "\n")), 2);
    builder.add(span(resource, 3, 2, "tool_call", COMMENT, 20, 30), 3);
    builder.add(span(resource, 4, 2, "model_call", "chat " + IMG, 40, 900)
        .putAttribute("gen_ai.request.model", CLOSE_SCRIPT)
        .putAttribute("gen_ai.usage.input_tokens", 10L)
        .putAttribute("gen_ai.usage.output_tokens", 5L)
        .putAttribute("gen_ai.response.finish_reasons", List.of(IMG))
        .putAttribute("cab.request_hash", CLOSE_SCRIPT), 4);
    return builder.build();
  }

  /**
   * A cell with model calls and terminal output: task_setup, adapter_run over container (three
   * model calls, stdout with colour) and a tool call, cleanup.
   */
  static Timeline withModelCalls() {
    Map<String, Object> resource = resource("openhands", "qwen/qwen3-next-80b-a3b-instruct", "polyglot/rust-error-handling");
    resource.put("cab.task_category", "polyglot");
    TimelineBuilder builder = new TimelineBuilder("cell.jsonl");
    builder.add(span(resource, 1, 0, "task_setup", "prepare:polyglot/rust-error-handling", 0, 1)
        .putAttribute("workdir", "/tmp/w").putAttribute("plugin_stack", List.of()), 1);
    builder.add(span(resource, 2, 0, "adapter_run", "openhands:polyglot/rust-error-handling", 2, 8_000)
        .putAttribute("gen_ai.agent.name", "openhands")
        .putAttribute("process.exit.code", 0L)
        .putAttribute("cab.pass", true), 2);
    builder.add(span(resource, 3, 2, "tool_call", "applied_plugins", 3, 3), 3);
    builder.add(span(resource, 4, 2, "container", "openhands:run", 5, 7_990)
        .putAttribute("container.image.name", "codingagentbench/openhands:1.7.0")
        .putAttribute("container.image.id", "sha256:7fcaf222644a5cb0afffe018f038d270130b5af3b8af366cd960f2d596a4342c")
        .putAttribute("process.exit.code", 0L)
        .putAttribute("cab.terminal.columns", 40L)
        .putAttribute("cab.terminal.rows", 6L)
        .addEvent(output(120, "stdout", "running 5 tests\n"))
        .addEvent(output(150, "stdout", "test tests::empty ... \u001b[32mok\u001b[0m\n"))
        .addEvent(output(2_300, "stderr", "warning: unused\n"))
        .addEvent(output(7_000, "stdout", "test result: \u001b[1;32mok\u001b[0m. 5 passed\n")), 4);
    long[][] calls = {{100, 1_900}, {2_000, 4_150}, {4_200, 7_100}};
    long[][] tokens = {{5210, 388}, {3022, 71}, {3022, 49}};
    for (int i = 0; i < calls.length; i++) {
      builder.add(span(resource, 10 + i, 4, "model_call", "chat qwen/qwen3-next-80b-a3b-instruct", calls[i][0], calls[i][1])
          .setSpanKind("CLIENT")
          .putAttribute("gen_ai.operation.name", "chat")
          .putAttribute("gen_ai.provider.name", "openai")
          .putAttribute("gen_ai.request.model", "qwen/qwen3-next-80b-a3b-instruct")
          .putAttribute("gen_ai.usage.input_tokens", tokens[i][0])
          .putAttribute("gen_ai.usage.output_tokens", tokens[i][1])
          .putAttribute("gen_ai.response.finish_reasons", List.of("stop"))
          .putAttribute("cab.request_hash", "9f2c4e" + i + "0a7d1b3c5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9"), 10 + i);
    }
    builder.add(span(resource, 20, 0, "cleanup", "cleanup:openhands", 8_001, 8_002), 20);
    return builder.build();
  }

  /**
   * Cells whose verdict a reading of {@code cab.pass} other than the ledger's gets wrong: a name,
   * the capture as OTLP JSON Lines, and the verdict {@code score} gives (null: none).
   */
  static Stream<Arguments> verdicts() {
    return Stream.of(
        Arguments.of("a passing run, then a failing one: the cell failed",
            verdictCell(OtlpLines.bool("cab.pass", true), OtlpLines.bool("cab.pass", false)), false),
        Arguments.of("cab.pass as the integer 1", verdictCell(OtlpLines.integer("cab.pass", 1)), true),
        Arguments.of("cab.pass as the text False, as Zipkin and Jaeger carry it",
            verdictCell(OtlpLines.str("cab.pass", "False")), false),
        Arguments.of("no cab.pass", verdictCell(OtlpLines.str("other", "x")), null));
  }

  /** A cell of one adapter_run span a second for each of {@code verdicts}, one after the other. */
  private static String verdictCell(String... verdicts) {
    OtlpLines cell = OtlpLines.cell("4bf92f3577b34da6a3ce929d0e0e4736", "aider", "m");
    for (int i = 0; i < verdicts.length; i++) {
      cell.span(10 + i, 0, "run" + i, "adapter_run", T0 + i * 1_000 * MS, T0 + (i + 1) * 1_000 * MS, verdicts[i]);
    }
    return cell.text();
  }

  /** The JSON embedded in {@code html}'s data element. */
  static String embeddedData(String html) {
    String open = "<script type=\"application/json\" id=\"cell-data\">";
    int from = html.indexOf(open);
    int to = html.indexOf("</script>", from);
    return html.substring(from + open.length(), to);
  }

  /** The page's inline script, exactly as embedded. */
  static String embeddedScript(String html) {
    int data = html.indexOf("id=\"cell-data\">");
    int from = html.indexOf("<script>", data) + "<script>".length();
    return html.substring(from, html.indexOf("</script>", from));
  }

  static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
