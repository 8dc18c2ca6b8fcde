package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A span's own fields (times, ids, status) read as they were written, by the byte scanner and by
 * the Jackson reader alike: what is unusual is read exactly or named in a warning with its line,
 * never changed on the way.
 */
class OtlpSpanFieldsTest {

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  /** One OTLP line holding spans, each {@code {FIELDS}} with a trace id prepended when it has none. */
  private static String line(String... spans) {
    StringBuilder out = new StringBuilder("{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{"
        + "\"scope\":{\"name\":\"s\"},\"spans\":[");
    for (int i = 0; i < spans.length; i++) {
      out.append(i == 0 ? "" : ",").append('{')
          .append(spans[i].contains("\"traceId\"") ? "" : "\"traceId\":\"" + TRACE + "\",").append(spans[i]).append('}');
    }
    return out.append("]}]}]}\n").toString();
  }

  private static String span(String spanId, String name, String times) {
    return "\"spanId\":\"" + spanId + "\",\"name\":\"" + name + "\"," + times + ",\"attributes\":[]";
  }

  private static String times(String start, String end) {
    return "\"startTimeUnixNano\":" + start + ",\"endTimeUnixNano\":" + end;
  }

  /** The content read by the byte scanner, then by the Jackson reader alone. */
  private static List<Timeline> bothWays(String content) throws TraceReadException {
    return List.of(TraceReaderTest.read(content), TraceReader.builder().setByteScanner(false).build()
        .read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "test.jsonl"));
  }

  private static List<String> messages(Timeline timeline) {
    return timeline.warnings().stream().map(LoadWarning::toString).toList();
  }

  @Test
  void aTimeWithAFractionOrAnExponentIsReadExactly() throws TraceReadException {
    String content = line(span("0000000000000001", "a", times("1700000000123456789", "\"1.700000000123456789e18\"")),
        span("0000000000000002", "b", times("\"1700000000123456789.9\"", "1.7000000001234567891E18")),
        span("0000000000000003", "c", times("\"1.5e3\"", "2.5E+3")));
    for (Timeline timeline : bothWays(content)) {
      for (String name : List.of("a", "b")) {
        TimelineSpan span = timeline.spanNamed(name);
        assertThat(span.startEpochNanos()).as(name).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(span.endEpochNanos()).as(name).isEqualTo(1_700_000_000_123_456_789L);
      }
      assertThat(timeline.spanNamed("c").startEpochNanos()).isEqualTo(1500);
      assertThat(messages(timeline)).noneMatch(m -> m.contains("ends before it starts") || m.contains("\"a\"")
          || m.contains("\"b\""));
    }
  }

  @Test
  void aTimeOf0IsNoTimeNamedWithItsLineNotAPlaceIn1970() throws TraceReadException {
    String content = line(span("0000000000000001", "real", times("\"1700000000000000000\"", "\"1700000001000000000\"")))
        + line(span("0000000000000002", "zero", times("\"0\"", "0")),
            span("0000000000000003", "no-start", times("0", "\"1700000002000000000\"")),
            span("0000000000000004", "no-end", times("\"1700000003000000000\"", "\"0\"")),
            span("0000000000000005", "tiny", times("\"1e-999999999\"", "\"1700000004000000000\"")))
        + line(span("0000000000000006", "event", times("\"1700000005000000000\"", "\"1700000006000000000\""))
            + ",\"events\":[{\"timeUnixNano\":\"0\",\"name\":\"unset\",\"attributes\":[]}]");
    for (Timeline timeline : bothWays(content)) {
      assertThat(timeline.spans()).extracting(TimelineSpan::name)
          .containsExactly("real", "no-start", "no-end", "tiny", "event");
      assertThat(timeline.spanNamed("no-start").startEpochNanos()).isEqualTo(1_700_000_002_000_000_000L);
      assertThat(timeline.spanNamed("no-end").endEpochNanos()).isEqualTo(1_700_000_003_000_000_000L);
      assertThat(timeline.spanNamed("no-end").unfinished()).isTrue();
      assertThat(timeline.spanNamed("tiny").startEpochNanos()).isEqualTo(1_700_000_004_000_000_000L);
      assertThat(timeline.durationNanos()).isEqualTo(6_000_000_000L);
      assertThat(messages(timeline)).containsExactly(
          "test.jsonl:2: span \"zero\": startTimeUnixNano \"0\" is 0, no time and endTimeUnixNano \"0\" is 0, no time;"
              + " skipped",
          "test.jsonl:2: span \"no-start\": startTimeUnixNano \"0\" is 0, no time; shown starting at its end",
          "test.jsonl:2: span \"no-end\": endTimeUnixNano \"0\" is 0, no time; shown unfinished, ending where it starts",
          "test.jsonl:2: span \"tiny\": startTimeUnixNano \"1e-999999999\" is 0, no time; shown starting at its end",
          "test.jsonl:3: event \"unset\" has no timeUnixNano (it is 0); read as 0");
    }
  }

  @Test
  void aStatusCodeIsReadAsANumberANumberInQuotesOrAName() throws TraceReadException {
    String times = times("\"1700000000000000000\"", "\"1700000001000000000\"");
    String content = line(span("0000000000000001", "quoted-error", times) + ",\"status\":{\"code\":\"2\",\"message\":\"boom\"}",
        span("0000000000000002", "quoted-ok", times) + ",\"status\":{\"code\":\"1\"}",
        span("0000000000000003", "error", times) + ",\"status\":{\"code\":2}",
        span("0000000000000004", "named", times) + ",\"status\":{\"code\":\"STATUS_CODE_ERROR\"}",
        span("0000000000000005", "quoted-unset", times) + ",\"status\":{\"code\":\"0\"}");
    for (Timeline timeline : bothWays(content)) {
      assertThat(timeline.spans()).extracting(span -> span.name() + " " + span.status())
          .containsExactlyInAnyOrder("quoted-error ERROR", "quoted-ok OK", "error ERROR", "named ERROR", "quoted-unset UNSET");
      assertThat(timeline.spanNamed("quoted-error").statusMessage()).isEqualTo("boom");
    }
  }

  @Test
  void anOtlpSpanIdThatIsNot16HexDigitsOrBase64Of8BytesIsNoId() throws TraceReadException {
    String times = times("\"1700000000000000000\"", "\"1700000001000000000\"");
    String content = line(span("1", "short", times), span("0000000000000001", "full", times))
        + line(span("0000000000000002", "child-of-short", times) + ",\"parentSpanId\":\"1\"",
            span("AAAAAAAAAAM=", "base64", times) + ",\"parentSpanId\":\"0000000000000001\"",
            span("0000000000000004", "zero-parent", times) + ",\"parentSpanId\":\"0000000000000000\"",
            span("00000000000000005", "seventeen", times));
    for (Timeline timeline : bothWays(content)) {
      // "1" was padded to 0000000000000001: the same span as "full", one of the two dropped.
      assertThat(timeline.spans()).extracting(TimelineSpan::name)
          .containsExactlyInAnyOrder("full", "child-of-short", "base64", "zero-parent");
      assertThat(timeline.spanNamed("child-of-short").parentIndex()).isEqualTo(-1);
      assertThat(timeline.spanNamed("base64").spanId()).isEqualTo("0000000000000003");
      assertThat(timeline.spanNamed("base64").parentIndex()).isEqualTo(timeline.spanNamed("full").index());
      assertThat(messages(timeline)).containsExactly(
          "test.jsonl:1: a span without a valid span id; skipped",
          "test.jsonl:2: parentSpanId \"1\" is not a span id; its span is shown as a root",
          "test.jsonl:2: a span without a valid span id; skipped");
    }
  }

  @Test
  void aMissingOrInvalidTraceIdIsNamedWithItsLine() throws TraceReadException {
    String times = times("\"1700000000000000000\"", "\"1700000001000000000\"");
    String content = line(span("0000000000000001", "good", times))
        + line("\"traceId\":\"\"," + span("0000000000000002", "empty", times),
            span("0000000000000003", "missing", times),
            "\"traceId\":\"00000000000000000000000000000000\"," + span("0000000000000004", "zeros", times),
            "\"traceId\":\"abc\"," + span("0000000000000005", "short", times),
            "\"traceId\":\"AAECAwQFBgcICQoLDA0ODw==\"," + span("0000000000000006", "base64", times))
            .replace("{\"traceId\":\"" + TRACE + "\",\"spanId\":\"0000000000000003\"", "{\"spanId\":\"0000000000000003\"");
    for (Timeline timeline : bothWays(content)) {
      assertThat(timeline.size()).isEqualTo(6);
      assertThat(timeline.spanNamed("short").traceId()).isEqualTo("00000000000000000000000000000000");
      assertThat(timeline.spanNamed("base64").traceId()).isEqualTo("000102030405060708090a0b0c0d0e0f");
      assertThat(messages(timeline)).containsExactly(
          "test.jsonl:2: span 0000000000000002 (empty): no traceId; read as all zeros",
          "test.jsonl:2: span 0000000000000003 (missing): no traceId; read as all zeros",
          "test.jsonl:2: span 0000000000000004 (zeros): traceId \"00000000000000000000000000000000\" is not a trace id;"
              + " read as all zeros",
          "test.jsonl:2: span 0000000000000005 (short): traceId \"abc\" is not a trace id; read as all zeros");
    }
  }
}
