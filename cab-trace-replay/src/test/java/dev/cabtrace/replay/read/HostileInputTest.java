package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.TraceReaderTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class HostileInputTest {

  private static final String TRACE = "8293433263b72503f683e7696220d242";

  @TempDir Path dir;

  /** One OTLP line holding one span. */
  static String line(String spanId, String parentId, String name, long start, long end) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},\"spans\":[{"
        + "\"traceId\":\"" + TRACE + "\",\"spanId\":\"" + spanId + "\""
        + (parentId == null ? "" : ",\"parentSpanId\":\"" + parentId + "\"")
        + ",\"name\":\"" + name + "\",\"kind\":1,\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\"" + end
        + "\",\"attributes\":[{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"tool_call\"}}],\"status\":{}}]}]}]}";
  }

  private static List<String> messages(Timeline timeline) {
    return timeline.warnings().stream().map(LoadWarning::toString).toList();
  }

  @Test
  void jaegerAndZipkinTimesPastTheYear2262AreClampedWithAWarning() throws IOException {
    // 9.3e15 µs fits a long, 9.3e18 ns does not; a start near the end plus its duration would wrap.
    String jaeger = "{\"data\":[{\"traceID\":\"" + TRACE + "\",\"spans\":[{\"traceID\":\"" + TRACE
        + "\",\"spanID\":\"0000000000000001\",\"operationName\":\"late\",\"startTime\":9300000000000000,"
        + "\"duration\":5,\"tags\":[]},{\"traceID\":\"" + TRACE + "\",\"spanID\":\"0000000000000002\","
        + "\"operationName\":\"long\",\"startTime\":9000000000000000,\"duration\":300000000000000,\"tags\":[]}]}]}";
    String zipkin = "[{\"traceId\":\"" + TRACE + "\",\"id\":\"0000000000000001\",\"name\":\"late\","
        + "\"timestamp\":9300000000000000,\"duration\":5},{\"traceId\":\"" + TRACE + "\",\"id\":\"0000000000000002\","
        + "\"name\":\"long\",\"timestamp\":9000000000000000,\"duration\":300000000000000}]";
    for (String document : new String[] {jaeger, zipkin}) {
      Timeline timeline = read(document);

      assertThat(timeline.spans()).extracting(TimelineSpan::endEpochNanos).containsOnly(Long.MAX_VALUE);
      assertThat(timeline.spans()).extracting(TimelineSpan::startEpochNanos)
          .containsExactlyInAnyOrder(Long.MAX_VALUE, 9_000_000_000_000_000_000L);
      assertThat(messages(timeline)).anySatisfy(message -> assertThat(message)
          .contains("timestamp 9300000000000000 µs is beyond what can be shown (year 2262); clamped"));
      assertThat(messages(timeline)).noneMatch(message -> message.contains("ends before it starts"));
    }
  }

  @Test
  void elementsOfJaegerAndZipkinListsThatAreNotSpansAreSkippedWithAWarning() throws IOException {
    String jaegerSpan = "{\"traceID\":\"" + TRACE + "\",\"spanID\":\"0000000000000001\",\"operationName\":\"kept\","
        + "\"startTime\":1700000000000000,\"duration\":5,\"tags\":[]}";
    String jaeger = "{\"data\":[7,{\"traceID\":\"" + TRACE + "\",\"spans\":[1,\"x\",[2]," + jaegerSpan + ",null]}]}";
    String zipkin = "[1,\"x\",{\"traceId\":\"" + TRACE + "\",\"id\":\"0000000000000001\",\"name\":\"kept\","
        + "\"timestamp\":1700000000000000,\"duration\":5},true]";

    Timeline fromJaeger = read(jaeger);
    assertThat(fromJaeger.spans()).extracting(TimelineSpan::name).containsExactly("kept");
    assertThat(messages(fromJaeger)).anySatisfy(message -> assertThat(message)
        .endsWith("4 element(s) of a Jaeger trace's spans are not spans and were skipped (the first: element 0, a number)"));
    assertThat(messages(fromJaeger)).anySatisfy(message -> assertThat(message)
        .endsWith("1 element(s) of Jaeger's data are not traces and were skipped (the first: element 0, a number)"));
    Timeline fromZipkin = read(zipkin);
    assertThat(fromZipkin.spans()).extracting(TimelineSpan::name).containsExactly("kept");
    assertThat(messages(fromZipkin)).anySatisfy(message -> assertThat(message)
        .endsWith("3 element(s) of a Zipkin span list are not spans and were skipped (the first: element 0, a number)"));
    // Nothing else in it: the error says why there are no spans.
    Path numbers = Files.writeString(dir.resolve("numbers.json"), "[1, 2]");
    assertThatThrownBy(() -> TraceReader.create().read(numbers)).isInstanceOf(TraceReadException.class)
        .hasMessageStartingWith(numbers + ": no spans found; ")
        .hasMessageEndingWith("2 element(s) of a Zipkin span list are not spans and were skipped (the first: element 0, a number)");
  }

  @Test
  void anEventWithoutATimeIsNamedWithItsLine() throws IOException {
    String content = line("0000000000000001", null, "a", 1000, 2000) + "\n"
        + line("0000000000000002", null, "b", 1500, 2500).replace("\"status\":{}",
            "\"events\":[{\"name\":\"timed\",\"timeUnixNano\":\"1600\"},{\"name\":\"untimed\"}],\"status\":{}") + "\n";
    for (Timeline timeline : List.of(read(content), TraceReader.builder().setByteScanner(false).build()
        .read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "test.jsonl"))) {
      assertThat(timeline.spanNamed("b").events()).extracting(e -> e.name() + "@" + e.epochNanos())
          .containsExactly("timed@1600", "untimed@0");
      assertThat(messages(timeline)).singleElement().asString().startsWith("test.jsonl:2: ")
          .contains("event \"untimed\" has no timeUnixNano");
    }
  }

  @Test
  void aTornLastLineLoadsTheRestWithAWarning() throws IOException {
    String whole = line("0000000000000001", null, "a", 1000, 2000) + "\n";
    String torn = line("0000000000000002", null, "b", 1500, 2500);
    Timeline timeline = read(whole + torn.substring(0, torn.length() / 2));

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("a");
    assertThat(messages(timeline)).singleElement().asString().contains("test.jsonl:2:").contains("torn last line");
  }

  @Test
  void aLineThatIsNotJsonOrNotATraceIsSkippedWithItsLineNumber() throws IOException {
    String content = line("0000000000000001", null, "a", 1000, 2000) + "\n"
        + "Exception in thread main: oops\n"
        + "{\"level\":\"info\",\"msg\":\"not a trace\"}\n"
        + "[1,2,3]\n"
        + line("0000000000000002", null, "b", 1500, 2500) + "\n";
    Timeline timeline = read(content);

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("a", "b");
    assertThat(messages(timeline)).hasSize(3);
    assertThat(messages(timeline).get(0)).startsWith("test.jsonl:2: not JSON");
    assertThat(messages(timeline).get(1)).startsWith("test.jsonl:3: not a trace");
    assertThat(messages(timeline).get(2)).startsWith("test.jsonl:4:");
  }

  @Test
  void strictModeFailsOnTheFirstBadLineNamingIt() {
    String content = line("0000000000000001", null, "a", 1000, 2000) + "\nnot json\n";
    assertThatThrownBy(
            () -> TraceReader.builder().setStrict(true).build()
                .read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "cell.jsonl"))
        .isInstanceOf(TraceReadException.class)
        .hasMessageStartingWith("cell.jsonl:2: not JSON");
  }

  @Test
  void theSameSpanTwiceIsKeptOnce() throws IOException {
    String once = line("0000000000000001", null, "a", 1000, 2000) + "\n";
    Timeline timeline = read(once + once + line("0000000000000002", null, "b", 1500, 2500) + "\n" + once);

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("a", "b");
    assertThat(messages(timeline)).singleElement().asString().contains("2 span(s) appeared more than once");
  }

  @Test
  void aMissingParentMakesARootWithAWarning() throws IOException {
    Timeline timeline = read(line("0000000000000002", "00000000000000ff", "orphan", 1000, 2000) + "\n");

    assertThat(timeline.span(0).parentIndex()).isEqualTo(-1);
    assertThat(timeline.span(0).parentSpanId()).isEqualTo("00000000000000ff");
    assertThat(messages(timeline)).singleElement().asString().contains("parent 00000000000000ff is not in the trace");
  }

  @Test
  void aParentCycleIsBrokenNeverLooped() throws IOException {
    String content = line("0000000000000001", "0000000000000003", "a", 1000, 9000) + "\n"
        + line("0000000000000002", "0000000000000001", "b", 2000, 8000) + "\n"
        + line("0000000000000003", "0000000000000002", "c", 3000, 7000) + "\n"
        + line("0000000000000004", "0000000000000004", "self", 3000, 7000) + "\n";
    Timeline timeline = read(content);

    assertThat(timeline.size()).isEqualTo(4);
    assertThat(timeline.roots()).hasSize(2);
    assertThat(messages(timeline)).anyMatch(m -> m.contains("is its own ancestor"));
    assertThat(messages(timeline)).anyMatch(m -> m.contains("self") && m.contains("not in the trace") || m.contains("own ancestor"));
  }

  @Test
  void aChildOutsideItsParentKeepsItsTimesWithAWarning() throws IOException {
    String content = line("0000000000000001", null, "container", 1000, 5000) + "\n"
        + line("0000000000000002", "0000000000000001", "model", 900, 6000) + "\n";
    Timeline timeline = read(content);

    TimelineSpan model = timeline.spanNamed("model");
    assertThat(model.startEpochNanos()).isEqualTo(900);
    assertThat(model.endEpochNanos()).isEqualTo(6000);
    assertThat(messages(timeline)).singleElement().asString().contains("clock skew");
  }

  @Test
  void anEmptyOrUnreadableFileIsAClearError() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n\n  \n");
    assertThatThrownBy(() -> TraceReader.create().read(empty))
        .isInstanceOf(TraceReadException.class)
        .hasMessage(empty + ": empty file, no spans");
    assertThatThrownBy(() -> TraceReader.create().read(dir.resolve("missing.jsonl")))
        .hasMessage("cannot read " + dir.resolve("missing.jsonl") + ": no such file");
    assertThatThrownBy(() -> TraceReader.create().read(dir))
        .hasMessage("cannot read " + dir + ": it is a directory");
    Path garbage = Files.write(dir.resolve("garbage.bin"), new byte[] {0, (byte) 0xff, 0x13, '\n', 'x'});
    assertThatThrownBy(() -> TraceReader.create().read(garbage))
        .hasMessageStartingWith(garbage + ": no spans found; line 1: ");
  }

  @Test
  void endBeforeStartAndTimestampsFrom1970To2500AreShownNotThrown() throws IOException {
    String content = line("0000000000000001", null, "backwards", 5000, 1000) + "\n"
        + line("0000000000000002", null, "epoch", 0, 1) + "\n"
        + line("0000000000000003", null, "year2500", 1000, 123).replace("\"123\"", "\"16725225600000000000\"") + "\n";
    Timeline timeline = read(content);

    assertThat(timeline.spanNamed("backwards").durationNanos()).isZero();
    assertThat(timeline.spanNamed("year2500").endEpochNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(messages(timeline)).anyMatch(m -> m.contains("ends before it starts"));
    assertThat(messages(timeline)).anyMatch(m -> m.contains("clamped"));
  }

  @Test
  void idsOfTheWrongLengthAreSkippedWithAWarning() throws IOException {
    String content = line("0000000000000001", null, "good", 1000, 2000) + "\n"
        + line("00000000000000000000000000000001", null, "too-long", 1000, 2000) + "\n"
        + line("xyz!", null, "not-hex", 1000, 2000) + "\n";
    Timeline timeline = read(content);

    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("good");
    assertThat(messages(timeline)).hasSize(2).allMatch(m -> m.contains("without a valid span id"));
  }

  @Test
  void deeplyNestedJsonAndHugeStringsAreBounded() throws IOException {
    String nested = "{\"resourceSpans\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    String huge = line("0000000000000002", null, "x".repeat(10 * 1024 * 1024), 1000, 2000);
    Timeline timeline = read(line("0000000000000001", null, "a", 1000, 2000) + "\n" + nested + "\n" + huge + "\n");

    assertThat(timeline.size()).isEqualTo(2);
    assertThat(timeline.span(1).name()).hasSize(10 * 1024 * 1024);
    assertThat(messages(timeline)).singleElement().asString().startsWith("test.jsonl:2: not JSON");
  }

  @Test
  void aHundredThousandDeepChainAndAHundredThousandRootsLoadWithoutRecursion() throws IOException {
    StringBuilder chain = new StringBuilder();
    int depth = 100_000;
    for (int i = 1; i <= depth; i++) {
      chain.append(line(String.format("%016x", i), i == 1 ? null : String.format("%016x", i - 1), "s", i, 2L * depth - i)).append('\n');
    }
    for (int i = 1; i <= 100_000; i++) {
      chain.append(line(String.format("%016x", 1_000_000 + i), null, "root", i, i + 1)).append('\n');
    }
    Timeline timeline = read(chain.toString());

    assertThat(timeline.size()).isEqualTo(200_000);
    assertThat(timeline.spans().stream().mapToInt(TimelineSpan::depth).max().orElse(0)).isEqualTo(depth - 1);
    assertThat(timeline.roots()).hasSize(100_001);
    // At offset 50,000: chain spans 1..50,001 are all open, and root 50,001 is running.
    assertThat(timeline.frame(depth / 2).active()).hasSize(depth / 2 + 2);
  }

  @Test
  void aCrashJournalAddsTheSpansThatNeverEnded() throws IOException {
    Path capture = Files.writeString(dir.resolve("cell.jsonl"), line("0000000000000001", null, "task_setup", 1000, 2000) + "\n");
    Files.writeString(dir.resolve("cell.jsonl.journal"),
        "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"9000\",\"pid\":1}}\n"
            + line("0000000000000002", null, "adapter_run", 3000, 0).replace("\"tool_call\"", "\"adapter_run\"") + "\n");
    Timeline timeline = TraceReader.create().read(capture);

    TimelineSpan run = timeline.spanNamed("adapter_run");
    assertThat(run.unfinished()).isTrue();
    assertThat(run.endEpochNanos()).isEqualTo(9000);
    assertThat(messages(timeline)).singleElement().asString().contains("never ended");

    Files.writeString(dir.resolve("cell.jsonl.journal"), "{\"cabJournal\":{\"heartbeatUnixNano\":\"90");
    Timeline tornJournal = TraceReader.create().read(capture);
    assertThat(tornJournal.size()).isEqualTo(1);
    assertThat(messages(tornJournal)).singleElement().asString().contains("journal");
  }

  @Test
  void aCellKilledBeforeItsFirstSpanEndedIsReadFromItsJournalBesideAnEmptyCapture() throws IOException {
    Path capture = Files.createFile(dir.resolve("cell.jsonl"));
    Files.writeString(dir.resolve("cell.jsonl.journal"),
        "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"9000\",\"pid\":1}}\n"
            + line("0000000000000002", null, "adapter_run", 3000, 0).replace("\"tool_call\"", "\"adapter_run\"") + "\n");
    Timeline timeline = TraceReader.create().read(capture);

    assertThat(timeline.spanNamed("adapter_run").unfinished()).isTrue();
    assertThat(timeline.spanNamed("adapter_run").endEpochNanos()).isEqualTo(9000);
    List<TimelineSpan> streamed = new ArrayList<>();
    TraceReader.create().stream(capture, streamed::add);
    assertThat(streamed).extracting(TimelineSpan::name).containsExactly("adapter_run");
  }

  @Test
  void aCrashJournalNamedItselfIsReadAsItsCellNotAsACapture() throws IOException {
    Path capture = Files.writeString(dir.resolve("killed.jsonl"), line("0000000000000001", null, "setup", 1000, 2000) + "\n");
    Path journal = Files.writeString(dir.resolve("killed.jsonl.journal"),
        "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"9000\",\"pid\":1}}\n"
            + line("0000000000000002", null, "adapter_run", 3000, 0).replace("\"tool_call\"", "\"adapter_run\"") + "\n");

    Timeline named = TraceReader.create().read(journal);
    assertThat(named.spans()).extracting(TimelineSpan::name).containsExactlyInAnyOrder("setup", "adapter_run");
    assertThat(named.spanNamed("adapter_run").unfinished()).isTrue();
    assertThat(named.spanNamed("adapter_run").endEpochNanos()).isEqualTo(9000);
    List<TimelineSpan> streamed = new ArrayList<>();
    TraceReader.create().stream(journal, streamed::add);
    assertThat(streamed).extracting(TimelineSpan::name).containsExactlyInAnyOrder("setup", "adapter_run");

    Files.delete(capture);
    Timeline alone = TraceReader.create().read(journal);
    assertThat(alone.spans()).extracting(TimelineSpan::name).containsExactly("adapter_run");
    assertThat(alone.spanNamed("adapter_run").unfinished()).isTrue();
  }

  @Test
  void parsingOnSeveralThreadsGivesWhatOneThreadGives() throws IOException {
    StringBuilder content = new StringBuilder();
    for (int i = 1; i <= 30_000; i++) {
      content.append(line(String.format("%016x", i), i > 1 && i % 3 != 0 ? String.format("%016x", i / 2) : null, "s" + (i % 7), i, i + 100)).append('\n');
      if (i % 4_999 == 0) {
        content.append("garbage on line ").append(i).append('\n');
      }
      if (i % 7_001 == 0) {
        content.append(line(String.format("%016x", i), null, "duplicate", i, i + 1)).append('\n');
      }
    }
    Path file = Files.writeString(dir.resolve("big.jsonl"), content.toString());

    Timeline one = TraceReader.builder().setParallelism(1).build().read(file);
    Timeline four = TraceReader.builder().setParallelism(4).build().read(file);

    assertThat(four.size()).isEqualTo(one.size()).isEqualTo(30_000);
    assertThat(messages(four)).isEqualTo(messages(one));
    assertThat(messages(one)).filteredOn(m -> m.contains("not JSON")).hasSize(6);
    assertThat(messages(one)).filteredOn(m -> m.contains("appears again at line")).hasSize(4);
    for (int i = 0; i < one.size(); i += 997) {
      assertThat(four.span(i).spanId()).isEqualTo(one.span(i).spanId());
      assertThat(four.span(i).parentIndex()).isEqualTo(one.span(i).parentIndex());
      assertThat(four.span(i).name()).isEqualTo(one.span(i).name());
    }
    assertThatThrownBy(() -> TraceReader.builder().setParallelism(4).setStrict(true).build().read(file))
        .hasMessage(file + ":5000: not JSON (Unrecognized token 'garbage': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false'))");
  }

  /** {@link #line} with {@code attribute} (one OTLP key-value) in place of its only attribute. */
  private static String lineWithAttribute(String spanId, String name, String attribute) {
    return line(spanId, null, name, 1000, 2000)
        .replace("{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"tool_call\"}}", attribute);
  }

  @Test
  void anIntegerBeyond64BitsInAResourceIsKeptAsTextWithAWarning() throws IOException {
    String content = line("0000000000000001", null, "a", 1000, 2000) + "\n"
        + line("0000000000000002", null, "b", 1500, 2500).replace("\"resource\":{\"attributes\":[]}",
            "\"resource\":{\"attributes\":[{\"key\":\"pid\",\"value\":{\"intValue\":99999999999999999999}}]}") + "\n";
    for (Timeline timeline : List.of(read(content), TraceReader.create().read(Files.writeString(dir.resolve("r.jsonl"), content)))) {
      assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("a", "b");
      assertThat(timeline.spanNamed("b").resource()).containsEntry("pid", "99999999999999999999");
      assertThat(messages(timeline)).singleElement().asString().contains(":2: ").contains("pid")
          .contains("99999999999999999999 does not fit a 64-bit integer; kept as text");
    }
  }

  @Test
  void anIntegerBeyond64BitsInASpanAttributeIsKeptAsTextWhenLoaded() throws IOException {
    String content = line("0000000000000001", null, "a", 1000, 2000) + "\n"
        + lineWithAttribute("0000000000000002", "b", "{\"key\":\"big\",\"value\":{\"intValue\":-99999999999999999999}}") + "\n"
        + lineWithAttribute("0000000000000003", "c",
            "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":18446744073709551615}}") + "\n"
        + lineWithAttribute("0000000000000004", "d", "{\"key\":\"quoted\",\"value\":{\"intValue\":\"18446744073709551615\"}}") + "\n"
        + lineWithAttribute("0000000000000005", "e", "{\"key\":\"fits\",\"value\":{\"intValue\":9223372036854775807}}") + "\n";
    Path file = Files.writeString(dir.resolve("s.jsonl"), content);
    for (Timeline timeline : List.of(read(content), TraceReader.create().read(file),
        TraceReader.builder().setByteScanner(false).build().read(file))) {
      assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("a", "b", "c", "d", "e");
      assertThat(timeline.spanNamed("b").attributes()).containsEntry("big", "-99999999999999999999");
      assertThat(timeline.spanNamed("c").attribute("gen_ai.usage.input_tokens")).isEqualTo("18446744073709551615");
      assertThat(timeline.spanNamed("d").attributes()).containsEntry("quoted", "18446744073709551615");
      assertThat(timeline.spanNamed("e").attributes()).containsEntry("fits", Long.MAX_VALUE);
      // Quoted, it is the same integer, and says so as well.
      assertThat(messages(timeline)).hasSize(3);
      assertThat(messages(timeline).get(0)).contains(":2: ").contains("big").contains("does not fit a 64-bit integer");
      assertThat(messages(timeline).get(1)).contains(":3: ").contains("gen_ai.usage.input_tokens");
      assertThat(messages(timeline).get(2)).contains(":4: ")
          .endsWith("attribute quoted: intValue 18446744073709551615 does not fit a 64-bit integer; kept as text");
    }
  }

  @Test
  void objectsAndArraysWhereAValueBelongsAreSkippedWithAWarningAndTheLineReadOn() throws IOException {
    String first = line("0000000000000001", null, "a", 1000, 2000);
    String second = line("0000000000000002", null, "b", 1500, 2500);
    String odd = first.replace("\"name\":\"a\"", "\"name\":{\"v\":\"a\"}")
        .replace("\"kind\":1", "\"kind\":[1,{\"x\":2}]")
        .replace("{\"key\":\"cab.span.kind\"", "7,{\"key\":[\"k\"],\"value\":{}},{\"key\":\"cab.span.kind\"")
        .replace("\"status\":{}", "\"status\":{\"message\":{\"m\":1}}");
    String content = odd.replace(spans(odd), spans(odd) + ",[\"not\",\"a\",\"span\"]," + spans(second)) + "\n"
        + line("0000000000000003", null, "c", 1600, 2600) + "\n";
    for (Timeline timeline : List.of(read(content), TraceReader.builder().setByteScanner(false).build()
        .read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "test.jsonl"))) {
      assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("", "b", "c");
      TimelineSpan a = timeline.spans().get(0);
      assertThat(a.startEpochNanos()).isEqualTo(1000);
      assertThat(a.endEpochNanos()).isEqualTo(2000);
      assertThat(a.attributes()).containsOnlyKeys("cab.span.kind");
      assertThat(timeline.spanNamed("b").endEpochNanos()).isEqualTo(2500);
      assertThat(messages(timeline)).allMatch(m -> m.startsWith("test.jsonl:1: ")).noneMatch(m -> m.contains("skipped line"))
          .anyMatch(m -> m.contains("name"))
          .anyMatch(m -> m.contains("kind"))
          .anyMatch(m -> m.contains("message"))
          .anyMatch(m -> m.contains("key"))
          .anyMatch(m -> m.contains("not an object"));
    }
  }

  /** The span objects of a {@link #line}. */
  private static String spans(String line) {
    return line.substring(line.indexOf("\"spans\":[") + 9, line.lastIndexOf("]}]}]}"));
  }

  @Test
  void aLineThatFailsAfterSomeOfItsSpansSaysTheyAreKept() throws IOException {
    String first = line("0000000000000001", null, "a", 1000, 2000);
    String broken = first.replace("]}]}]}", "]}]},{\"scopeSpans\":x}]}");
    String content = broken + "\n" + line("0000000000000002", null, "b", 1500, 2500) + "\n";
    for (Timeline timeline : List.of(read(content), TraceReader.builder().setByteScanner(false).build()
        .read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "test.jsonl"))) {
      assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("a", "b");
      assertThat(messages(timeline)).singleElement().asString().startsWith("test.jsonl:1: not JSON")
          .endsWith("the rest of the line is skipped; the span before it on the line kept");
    }
  }

  @Test
  void aMissingOrUnreadableTimeIsNamedWithItsLineAndNeverReadAs1970Or2262() throws IOException {
    String content = line("0000000000000001", null, "a", 1000, 2000) + "\n"
        + line("0000000000000002", null, "no-end", 1500, 0).replace(",\"endTimeUnixNano\":\"0\"", "") + "\n"
        + line("0000000000000003", null, "bad-start", 0, 2500).replace("\"startTimeUnixNano\":\"0\"", "\"startTimeUnixNano\":\"abc\"") + "\n"
        + line("0000000000000004", null, "no-times", 0, 0).replace(",\"startTimeUnixNano\":\"0\",\"endTimeUnixNano\":\"0\"", "") + "\n"
        + line("0000000000000005", null, "epoch", 0, 1) + "\n";
    for (Timeline timeline : List.of(read(content), TraceReader.builder().setByteScanner(false).build()
        .read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "test.jsonl"))) {
      assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactlyInAnyOrder("a", "no-end", "bad-start", "epoch");
      TimelineSpan noEnd = timeline.spanNamed("no-end");
      assertThat(noEnd.startEpochNanos()).isEqualTo(1500);
      assertThat(noEnd.endEpochNanos()).isEqualTo(1500);
      assertThat(noEnd.unfinished()).isTrue();
      TimelineSpan badStart = timeline.spanNamed("bad-start");
      assertThat(badStart.startEpochNanos()).isEqualTo(2500);
      assertThat(badStart.endEpochNanos()).isEqualTo(2500);
      // A start of 0 is a protobuf sender's unset time: no time, not 1970.
      assertThat(timeline.spanNamed("epoch").startEpochNanos()).isEqualTo(1);
      assertThat(messages(timeline)).hasSize(4).noneMatch(m -> m.contains("clamped"));
      assertThat(messages(timeline).get(0)).startsWith("test.jsonl:2: ").contains("no endTimeUnixNano").contains("unfinished");
      assertThat(messages(timeline).get(1)).startsWith("test.jsonl:3: ").contains("startTimeUnixNano \"abc\" is not a time")
          .contains("starting at its end");
      assertThat(messages(timeline).get(2)).startsWith("test.jsonl:4: ").contains("no-times").contains("skipped");
      assertThat(messages(timeline).get(3)).startsWith("test.jsonl:5: ").contains("startTimeUnixNano \"0\" is 0, no time");
    }
  }

  @Test
  void aTornFirstLineBeforeWholeOnesIsSkippedAndTheRestReadAsJsonLines() throws IOException {
    String content = "{\"resourceSpans\":[{\"scopeSpans\":[\n"
        + line("0000000000000001", null, "a", 1000, 2000) + "\n"
        + line("0000000000000002", null, "b", 1500, 2500) + "\n";
    Path file = Files.writeString(dir.resolve("torn-first.jsonl"), content);
    for (Timeline timeline : List.of(read(content), TraceReader.builder().setByteScanner(false).build()
        .read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "test.jsonl"),
        TraceReader.builder().setParallelism(2).build().read(file))) {
      assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("a", "b");
      assertThat(messages(timeline)).singleElement().asString().endsWith(":1: incomplete JSON; skipped");
    }
  }

  @Test
  void tornFirstLinesBeforeWholeOnesAreSkippedAndTheRestReadAsJsonLines() throws IOException {
    String a = line("0000000000000001", null, "a", 1000, 2000);
    String content = a.substring(0, 60) + "\n" + a.substring(0, 90) + "\nKilled\n\n" + a.substring(0, 20) + "\n" + a + "\n"
        + line("0000000000000002", null, "b", 1500, 2500) + "\n";
    Path file = Files.writeString(dir.resolve("torn-twice.jsonl"), content);
    for (Timeline timeline : List.of(read(content), TraceReader.builder().setByteScanner(false).build()
        .read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "test.jsonl"),
        TraceReader.builder().setParallelism(2).build().read(file))) {
      assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("a", "b");
      assertThat(timeline.warnings()).extracting(w -> w.line() + ": " + w.message())
          .containsExactly("1: incomplete JSON; skipped", "2: incomplete JSON; skipped",
              "3: not JSON (Unrecognized token 'Killed': was expecting (JSON String, Number, Array, Object or token 'null',"
                  + " 'true' or 'false')); skipped", "5: incomplete JSON; skipped");
    }
  }
}
