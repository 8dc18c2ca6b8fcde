package dev.cabtrace.sdk.persist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpJsonLineEncoderTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void writesWhatTheOfficialOtlpJsonMarshalerWrites() throws IOException {
    List<SpanData> spans = TestSpans.cell();
    JsonNode expected = official(spans);
    assertThat(sortScopes(MAPPER.readTree(encode(spans)))).isEqualTo(sortScopes(expected));
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

  @Test
  void writesEdgeCasesAsTheOfficialMarshalerDoes() throws IOException {
    List<SpanData> spans = edgeSpans();
    String line = encode(spans);
    assertSameAsOfficial(spans, line);
    // Where the official marshaler writes ?, an unpaired surrogate reads back as it was.
    JsonNode span = MAPPER.readTree(line).findValue("spans").get(0);
    assertThat(span.get("name").asText()).isEqualTo(spans.get(0).getName()).endsWith("\ud83d lone");
  }

  @Test
  void aReusedEncoderWritesEachBatchAsAFreshOneDoes() throws IOException {
    // Cached resources, scopes and keys must not leak from one batch into the next.
    OtlpJsonLineEncoder reused = new OtlpJsonLineEncoder();
    List<SpanData> edges = edgeSpans();
    List<List<SpanData>> batches =
        List.of(TestSpans.cell(), edges, TestSpans.cell().subList(2, 3), edges, edgeSpans());
    for (List<SpanData> batch : batches) {
      String again = reused.encode(batch).toString(StandardCharsets.UTF_8);
      assertThat(again).isEqualTo(encode(batch));
      assertSameAsOfficial(batch, again);
    }
  }

  @Test
  void writesMoreDistinctKeysResourcesAndScopesThanItKeepsEncoded() throws IOException {
    OtlpJsonLineEncoder encoder = new OtlpJsonLineEncoder();
    for (int round = 0; round < 3; round++) {
      List<SpanData> spans = new java.util.ArrayList<>();
      for (int i = 0; i < 1_500; i++) {
        Resource resource =
            Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "s" + i % 700));
        spans.add(
            TestSpanData.builder()
                .setSpanContext(
                    SpanContext.create(
                        TestSpans.TRACE_ID,
                        String.format("%016x", i + 1),
                        TraceFlags.getSampled(),
                        TraceState.getDefault()))
                .setName("span " + i)
                .setKind(SpanKind.INTERNAL)
                .setStartEpochNanos(TestSpans.T0 + i)
                .setEndEpochNanos(TestSpans.T0 + i + 1)
                .setAttributes(Attributes.of(AttributeKey.longKey("key." + round + "." + i), (long) i))
                .setTotalAttributeCount(1)
                .setStatus(StatusData.unset())
                .setHasEnded(true)
                .setResource(resource)
                .setInstrumentationScopeInfo(InstrumentationScopeInfo.create("scope." + i % 900))
                .build());
      }
      assertSameAsOfficial(spans, encoder.encode(spans).toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void groupsSpansByResourceInstanceWhereTheFirstOfEachIs() throws IOException {
    // As the OpenTelemetry exporters group: by instance, not by equality, which spans received
    // from a traced program could abuse (unequal resources made to share a hash; "AaAa" and
    // "BBBB" have one String.hashCode).
    Resource a = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "AaAa"));
    Resource equalToA = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "AaAa"));
    Resource collidingWithA = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "BBBB"));
    assertThat(collidingWithA.hashCode()).isEqualTo(a.hashCode());
    InstrumentationScopeInfo scope = InstrumentationScopeInfo.create("scope");
    List<SpanData> spans = new java.util.ArrayList<>();
    Resource[] resources = {a, equalToA, a, collidingWithA, equalToA};
    for (int i = 0; i < resources.length; i++) {
      spans.add(
          TestSpanData.builder()
              .setSpanContext(
                  SpanContext.create(TestSpans.TRACE_ID, String.format("%016x", i + 1), TraceFlags.getSampled(),
                      TraceState.getDefault()))
              .setName("span " + i)
              .setKind(SpanKind.INTERNAL)
              .setStartEpochNanos(TestSpans.T0 + i)
              .setEndEpochNanos(TestSpans.T0 + i + 1)
              .setStatus(StatusData.unset())
              .setHasEnded(true)
              .setResource(resources[i])
              .setInstrumentationScopeInfo(scope)
              .build());
    }
    String line = encode(spans);
    JsonNode groups = MAPPER.readTree(line).get("resourceSpans");
    List<String> grouped = new java.util.ArrayList<>();
    for (JsonNode group : groups) {
      StringBuilder names = new StringBuilder(group.at("/resource/attributes/0/value/stringValue").asText());
      for (JsonNode span : group.at("/scopeSpans/0/spans")) {
        names.append(' ').append(span.get("name").asText());
      }
      grouped.add(names.toString());
    }
    assertThat(grouped).containsExactly("AaAa span 0 span 2", "AaAa span 1 span 4", "BBBB span 3");
    assertSameAsOfficial(spans, line);
  }

  @Test
  void writesANullArrayElementAsAnAnyValueWithNoValue() throws IOException {
    // The SDK keeps null elements of array attributes; OTLP has no null, only an unset AnyValue.
    SpanData span =
        TestSpanData.builder()
            .setSpanContext(context("00000000000000c1"))
            .setName("holes")
            .setKind(SpanKind.INTERNAL)
            .setStartEpochNanos(TestSpans.T0)
            .setEndEpochNanos(TestSpans.T0 + 1)
            .setAttributes(
                Attributes.builder()
                    .put(AttributeKey.longArrayKey("longs"), Arrays.asList(1L, null))
                    .put(AttributeKey.booleanArrayKey("booleans"), Arrays.asList(null, true))
                    .put(AttributeKey.doubleArrayKey("doubles"), Arrays.asList(1.5, null, 2.5))
                    .put(AttributeKey.stringArrayKey("strings"), Arrays.asList(null, "a"))
                    .build())
            .setTotalAttributeCount(4)
            .setStatus(StatusData.unset())
            .setHasEnded(true)
            .setResource(TestSpans.RESOURCE)
            .setInstrumentationScopeInfo(TestSpans.SCOPE)
            .build();

    JsonNode attributes =
        MAPPER.readTree(encode(List.of(span))).at("/resourceSpans/0/scopeSpans/0/spans/0/attributes");

    java.util.Map<String, String> values = new java.util.TreeMap<>();
    attributes.forEach(a -> values.put(a.get("key").asText(), a.get("value").toString()));
    assertThat(values).containsExactly(
        java.util.Map.entry("booleans", "{\"arrayValue\":{\"values\":[{},{\"boolValue\":true}]}}"),
        java.util.Map.entry("doubles", "{\"arrayValue\":{\"values\":[{\"doubleValue\":1.5},{},{\"doubleValue\":2.5}]}}"),
        java.util.Map.entry("longs", "{\"arrayValue\":{\"values\":[{\"intValue\":\"1\"},{}]}}"),
        java.util.Map.entry("strings", "{\"arrayValue\":{\"values\":[{},{\"stringValue\":\"a\"}]}}"));
  }

  @Test
  void writesNanosAsUnsigned64BitIntegers() throws IOException {
    // fixed64 in the protobuf JSON mapping: the official Java marshaler writes these signed.
    SpanData span =
        TestSpanData.builder()
            .setSpanContext(context("00000000000000b1"))
            .setName("far future")
            .setKind(SpanKind.INTERNAL)
            .setStartEpochNanos(-2L)
            .setEndEpochNanos(-1L)
            .setStatus(StatusData.unset())
            .setHasEnded(true)
            .setResource(TestSpans.RESOURCE)
            .setInstrumentationScopeInfo(TestSpans.SCOPE)
            .build();
    JsonNode written = MAPPER.readTree(encode(List.of(span))).at("/resourceSpans/0/scopeSpans/0/spans/0");
    assertThat(written.get("startTimeUnixNano").asText()).isEqualTo("18446744073709551614");
    assertThat(written.get("endTimeUnixNano").asText()).isEqualTo("18446744073709551615");
  }

  /**
   * Spans that reach the corners: escapes and unicode everywhere a string goes, several resources
   * and scopes with schema URLs, a huge value, every status, dropped counts, events and links with
   * attributes, trace state, a remote parent, nanos near {@code Long.MAX_VALUE}.
   */
  private static List<SpanData> edgeSpans() {
    String odd = "quote \" \\ \n \t \u0000 \u001f \u007f é 世界 😀 \u2028 \ud83d lone";
    Resource other =
        Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), "other " + odd),
            "https://opentelemetry.io/schemas/1.24.0");
    InstrumentationScopeInfo oddScope =
        InstrumentationScopeInfo.builder("scope " + odd)
            .setVersion("v " + odd)
            .setAttributes(Attributes.of(AttributeKey.booleanKey("scope.flag"), true))
            .build();
    String huge = "x".repeat(300_000) + odd + "y".repeat(300_000);
    SpanContext remote =
        SpanContext.createFromRemoteParent(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            TraceFlags.getDefault(),
            TraceState.builder().put("a", "1").put("b", "x y").build());
    return List.of(
        TestSpanData.builder()
            .setSpanContext(context("00000000000000a1"))
            .setParentSpanContext(remote)
            .setName("name " + odd)
            .setKind(SpanKind.PRODUCER)
            .setStartEpochNanos(Long.MAX_VALUE - 1)
            .setEndEpochNanos(Long.MAX_VALUE)
            .setAttributes(
                Attributes.builder()
                    .put("key " + odd, "value " + odd)
                    .put("huge", huge)
                    .put(AttributeKey.stringArrayKey("odd.list"), List.of(odd, "", huge))
                    .put("min", Long.MIN_VALUE)
                    .put("max", Long.MAX_VALUE)
                    .put("tiny", Double.MIN_VALUE)
                    .put("negative", -1234.5e-10)
                    .put(AttributeKey.valueKey("nested"), Value.of(
                        io.opentelemetry.api.common.KeyValue.of("k " + odd, Value.of(
                            Value.of(odd), Value.of(new byte[0]), Value.empty(),
                            Value.of(io.opentelemetry.api.common.KeyValue.of("deep", Value.of(-7L)))))))
                    .build())
            .setTotalAttributeCount(12)
            .setEvents(
                List.of(
                    EventData.create(TestSpans.T0, "event " + odd, Attributes.empty()),
                    EventData.create(
                        TestSpans.T0 + 1,
                        "exception",
                        Attributes.of(AttributeKey.stringKey("exception.message"), odd),
                        4)))
            .setTotalRecordedEvents(5)
            .setLinks(
                List.of(
                    LinkData.create(remote),
                    LinkData.create(
                        context("00000000000000a2"),
                        Attributes.of(AttributeKey.stringKey("link " + odd), odd),
                        3)))
            .setTotalRecordedLinks(4)
            .setStatus(StatusData.create(StatusCode.ERROR, "failed: " + odd))
            .setHasEnded(true)
            .setResource(other)
            .setInstrumentationScopeInfo(oddScope)
            .build(),
        TestSpanData.builder()
            .setSpanContext(context("00000000000000a3"))
            .setName("")
            .setKind(SpanKind.CONSUMER)
            .setStartEpochNanos(0)
            .setEndEpochNanos(0)
            .setStatus(StatusData.create(StatusCode.OK, "fine"))
            .setHasEnded(true)
            .setResource(TestSpans.RESOURCE)
            .setInstrumentationScopeInfo(oddScope)
            .build(),
        TestSpanData.builder()
            .setSpanContext(context("00000000000000a4"))
            .setName("back to the first resource")
            .setKind(SpanKind.CLIENT)
            .setStartEpochNanos(TestSpans.T0)
            .setEndEpochNanos(TestSpans.T0 + 1)
            .setStatus(StatusData.create(StatusCode.UNSET, "ignored"))
            .setHasEnded(true)
            .setResource(other)
            .setInstrumentationScopeInfo(TestSpans.OTHER_SCOPE)
            .build());
  }

  private static SpanContext context(String spanId) {
    return SpanContext.create(
        TestSpans.TRACE_ID, spanId, TraceFlags.getSampled(), TraceState.getDefault());
  }

  /**
   * The same spans, each with the same resource and scope, as the official marshaler writes them,
   * whatever the order of the groups (it keeps them in a hash map). One difference is meant: an
   * unpaired surrogate, which the official marshaler writes as {@code ?}, is kept (escaped).
   */
  private static void assertSameAsOfficial(List<SpanData> spans, String ours) throws IOException {
    assertThat(flatten(MAPPER.readTree(ours)).stream().map(OtlpJsonLineEncoderTest::unpairedAsQuestionMarks))
        .containsExactlyElementsOf(flatten(official(spans)));
  }

  /** {@code text} with each unpaired surrogate as {@code ?}, as the UTF-8 encoder replaces it. */
  private static String unpairedAsQuestionMarks(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  private static JsonNode official(List<SpanData> spans) throws IOException {
    ByteArrayOutputStream official = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(spans).writeJsonTo(official);
    JsonNode expected = MAPPER.readTree(official.toByteArray());
    // Resource entity references are new in OTLP 1.8 and always empty here; leaving the empty
    // array out keeps the file readable by consumers built on older protos.
    for (JsonNode resourceSpans : expected.get("resourceSpans")) {
      ((ObjectNode) resourceSpans.get("resource")).remove("entityRefs");
    }
    return expected;
  }

  /** Each span with its resource and scope (and their schema URLs), in span id order. */
  private static List<String> flatten(JsonNode request) {
    List<String> spans = new java.util.ArrayList<>();
    for (JsonNode resourceSpans : request.get("resourceSpans")) {
      for (JsonNode scopeSpans : resourceSpans.get("scopeSpans")) {
        for (JsonNode span : scopeSpans.get("spans")) {
          ObjectNode flat = MAPPER.createObjectNode();
          flat.set("resource", resourceSpans.get("resource"));
          flat.set("resourceSchemaUrl", resourceSpans.get("schemaUrl"));
          flat.set("scope", scopeSpans.get("scope"));
          flat.set("scopeSchemaUrl", scopeSpans.get("schemaUrl"));
          flat.set("span", withoutDefaults((ObjectNode) span.deepCopy()));
          spans.add(span.get("spanId").asText() + " " + flat);
        }
      }
    }
    java.util.Collections.sort(spans);
    return spans;
  }

  /**
   * The span without the fields that hold their protobuf default: the official marshaler leaves
   * an empty name and zero times out, the capture file writes them. The same message either way.
   */
  private static ObjectNode withoutDefaults(ObjectNode span) {
    for (String field : List.of("name", "startTimeUnixNano", "endTimeUnixNano")) {
      JsonNode value = span.get(field);
      if (value != null && (value.asText().isEmpty() || value.asText().equals("0"))) {
        span.remove(field);
      }
    }
    return span;
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
