package dev.cabtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class ExampleCellTest {

  @TempDir Path dir;

  @Test
  void capturesTheFiveSpansOfACellWithTheirParentageAndAttributes() throws IOException {
    Path out = dir.resolve("cell.jsonl");
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    int exit =
        ExampleCell.run(
            new PrintStream(console, true, StandardCharsets.UTF_8),
            "--out", out.toString(), "--tui", "openhands", "--task", "polyglot/rust-error-handling",
            "--", "sh", "-c", "echo hello > out.txt; test -f TASK.md");

    assertThat(exit).isZero();
    List<Span> spans = readSpans(out);
    Map<String, Span> byKind =
        spans.stream().collect(Collectors.toMap(ExampleCellTest::kind, Function.identity()));
    assertThat(byKind).containsOnlyKeys("task_setup", "tool_call", "container", "adapter_run", "cleanup");
    Span setup = byKind.get("task_setup");
    Span tool = byKind.get("tool_call");
    Span container = byKind.get("container");
    Span run = byKind.get("adapter_run");
    Span cleanup = byKind.get("cleanup");

    assertThat(spans).extracting(Span::getTraceId).containsOnly(run.getTraceId());
    assertThat(tool.getParentSpanId()).isEqualTo(run.getSpanId());
    assertThat(container.getParentSpanId()).isEqualTo(run.getSpanId());
    assertThat(run.getParentSpanId().isEmpty()).isTrue();
    assertThat(setup.getParentSpanId().isEmpty()).isTrue();
    assertThat(cleanup.getParentSpanId().isEmpty()).isTrue();

    assertThat(setup.getName()).isEqualTo("prepare:polyglot/rust-error-handling");
    assertThat(container.getName()).isEqualTo("openhands:run");
    assertThat(attr(container, "container.command_args").getArrayValue().getValuesList())
        .extracting(AnyValue::getStringValue)
        .containsExactly("sh", "-c", "echo hello > out.txt; test -f TASK.md");
    assertThat(attr(container, "process.exit.code").getIntValue()).isZero();
    assertThat(attr(container, "cab.timed_out").getBoolValue()).isFalse();
    assertThat(attr(run, "gen_ai.agent.name").getStringValue()).isEqualTo("openhands");
    assertThat(attr(run, "process.exit.code").getIntValue()).isZero();
    assertThat(attr(tool, "gen_ai.tool.name").getStringValue()).isEqualTo("applied_plugins");
    assertThat(attr(setup, "plugin_stack").getArrayValue().getValuesCount()).isZero();
    Path workdir = Path.of(attr(setup, "workdir").getStringValue());
    assertThat(workdir).doesNotExist();

    // The phases follow one another: setup, then the run around the container, then cleanup.
    assertThat(setup.getEndTimeUnixNano()).isLessThanOrEqualTo(run.getStartTimeUnixNano());
    assertThat(container.getStartTimeUnixNano()).isGreaterThanOrEqualTo(run.getStartTimeUnixNano());
    assertThat(container.getEndTimeUnixNano()).isLessThanOrEqualTo(run.getEndTimeUnixNano());
    assertThat(run.getEndTimeUnixNano()).isLessThanOrEqualTo(cleanup.getStartTimeUnixNano());
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("captured 5 spans");
  }

  @Test
  void recordsTheSubprocessOutputAsTimedEventsOnTheContainerSpan() throws IOException {
    Path out = dir.resolve("cell.jsonl");
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    ExampleCell.run(
        new PrintStream(console, true, StandardCharsets.UTF_8),
        "--out", out.toString(),
        "--", "sh", "-c", "echo one; echo two >&2; echo three");

    Span container =
        readSpans(out).stream().filter(s -> kind(s).equals("container")).findFirst().orElseThrow();
    List<Span.Event> events =
        container.getEventsList().stream().filter(e -> e.getName().equals("cab.output")).toList();
    // Two pipes read by two threads: the order between them is the scheduler's, the order within
    // each stream is the command's. Each stream's chunks, joined, are what the command wrote there.
    assertThat(streamText(events, "stdout")).isEqualTo("one\nthree\n");
    assertThat(streamText(events, "stderr")).isEqualTo("two\n");
    assertThat(events).extracting(e -> eventAttr(e, "cab.output.stream").getStringValue())
        .containsOnly("stdout", "stderr");
    for (String stream : List.of("stdout", "stderr")) {
      long previous = container.getStartTimeUnixNano();
      for (Span.Event event : events) {
        if (eventAttr(event, "cab.output.stream").getStringValue().equals(stream)) {
          assertThat(event.getTimeUnixNano()).isBetween(previous, container.getEndTimeUnixNano());
          previous = event.getTimeUnixNano();
        }
      }
    }
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("one\nthree\n");
  }

  private static String streamText(List<Span.Event> events, String stream) {
    return events.stream()
        .filter(e -> eventAttr(e, "cab.output.stream").getStringValue().equals(stream))
        .map(e -> eventAttr(e, "cab.output.data").getStringValue())
        .collect(Collectors.joining());
  }

  private static AnyValue eventAttr(Span.Event event, String key) {
    return event.getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(KeyValue::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError(event.getName() + " has no attribute " + key));
  }

  @Test
  void aCommandPastItsTimeoutIsKilledAndMarkedTimedOut() throws IOException {
    Path out = dir.resolve("cell.jsonl");

    int exit =
        ExampleCell.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            "--out", out.toString(), "--timeout", "1", "--", "sh", "-c", "sleep 60; echo never");

    assertThat(exit).isZero();
    Span container =
        readSpans(out).stream().filter(s -> kind(s).equals("container")).findFirst().orElseThrow();
    assertThat(attr(container, "cab.timed_out").getBoolValue()).isTrue();
    assertThat(attr(container, "process.exit.code").getIntValue()).isNotZero();
    assertThat(container.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    // Ended by the 1 s timeout, not by the command: its "sleep 60" never finished.
    long durationMs = (container.getEndTimeUnixNano() - container.getStartTimeUnixNano()) / 1_000_000;
    assertThat(durationMs).isBetween(1_000L, 59_999L);
    assertThat(container.getEventsList()).flatExtracting(Span.Event::getAttributesList)
        .extracting(kv -> kv.getValue().getStringValue()).doesNotContain("never\n");
  }

  @Test
  void aCommandThatCannotStartIsAnErrorSpanAndExits127WithTheReason() throws IOException {
    Path out = dir.resolve("cell.jsonl");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = ExampleCell.run(stream(console), stream(err), "--out", out.toString(), "--", "/nonexistent/agent-cli");

    // As cab-trace record exits, and a shell: the command was not found.
    assertThat(exit).isEqualTo(127);
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("cab-trace-examples: could not run /nonexistent/agent-cli: ")
        .contains("No such file or directory"));
    assertThat(console.toString(StandardCharsets.UTF_8)).contains(": not started; captured 5 spans")
        .doesNotContain("exit code -1");
    Span container =
        readSpans(out).stream().filter(s -> kind(s).equals("container")).findFirst().orElseThrow();
    assertThat(container.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(container.getEventsList()).extracting(Span.Event::getName).contains("exception");
  }

  @ParameterizedTest(name = "--timeout {0}")
  @ValueSource(strings = {"0", "-1"})
  void aTimeoutUnderASecondIsAUsageErrorInOneLineBeforeAnythingRuns(String timeout) {
    Path out = dir.resolve("cell.jsonl");
    Path ran = dir.resolve("ran");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = ExampleCell.run(stream(new ByteArrayOutputStream()), stream(err),
        "--out", out.toString(), "--timeout", timeout, "--", "touch", ran.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("cab-trace-examples: --timeout must be at least 1 second" + System.lineSeparator());
    assertThat(ran).doesNotExist();
    assertThat(out).doesNotExist();
  }

  @Test
  void anOutThatIsADirectoryIsRefusedBeforeTheCommandRuns() throws IOException {
    Path out = Files.createDirectory(dir.resolve("adir"));
    Path ran = dir.resolve("ran");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = ExampleCell.run(stream(new ByteArrayOutputStream()), stream(err),
        "--out", out.toString(), "--", "touch", ran.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("cab-trace-examples: --out " + out + " is a directory, not a capture file" + System.lineSeparator());
    assertThat(ran).doesNotExist();
    assertThat(dir.resolve("adir.journal")).doesNotExist();
  }

  @Test
  void anOutThatHoldsACaptureAlreadyIsAppendedToWithAWarning() throws IOException {
    Path out = dir.resolve("cell.jsonl");
    assertThat(ExampleCell.run(stream(new ByteArrayOutputStream()), stream(new ByteArrayOutputStream()),
        "--out", out.toString(), "--", "true")).isZero();
    long firstSize = Files.size(out);
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = ExampleCell.run(stream(new ByteArrayOutputStream()), stream(err), "--out", out.toString(), "--", "true");

    assertThat(exit).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().isEqualTo("cab-trace-examples: warning: "
        + out + " already holds a capture (" + firstSize + " bytes); this run's spans are appended to it, as a re-run's"
        + " after a crash (give another --out for a cell of its own)");
    assertThat(readSpans(out)).hasSize(10);
  }

  private static PrintStream stream(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  /** Parses every line with the official OTLP protobuf JSON parser: each must be a TracesData. */
  private static List<Span> readSpans(Path file) throws IOException {
    List<Span> spans = new ArrayList<>();
    Set<com.google.protobuf.ByteString> ids = new HashSet<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      TracesData.Builder data = TracesData.newBuilder();
      JsonFormat.parser().merge(line, data);
      for (ResourceSpans resourceSpans : data.getResourceSpansList()) {
        assertThat(resourceSpans.getResource().getAttributesList())
            .extracting(KeyValue::getKey)
            .contains("cab.cell_id", "cab.tui", "cab.model", "cab.task_id", "service.name");
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          for (Span span : scopeSpans.getSpansList()) {
            // The protobuf JSON parser reads the hex ids of OTLP JSON as base64: compare, don't decode.
            assertThat(ids.add(span.getSpanId())).isTrue();
            spans.add(span);
          }
        }
      }
    }
    return spans;
  }

  private static String kind(Span span) {
    return attr(span, "cab.span.kind").getStringValue();
  }

  private static AnyValue attr(Span span, String key) {
    return span.getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(KeyValue::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError(span.getName() + " has no attribute " + key));
  }
}
