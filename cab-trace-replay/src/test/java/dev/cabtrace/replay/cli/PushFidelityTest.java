package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.cabtrace.replay.cli.CliRun.Result;
import dev.cabtrace.replay.cli.CollectingBackend.Received;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * push sends the spans of a capture's OTLP/JSON lines as the file has them, every field, to a
 * backend on loopback: the spans the timeline kept, each once; the others as the timeline has them.
 */
@Timeout(60)
class PushFidelityTest {

  private static final String TRACE_ID = "8293433263b72503f683e7696220d242";

  @TempDir Path dir;

  /**
   * The cab-trace-sdk's expected capture line (every type of attribute value, a link, trace state,
   * remote parents, scope version and attributes, a scope schema URL, dropped counts), then a line
   * of another agent's: a resource schema URL, dropped links, a link's dropped attributes, flags
   * 259 (sampled and random, as the seed cell's) and 258 (random, not sampled: with no trace flags
   * at all a span is taken as sampled).
   */
  @Test
  void everyFieldOfTheFileArrivesAsTheOfficialClassesReadTheFile() throws IOException {
    Path capture = Files.write(dir.resolve("cell.jsonl"), resource("every-otlp-field.jsonl"));
    Result result;
    List<Received> received;
    try (CollectingBackend backend = CollectingBackend.start()) {
      result = run("push", capture.toString(), "--endpoint", backend.endpoint(), "--batch-size", "2");
      received = backend.received();
    }

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains("pushed 6 of 6 spans (2 trace(s))").contains("in 3 batch(es); 0 failed");
    Map<String, Received> expected = bySpanId(officialParse(capture));
    Map<String, Received> actual = bySpanId(received);
    assertThat(actual).hasSize(6).containsOnlyKeys(expected.keySet());
    for (Map.Entry<String, Received> span : expected.entrySet()) {
      Received want = span.getValue();
      Received got = actual.get(span.getKey());
      String as = want.span().getName();
      assertThat(got.span()).as(as).isEqualTo(want.span());
      assertThat(got.resourceSpans().getResource()).as(as).isEqualTo(want.resourceSpans().getResource());
      assertThat(got.resourceSpans().getSchemaUrl()).as(as).isEqualTo(want.resourceSpans().getSchemaUrl());
      assertThat(got.scopeSpans().getScope()).as(as).isEqualTo(want.scopeSpans().getScope());
      assertThat(got.scopeSpans().getSchemaUrl()).as(as).isEqualTo(want.scopeSpans().getSchemaUrl());
    }

    // What the comparison covers, named: the file holds it, and it arrived.
    Span adapter = actual.get("ad333935d043d29a").span();
    assertThat(adapter.getTraceState()).isEqualTo("other=two,cab=1");
    assertThat(adapter.getFlags()).as("sampled, its parent remote").isEqualTo(0x301);
    Span.Link retry = actual.get("8cd34537b6fd5abc").span().getLinks(0);
    assertThat(hex(retry.getTraceId()) + "/" + hex(retry.getSpanId()))
        .isEqualTo("0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331");
    assertThat(retry.getTraceState()).isEqualTo("vendor=v1");
    assertThat(retry.getFlags()).isEqualTo(0x301);
    assertThat(retry.getAttributesList()).extracting(KeyValue::getKey).containsExactly("link.kind");
    assertThat(actual.get("8cd34537b6fd5abc").span().getDroppedEventsCount()).isEqualTo(2);
    assertThat(actual.get("e4c4b95e9468a21f").span().getDroppedAttributesCount()).isEqualTo(4);
    assertThat(actual.get("9d591e75086b3ecf").scopeSpans().getScope().getVersion()).isEqualTo("0.1.0");
    Received other = actual.get("ad333935d043d29a");
    assertThat(other.scopeSpans().getScope().getAttributesList()).extracting(KeyValue::getKey).containsExactly("scope.attr");
    assertThat(other.scopeSpans().getSchemaUrl()).isEqualTo("https://opentelemetry.io/schemas/1.24.0");
    Received tool = actual.get("eee19b7ec3c1b174");
    assertThat(tool.resourceSpans().getSchemaUrl()).isEqualTo("https://opentelemetry.io/schemas/1.26.0");
    assertThat(tool.span().getDroppedLinksCount()).isEqualTo(5);
    assertThat(tool.span().getLinks(0).getDroppedAttributesCount()).isEqualTo(2);
    assertThat(tool.span().getEvents(0).getDroppedAttributesCount()).isEqualTo(3);
    assertThat(tool.span().getFlags()).as("not sampled").isEqualTo(0x102);
    assertThat(actual.get("eee19b7ec3c1b173").span().getFlags()).as("sampled and random").isEqualTo(0x103);
  }

