package dev.cabtrace.sdk.persist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpJsonLineEncoderTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void writesWhatTheOfficialOtlpJsonMarshalerWrites() throws IOException {
    List<SpanData> spans = TestSpans.cell();
    ByteArrayOutputStream official = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(spans).writeJsonTo(official);

    String ours = encode(spans);

    JsonNode expected = MAPPER.readTree(official.toByteArray());
    // Resource entity references are new in OTLP 1.8 and always empty here; leaving the empty
    // array out keeps the file readable by consumers built on older protos.
    for (JsonNode resourceSpans : expected.get("resourceSpans")) {
      ((ObjectNode) resourceSpans.get("resource")).remove("entityRefs");
    }
    assertThat(sortScopes(MAPPER.readTree(ours))).isEqualTo(sortScopes(expected));
  }

  @Test
  void matchesTheGoldenFile() throws IOException {
    String ours = encode(TestSpans.cell());
    if (Boolean.getBoolean("cabtrace.updateGolden")) {
      // mvn test -Dcabtrace.updateGolden=true rewrites the golden file after a deliberate change.
      Files.writeString(
          Path.of("src/test/resources/dev/cabtrace/sdk/persist/expected-cell.jsonl"), ours);
    }
    try (InputStream golden = getClass().getResourceAsStream("expected-cell.jsonl")) {
      assertThat(golden).as("golden file expected-cell.jsonl").isNotNull();
      String expected = new String(golden.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(ours).isEqualTo(expected);
    }
  }

  @Test
  void writesOneLineEndingInANewlineWithLowercaseHexIdsAndStringNanos() throws IOException {
    String line = encode(TestSpans.cell());

    assertThat(line).endsWith("\n");
    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
    JsonNode span = MAPPER.readTree(line).at("/resourceSpans/0/scopeSpans/0/spans/1");
    assertThat(span.get("traceId").asText()).isEqualTo(TestSpans.TRACE_ID);
    assertThat(span.get("parentSpanId").asText()).isEqualTo("8cd34537b6fd5abc");
    assertThat(span.get("startTimeUnixNano").isTextual()).isTrue();
    assertThat(span.get("kind").isInt()).isTrue();
    assertThat(span.get("kind").asInt()).isEqualTo(3);
  }

  /** The official marshaler groups scopes in a hash map: their order carries no meaning. */
  private static JsonNode sortScopes(JsonNode request) {
    for (JsonNode resourceSpans : request.get("resourceSpans")) {
      List<JsonNode> scopes = new java.util.ArrayList<>();
      resourceSpans.get("scopeSpans").forEach(scopes::add);
      scopes.sort(java.util.Comparator.comparing(s -> s.at("/scope/name").asText()));
      ((ObjectNode) resourceSpans).set("scopeSpans", MAPPER.valueToTree(scopes));
    }
    return request;
  }

  private static String encode(List<SpanData> spans) throws IOException {
    LineBuffer buffer = new OtlpJsonLineEncoder().encode(spans);
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
