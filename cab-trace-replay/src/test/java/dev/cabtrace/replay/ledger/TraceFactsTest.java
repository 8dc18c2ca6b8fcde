package dev.cabtrace.replay.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamed facts of a file against the same facts taken from its timeline. */
class TraceFactsTest {

  @TempDir Path dir;

  private Path fixture(String name) throws IOException {
    Path file = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/dev/cabtrace/replay/read/" + name)) {
      Files.write(file, in.readAllBytes());
    }
    return file;
  }

  private static void assertSameFacts(Path file) throws TraceReadException {
    TraceReader reader = TraceReader.create();
    Timeline timeline = reader.read(file);
    List<TimelineSpan> streamed = new ArrayList<>();
    TraceFacts facts = TraceFacts.read(file, reader, streamed::add);
    TraceFacts expected = TraceFacts.of(timeline);

    assertThat(facts.score()).isEqualTo(CellScore.of(timeline)).isEqualTo(expected.score());
    assertThat(facts.resource()).isEqualTo(timeline.resource());
    assertThat(facts.identity("cab.tui")).isEqualTo(SweepLedger.Builder.identityOf(timeline, "cab.tui"));
    assertThat(facts.identity("cab.model")).isEqualTo(SweepLedger.Builder.identityOf(timeline, "cab.model"));
    assertThat(facts.spans()).isEqualTo(timeline.size());
    assertThat(streamed).extracting(TimelineSpan::spanId)
        .containsExactlyInAnyOrderElementsOf(timeline.spans().stream().map(TimelineSpan::spanId).toList());
    assertThat(facts.source()).isEqualTo(timeline.source());
  }

  @Test
  void theSeedCellAndTheOfficialExportersFileGiveTheFactsOfTheirTimelines() throws IOException {
    assertSameFacts(fixture("seed-cell.otlp.jsonl"));
    assertSameFacts(fixture("aider-cell.official-otlp-stdout-1.63.jsonl"));
    assertThat(TraceFacts.read(fixture("seed-cell.otlp.jsonl"), TraceReader.create()).score().wallClockMs())
        .isEqualTo(85456.275);
  }

  @Test
  void aBackendsAnswerInAnyFormatStreamsToTheFactsOfItsTimeline() throws IOException {
    for (String name : List.of("seed-cell.zipkin.json", "seed-cell.jaeger.json", "seed-cell.tempo-v2.json", "seed-cell.otlp.jsonl")) {
      Timeline timeline = TraceReader.create().read(fixture(name));
      TraceFacts facts;
      try (InputStream in = Files.newInputStream(fixture(name))) {
        facts = TraceFacts.read(in, name, TraceReader.create());
      }
      assertThat(facts.score()).as(name).isEqualTo(CellScore.of(timeline));
      assertThat(facts.spans()).as(name).isEqualTo(timeline.size());
      assertThat(facts.identity("cab.tui")).as(name).isEqualTo(SweepLedger.Builder.identityOf(timeline, "cab.tui"));
      assertThat(facts.source()).isEqualTo(name);
    }
  }

  @Test
  void generatedCellsInAnyOrderWithRepeatsGiveTheFactsOfTheirTimelines() throws IOException {
    Random random = new Random(11);
    for (int cell = 0; cell < 200; cell++) {
      OtlpLines lines = OtlpLines.cell(String.format("%032x", cell + 1), random.nextBoolean() ? "aider" : null, "gpt-5");
      long t0 = 1_781_680_663_000_000_000L;
      lines.span(1, 0, "run", "adapter_run", t0, t0 + 9_000_000, "{\"key\":\"cab.pass\",\"value\":{\"boolValue\":" + random.nextBoolean() + "}}",
          "{\"key\":\"cab.tui\",\"value\":{\"stringValue\":\"span-tui\"}}");
      lines.span(2, 1, "container", "container", t0 + 1_000, t0 + 8_000_000);
      for (int call = 0; call < random.nextInt(5); call++) {
        long start = t0 + 2_000_000 + call * 1_000_000L;
        lines.span(10 + call, 2, "chat", "model_call", start, start + random.nextInt(900_000),
            "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"" + random.nextInt(9000) + "\"}}",
            random.nextInt(6) == 0 ? "{\"key\":\"x\",\"value\":{\"intValue\":\"1\"}}"
                : "{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":" + random.nextInt(900) + "}}");
      }
      List<String> text = new ArrayList<>(List.of(lines.text().split("\n")));
      java.util.Collections.shuffle(text, random);
      if (random.nextBoolean()) {
        text.add(text.get(0)); // a retried export
      }
      Path file = dir.resolve("cell-" + cell + ".jsonl");
      Files.writeString(file, String.join("\n", text) + "\n");
      assertSameFacts(file);
    }
  }

  @Test
  void eachIdentityAttributeComesFromTheEarliestSpanWhoseResourceCarriesIt() throws IOException {
    List<String> lines = List.of(OtlpLines.remoteAgentCell(1_781_680_663_000_000_000L).split("\n"));
    List<String> reversed = new ArrayList<>(lines);
    java.util.Collections.reverse(reversed);
    for (List<String> order : List.of(lines, reversed)) {
      Path file = Files.writeString(dir.resolve("remote.jsonl"), String.join("\n", order) + "\n");

      TraceFacts facts = TraceFacts.read(file, TraceReader.create());
      Timeline timeline = TraceReader.create().read(file);

      assertThat(facts.identity("cab.tui")).isEqualTo("aider");
      assertThat(facts.identity("cab.model")).isEqualTo("m");
      assertThat(facts.resource()).containsEntry("cab.cell_id", "s/aider/m/t")
          .containsEntry("service.name", "remote-agent"); // the earliest span's, which has one
      assertThat(timeline.resource()).isEqualTo(facts.resource());
      assertThat(SweepLedger.Builder.identityOf(timeline, "cab.tui")).isEqualTo("aider");
      assertSameFacts(file);
    }
  }

  @Test
  void eventsDecideWhetherALineIsReadAsTheTimelineReadsThemThoughTheStreamKeepsThoseItChecked() throws IOException {
    // The stream checks the events the bytes take without keeping them; what they are (a shape the bytes
    // take, one for Jackson, one it warns about or fails on) decides the line as it does for a timeline.
    String output = "{\"key\":\"cab.output.data\",\"value\":{\"stringValue\":\"\\u001b[1m ok\\r\\n \\ud83d\\ude00\"}}";
    Map<String, String> events = new java.util.LinkedHashMap<>();
    events.put("usual", "[{\"timeUnixNano\":\"5\",\"name\":\"cab.output\",\"attributes\":[" + output + "]}]");
    events.put("no time", "[{\"name\":\"cab.output\",\"attributes\":[" + output + "]}]");
    events.put("a key twice", "[{\"timeUnixNano\":\"5\",\"name\":\"x\",\"attributes\":[" + output + "," + output + "]}]");
    events.put("an integer", "[{\"timeUnixNano\":\"5\",\"attributes\":[{\"key\":\"n\",\"value\":{\"intValue\":\"3\"}}]}]");
    events.put("a time that is an object", "[{\"timeUnixNano\":{\"a\":1},\"name\":\"x\"}]");
    events.put("a time out of range", "[{\"timeUnixNano\":\"99999999999999999999999\",\"name\":\"x\"}]");
    events.put("a bad escape", "[{\"timeUnixNano\":\"5\",\"name\":\"x\\q\"}]");
    String model = "{\"key\":\"cab.span.kind\",\"value\":{\"stringValue\":\"model_call\"}},"
        + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"700\"}}";
    for (Map.Entry<String, String> entry : events.entrySet()) {
      String line = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
          + "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"chat\","
          + "\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"9\",\"attributes\":[" + model + "],"
          + "\"events\":" + entry.getValue() + "}]}]}]}\n"
          + "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
          + "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b175\",\"name\":\"chat\","
          + "\"startTimeUnixNano\":\"2\",\"endTimeUnixNano\":\"8\",\"attributes\":[" + model + "]}]}]}]}";
      Path file = Files.writeString(dir.resolve("events.jsonl"), line + "\n");
      Timeline timeline = TraceReader.create().read(file);
      List<TimelineSpan> streamed = new ArrayList<>();
      List<LoadWarning> warnings = TraceReader.create().stream(file, streamed::add);

      assertSameFacts(file);
      assertThat(warnings).as(entry.getKey()).isEqualTo(timeline.warnings());
      if (entry.getKey().equals("usual")) {
        assertThat(timeline.spans().get(0).events()).hasSize(1);
        assertThat(streamed).allSatisfy(span -> assertThat(span.events()).isEmpty());
      }
    }
    assertThat(TraceReader.create().read(dir.resolve("events.jsonl")).warnings()).extracting(LoadWarning::message)
        .as("the last case fails its line").containsExactly("not JSON (Unrecognized character escape 'q' (code 113)); skipped");
  }

  @Test
  void aRepeatedSpanIsStreamedOnceAndCounted() throws IOException {
    OtlpLines lines = OtlpLines.cell("0000000000000000000000000000000a", "aider", "gpt-5")
        .span(1, 0, "run", "adapter_run", 1_000, 5_000);
    Path file = dir.resolve("twice.jsonl");
    Files.writeString(file, lines.text() + lines.text());
    List<TimelineSpan> streamed = new ArrayList<>();
    List<dev.cabtrace.replay.timeline.LoadWarning> warnings = TraceReader.create().stream(file, streamed::add);
    assertThat(streamed).hasSize(1);
    assertThat(warnings).extracting(dev.cabtrace.replay.timeline.LoadWarning::message)
        .containsExactly("1 span(s) appeared more than once (a retried export?); each kept once");
  }

  @Test
  void aCrashJournalIsMergedAsTheTimelineMergesIt() throws IOException {
    Path capture = fixture("seed-cell.otlp.jsonl");
    String first = Files.readAllLines(capture).get(0);
    Files.writeString(dir.resolve("seed-cell.otlp.jsonl.journal"), "{\"heartbeat\":1781680663200000000}\n" + first + "\n");
    assertSameFacts(capture);
  }

  @Test
  void aLongLoadReportsBytesAndSpansAsItGoes() throws IOException {
    StringBuilder text = new StringBuilder();
    OtlpLines lines = OtlpLines.cell("0000000000000000000000000000000b", "aider", "gpt-5");
    for (int i = 1; i <= 40_000; i++) {
      lines.span(i, 0, "tool_call " + "x".repeat(300), "tool_call", 1_000L * i, 1_000L * i + 500);
    }
    text.append(lines.text());
    Path file = Files.writeString(dir.resolve("long.jsonl"), text);
    List<long[]> reports = new ArrayList<>();
    TraceReader reader = TraceReader.builder().setProgressListener((bytes, spans) -> reports.add(new long[] {bytes, spans})).build();
    assertThat(TraceFacts.read(file, reader).spans()).isEqualTo(40_000);
    assertThat(Files.size(file)).isGreaterThan(16L << 20);
    assertThat(reports).isNotEmpty();
    for (int i = 0; i < reports.size(); i++) {
      assertThat(reports.get(i)[0]).isGreaterThanOrEqualTo((i + 1) * (16L << 20));
      assertThat(reports.get(i)[1]).isPositive().isLessThanOrEqualTo(40_000);
    }
  }

  @Test
  void anEmptyFileIsTheReadersError() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n\n");
    assertThatThrownBy(() -> TraceFacts.read(empty, TraceReader.create()))
        .isInstanceOf(TraceReadException.class).hasMessageContaining("empty file");
  }
}