  /**
   * The timeline keeps a span's first copy, or a later finished one over an unfinished one: that
   * copy is sent, once, with what only the file has (its trace state here).
   */
  @Test
  void aSpanTwiceInTheFileIsSentOnceAsTheCopyTheTimelineKept() throws IOException {
    Path capture = Files.writeString(dir.resolve("retried.jsonl"),
        line(span("0000000000000001", "retried", "1000", null, "copy=unfinished"),
            span("0000000000000002", "repeated", "1000", "2000", "copy=only"),
            span("0000000000000003", "changed", "1000", "5000", "copy=first"))
        + line(span("0000000000000001", "retried", "1000", "3000", "copy=finished"),
            span("0000000000000002", "repeated", "1000", "2000", "copy=only"),
            span("0000000000000003", "changed", "1000", "7000", "copy=later")));
    Pushed pushed = push(capture);
    Result result = pushed.result();
    List<Span> spans = pushed.spans();

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains("pushed 3 of 3 spans");
    assertThat(result.err()).contains("appeared more than once");
    assertThat(spans).extracting(Span::getName).containsExactlyInAnyOrder("retried", "repeated", "changed");
    Map<String, Span> byName = spans.stream().collect(Collectors.toMap(Span::getName, Function.identity()));
    assertThat(byName.get("retried").getTraceState()).isEqualTo("copy=finished");
    assertThat(byName.get("retried").getEndTimeUnixNano()).isEqualTo(3000);
    assertThat(marks(byName.get("retried"))).isEmpty();
    assertThat(byName.get("repeated").getTraceState()).isEqualTo("copy=only");
    assertThat(byName.get("changed").getTraceState()).isEqualTo("copy=first");
    assertThat(byName.get("changed").getEndTimeUnixNano()).isEqualTo(5000);
  }

  /**
   * A copy the protobuf parser refuses (a negative dropped count, which the reader takes) is not
   * stood in for by a later copy with the same ids and times but another name: the span goes as
   * the timeline kept it.
   */
  @Test
  void aLaterCopyDoesNotStandInForTheKeptOneTheFileCannotGive() throws IOException {
    Path capture = Files.writeString(dir.resolve("refused.jsonl"),
        line(span("0000000000000004", "kept", "1000", "2000", "copy=refused").replace("\"droppedAttributesCount\":1",
            "\"droppedAttributesCount\":-1"))
        + line(span("0000000000000004", "later", "1000", "2000", "copy=later")));
    Pushed pushed = push(capture);
    Result result = pushed.result();
    List<Span> spans = pushed.spans();

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(spans).extracting(Span::getName).containsExactly("kept");
    assertThat(spans.get(0).getTraceState()).as("as the timeline has it").isEmpty();
  }

  /**
   * A span whose end the reader made is marked so, from the file (its fields kept, its dropped
   * count too) or from the crash journal (which only the timeline reads).
   */
  @Test
  void spansWhoseEndTheReaderMadeAreMarkedFromTheFileAndFromTheCrashJournal() throws IOException {
    Path capture = Files.writeString(dir.resolve("crashed.jsonl"),
        line(span("0000000000000001", "backwards", "3000", "2000", "from=file"),
            span("0000000000000002", "open in the file", "4000", null, "from=file")));
    Files.writeString(dir.resolve("crashed.jsonl.journal"),
        "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"6000\",\"pid\":1}}\n"
        + line(span("0000000000000003", "open in the journal", "5000", "0", "from=journal")));
    Pushed pushed = push(capture);
    Result result = pushed.result();
    List<Span> spans = pushed.spans();

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains("pushed 3 of 3 spans");
    Map<String, Span> byName = spans.stream().collect(Collectors.toMap(Span::getName, Function.identity()));
    assertThat(byName).containsOnlyKeys("backwards", "open in the file", "open in the journal");

    Span backwards = byName.get("backwards");
    assertThat(backwards.getTraceState()).isEqualTo("from=file");
    assertThat(marks(backwards)).containsExactly("cab.push.ended_before_start");
    assertThat(backwards.getEndTimeUnixNano()).as("zero-length").isEqualTo(3000);
    assertThat(backwards.getAttributesCount()).isEqualTo(2);
    assertThat(backwards.getDroppedAttributesCount()).isEqualTo(1);

    Span openInFile = byName.get("open in the file");
    assertThat(openInFile.getTraceState()).isEqualTo("from=file");
    assertThat(marks(openInFile)).containsExactly("cab.push.unfinished");
    assertThat(openInFile.getEndTimeUnixNano()).as("where it starts").isEqualTo(4000);
    assertThat(openInFile.getDroppedAttributesCount()).isEqualTo(1);

    Span openInJournal = byName.get("open in the journal");
    assertThat(marks(openInJournal)).containsExactly("cab.push.unfinished");
    assertThat(openInJournal.getEndTimeUnixNano()).as("at the last heartbeat").isEqualTo(6000);
    assertThat(openInJournal.getTraceState()).as("the timeline keeps no trace state").isEmpty();
  }

  /**
   * A file written without redaction (another tool's, or a capture with it off) reaches the backend
   * redacted, as everything cab-trace sends does; the rest of the span as the file has it.
   */
  @Test
  void aFileWrittenWithoutRedactionIsRedactedOnItsWay() throws IOException {
    String ghp = "ghp_0123456789abcdefghijABCDEFGHIJklmn";
    String withSecrets = "{\"traceId\":\"" + TRACE_ID + "\",\"spanId\":\"00f067aa0ba902b7\",\"traceState\":\"v=1\","
        + "\"name\":\"clone with " + ghp + "\",\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"2000\","
        + "\"attributes\":[{\"key\":\"api_key\",\"value\":{\"stringValue\":\"plain-value-123\"}},"
        + "{\"key\":\"cab.tui\",\"value\":{\"stringValue\":\"aider\"}}],"
        + "\"events\":[{\"timeUnixNano\":\"1500\",\"name\":\"cab.output\",\"attributes\":["
        + "{\"key\":\"cab.output.data\",\"value\":{\"stringValue\":\"export OPENAI_API_KEY=sk-proj-FAKEfake0123456789abcdefABCDEF\\n\"}},"
        + "{\"key\":\"cab.output.stream\",\"value\":{\"stringValue\":\"stdout\"}}]}],\"flags\":257}";
    Path capture = Files.writeString(dir.resolve("foreign.jsonl"), line(withSecrets));

    Pushed pushed = push(capture);

    assertThat(pushed.result().exit()).as(pushed.result().err()).isZero();
    assertThat(pushed.spans()).hasSize(1);
    Span span = pushed.spans().get(0);
    assertThat(span.toString()).doesNotContain(ghp, "plain-value-123", "sk-proj-FAKE");
    assertThat(span.getName()).isEqualTo("clone with [REDACTED]");
    assertThat(span.getAttributesList()).extracting(a -> a.getKey() + "=" + a.getValue().getStringValue())
        .containsExactly("api_key=[REDACTED]", "cab.tui=aider");
    assertThat(span.getEvents(0).getAttributes(0).getValue().getStringValue())
        .isEqualTo("export OPENAI_API_KEY=[REDACTED]\n");
    assertThat(span.getTraceState()).isEqualTo("v=1");
    assertThat(span.getStartTimeUnixNano()).isEqualTo(1000);
  }

  private static List<String> marks(Span span) {
    return span.getAttributesList().stream()
        .filter(a -> a.getKey().startsWith("cab.push.") && a.getValue().getBoolValue()).map(KeyValue::getKey).toList();
  }

  /** A span of {@link #TRACE_ID} with one attribute, one dropped; {@code end} null for none. */
  /** What a push of {@code capture} to a collecting backend printed, and the spans the backend got. */
  private record Pushed(Result result, List<Span> spans) {}

  private static Pushed push(Path capture) throws IOException {
    try (CollectingBackend backend = CollectingBackend.start()) {
      Result result = run("push", capture.toString(), "--endpoint", backend.endpoint(), "--max-age", "100000d");
      return new Pushed(result, backend.spans());
    }
  }

  private static String span(String spanId, String name, String start, String end, String traceState) {
    return "{\"traceId\":\"" + TRACE_ID + "\",\"spanId\":\"" + spanId + "\",\"traceState\":\"" + traceState + "\","
        + "\"name\":\"" + name + "\",\"startTimeUnixNano\":\"" + start + "\","
        + (end == null ? "" : "\"endTimeUnixNano\":\"" + end + "\",")
        + "\"attributes\":[{\"key\":\"n\",\"value\":{\"intValue\":\"1\"}}],\"droppedAttributesCount\":1,\"flags\":257}";
  }

  private static String line(String... spans) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"s\"},"
        + "\"spans\":[" + String.join(",", spans) + "]}]}]}\n";
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = PushFidelityTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  private static final Pattern HEX_ID = Pattern.compile("\"(traceId|spanId|parentSpanId)\":\"([0-9a-f]*)\"");

  /**
   * The file's spans as protobuf's own JSON parser reads each line, strictly, once OTLP's hex ids
   * are made the base64 protobuf's JSON mapping has for bytes.
   */
  private static List<Received> officialParse(Path capture) throws IOException {
    List<Received> spans = new ArrayList<>();
    for (String line : Files.readAllLines(capture)) {
      Matcher id = HEX_ID.matcher(line);
      String base64Ids = id.replaceAll(match -> Matcher.quoteReplacement("\"" + match.group(1) + "\":\""
          + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(match.group(2))) + "\""));
      ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
      JsonFormat.parser().merge(base64Ids, request);
      for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          for (Span span : scopeSpans.getSpansList()) {
            spans.add(new Received(resourceSpans, scopeSpans, span));
          }
        }
      }
    }
    return spans;
  }

  private static Map<String, Received> bySpanId(List<Received> spans) {
    Map<String, Received> byId = new LinkedHashMap<>();
    for (Received span : spans) {
      assertThat(byId.put(hex(span.span().getSpanId()), span)).as("sent once").isNull();
    }
    return byId;
  }

  private static String hex(com.google.protobuf.ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
