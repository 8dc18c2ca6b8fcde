package dev.cabtrace.sdk.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CabAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RedactingSpanExporterTest {

  private static final String KEY = "sk-proj-FAKEfake0123456789abcdefABCDEF";
  private static final String TOKEN = "tok3n-FAKEfake0123456789";

  private final InMemorySpanExporter delegate = InMemorySpanExporter.create();
  private final SpanExporter exporter = Redaction.defaults().wrap(delegate);

  @Test
  void findsSecretsSplitAcrossOutputChunks() {
    List<EventData> events =
        List.of(
            output(1, "stdout", "export OPENAI_API_KEY=" + KEY.substring(0, 12)),
            output(2, "stderr", "warning: slow\n"),
            output(3, "stdout", KEY.substring(12) + "\nAuthorization: Bea"),
            EventData.create(4, "exception", Attributes.empty()),
            output(5, "stdout", "rer " + TOKEN.substring(0, 5)),
            output(6, "stdout", TOKEN.substring(5) + "\n--max_tokens=4096 done\n"));

    List<EventData> exported = export(events);

    assertThat(exported).extracting(EventData::getEpochNanos).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(exported).extracting(EventData::getName).containsExactly(
        "cab.output", "cab.output", "cab.output", "exception", "cab.output", "cab.output");
    assertThat(exported.get(3)).isSameAs(events.get(3));
    assertThat(exported.get(1)).isSameAs(events.get(1));
    assertThat(data(exported.get(0))).isEqualTo("export OPENAI_API_KEY=" + Redaction.MASK);
    assertThat(data(exported.get(2))).isEqualTo("\nAuthorization: Bea");
    assertThat(data(exported.get(4))).isEqualTo("rer " + Redaction.MASK);
    assertThat(data(exported.get(5))).isEqualTo("\n--max_tokens=4096 done\n");
    String stdout =
        exported.stream()
            .filter(e -> "stdout".equals(e.getAttributes().get(CabAttributes.OUTPUT_STREAM)))
            .map(RedactingSpanExporterTest::data)
            .collect(Collectors.joining());
    assertThat(stdout)
        .isEqualTo(
            "export OPENAI_API_KEY=[REDACTED]\nAuthorization: Bearer [REDACTED]\n"
                + "--max_tokens=4096 done\n")
        .doesNotContain("FAKEfake");
  }

  @Test
  void findsAShapedKeySplitAcrossTwoChunksWithoutAName() {
    List<EventData> exported =
        export(List.of(output(1, "pty", "using " + KEY.substring(0, 9)), output(2, "pty", KEY.substring(9) + " ok")));

    assertThat(data(exported.get(0))).isEqualTo("using " + Redaction.MASK);
    assertThat(data(exported.get(1))).isEqualTo(" ok");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.cabtrace.sdk.redact.RedactionCorpusTest#secrets")
  void outputCutAnywhereReadsAsTheWholeTextRedacted(String marked) {
    String text = marked.replace("«", "").replace("»", "");
    String expected = Redaction.defaults().redact(text);
    for (int cut = 0; cut <= text.length(); cut++) {
      String head = text.substring(0, cut);
      String tail = text.substring(cut);
      boolean ascii = StandardCharsets.US_ASCII.newEncoder().canEncode(tail);
      EventData second =
          ascii && cut % 2 == 0
              ? base64Output(2, tail.getBytes(StandardCharsets.US_ASCII))
              : output(2, "pty", tail);
      delegate.reset();
      List<EventData> exported = export(List.of(output(1, "pty", head), second));

      String joined = data(exported.get(0)) + text(exported.get(1));
      assertThat(joined).as("cut at %d", cut).isEqualTo(expected);
    }
  }

  @Test
  void redactsBase64ChunksAndKeepsTheirOtherBytesExactly() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] binary = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, (byte) 0x28, (byte) 0x80};
    bytes.writeBytes(binary);
    bytes.writeBytes(("key " + KEY + " end").getBytes(StandardCharsets.US_ASCII));
    bytes.writeBytes(binary);
    String other = Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 'x', (byte) 0x80});

    List<EventData> events =
        List.of(base64Output(1, bytes.toByteArray()), base64Output(2, Base64.getDecoder().decode(other)));
    List<EventData> exported = export(events);

    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(binary);
    expected.writeBytes(("key " + Redaction.MASK + " end").getBytes(StandardCharsets.US_ASCII));
    expected.writeBytes(binary);
    assertThat(exported.get(0).getAttributes().get(CabAttributes.OUTPUT_ENCODING)).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(data(exported.get(0)))).isEqualTo(expected.toByteArray());
    assertThat(exported.get(1)).as("unchanged chunk").isSameAs(events.get(1));
    assertThat(data(exported.get(1))).isEqualTo(other);
  }

  @Test
  void findsASecretSplitBetweenTextAndBase64Chunks() {
    byte[] tail = (KEY.substring(10) + "\n\u00ff").getBytes(StandardCharsets.ISO_8859_1);
    List<EventData> exported =
        export(List.of(output(1, "pty", "GITHUB_TOKEN=" + KEY.substring(0, 10)), base64Output(2, tail)));

    assertThat(data(exported.get(0))).isEqualTo("GITHUB_TOKEN=" + Redaction.MASK);
    assertThat(Base64.getDecoder().decode(data(exported.get(1)))).containsExactly('\n', (byte) 0xff);
  }

  @Test
  void stillRedactsNameStatusAndAttributes() {
    SpanData span =
        spanBuilder(List.of(EventData.create(1, "note", Attributes.of(CabAttributes.OUTPUT_DATA, "token=abc123"))))
            .setName("call Bearer abc123def456")
            .setStatus(StatusData.create(StatusCode.ERROR, "auth failed for ghp_0123456789abcdefghijABCDEFGHIJ"))
            .setAttributes(Attributes.builder().put("env.HF_TOKEN", "x").put("cab.tui", "aider").build())
            .build();

    assertThat(exporter.export(List.of(span)).isSuccess()).isTrue();
    SpanData out = delegate.getFinishedSpanItems().get(0);

    assertThat(out.getName()).isEqualTo("call Bearer [REDACTED]");
    assertThat(out.getStatus().getDescription()).isEqualTo("auth failed for [REDACTED]");
    assertThat(out.getAttributes().get(AttributeKey.stringKey("env.HF_TOKEN")))
        .isEqualTo(Redaction.MASK);
    assertThat(out.getEvents().get(0).getAttributes().get(CabAttributes.OUTPUT_DATA))
        .isEqualTo("token=[REDACTED]");
  }

  @Test
  void redactsResourceScopeLinksAndEventNames() {
    // A span taken in by record carries the agent's own resource, command line and all.
    Resource resource =
        Resource.create(
            Attributes.builder()
                .put("process.command_line", "aider --api-key " + KEY)
                .put("service.name", "aider")
                .build(),
            "https://opentelemetry.io/schemas/1.24.0");
    InstrumentationScopeInfo scope =
        InstrumentationScopeInfo.builder("agent")
            .setVersion("1.0")
            .setAttributes(Attributes.of(AttributeKey.stringKey("auth_token"), "t0k3n-plain"))
            .build();
    LinkData link =
        LinkData.create(
            SpanContext.create(
                "0123456789abcdef0123456789abcdef", "fedcba9876543210", TraceFlags.getSampled(), TraceState.getDefault()),
            Attributes.of(AttributeKey.stringKey("note"), "GITHUB_TOKEN=" + TOKEN),
            3);
    List<SpanData> spans = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      spans.add(
          spanBuilder(List.of(EventData.create(1, "retry with Bearer " + TOKEN, Attributes.empty())))
              .setResource(resource)
              .setInstrumentationScopeInfo(scope)
              .setLinks(List.of(link))
              .setTotalRecordedLinks(1)
              .build());
    }

    assertThat(exporter.export(spans).isSuccess()).isTrue();
    List<SpanData> out = delegate.getFinishedSpanItems();

    SpanData first = out.get(0);
    assertThat(first.getResource().getAttributes().get(AttributeKey.stringKey("process.command_line")))
        .isEqualTo("aider --api-key " + Redaction.MASK);
    assertThat(first.getResource().getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("aider");
    assertThat(first.getResource().getSchemaUrl()).isEqualTo(resource.getSchemaUrl());
    assertThat(first.getInstrumentationScopeInfo().getAttributes().get(AttributeKey.stringKey("auth_token")))
        .isEqualTo(Redaction.MASK);
    assertThat(first.getInstrumentationScopeInfo().getName()).isEqualTo("agent");
    assertThat(first.getInstrumentationScopeInfo().getVersion()).isEqualTo("1.0");
    assertThat(first.getLinks()).hasSize(1);
    assertThat(first.getLinks().get(0).getAttributes().get(AttributeKey.stringKey("note")))
        .isEqualTo("GITHUB_TOKEN=" + Redaction.MASK);
    assertThat(first.getLinks().get(0).getSpanContext()).isEqualTo(link.getSpanContext());
    assertThat(first.getLinks().get(0).getTotalAttributeCount()).isEqualTo(3);
    assertThat(first.getEvents().get(0).getName()).isEqualTo("retry with Bearer " + Redaction.MASK);
    // Shared instances stay shared, so that an exporter still groups the spans under one resource.
    assertThat(out.get(1).getResource()).isSameAs(first.getResource());
    assertThat(out.get(1).getInstrumentationScopeInfo()).isSameAs(first.getInstrumentationScopeInfo());
  }

  @Test
  void redactsTheScopesNameAndVersionSchemaUrlsTraceStatesBytesAndKeys() {
    // All of them an agent's own text when record takes its spans in; each was exported as sent.
    String ghp = "ghp_0123456789abcdefghijABCDEFGHIJklmn";
    Resource resource = Resource.create(
        Attributes.of(AttributeKey.stringKey("service.name"), "aider"), "https://x.example/schema?api_key=" + TOKEN);
    InstrumentationScopeInfo scope = InstrumentationScopeInfo.builder("lib password=" + TOKEN)
        .setVersion(ghp)
        .setSchemaUrl("https://user:" + TOKEN + "@x.example/")
        .build();
    TraceState state = TraceState.builder().put("vendor", "ok").put("other", ghp).put("api_key", "plain").build();
    SpanContext linked = SpanContext.create(
        "0123456789abcdef0123456789abcdef", "fedcba9876543210", TraceFlags.getSampled(), state);
    byte[] blob = ("\u0000\u00ffapi_key=" + TOKEN + "\n\u0001").getBytes(StandardCharsets.ISO_8859_1);
    SpanData span = spanBuilder(List.of())
        .setSpanContext(SpanContext.create(
            "0123456789abcdef0123456789abcdef", "0123456789abcdef", TraceFlags.getSampled(), state))
        .setResource(resource)
        .setInstrumentationScopeInfo(scope)
        .setLinks(List.of(LinkData.create(linked)))
        .setTotalRecordedLinks(1)
        .setAttributes(Attributes.builder()
            .put(AttributeKey.valueKey("blob"), io.opentelemetry.api.common.Value.of(blob))
            .put(AttributeKey.valueKey("image"), io.opentelemetry.api.common.Value.of(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
            .put("x-" + ghp, 7L)
            .put("cab.tui", "aider")
            .build())
        .build();

    assertThat(exporter.export(List.of(span)).isSuccess()).isTrue();
    SpanData out = delegate.getFinishedSpanItems().get(0);

    assertThat(out.getInstrumentationScopeInfo().getName()).isEqualTo("lib password=" + Redaction.MASK);
    assertThat(out.getInstrumentationScopeInfo().getVersion()).isEqualTo(Redaction.MASK);
    assertThat(out.getInstrumentationScopeInfo().getSchemaUrl()).doesNotContain(TOKEN).startsWith("https://");
    assertThat(out.getResource().getSchemaUrl()).doesNotContain(TOKEN).startsWith("https://x.example/schema?api_key=");
    for (TraceState redacted : List.of(out.getSpanContext().getTraceState(),
        out.getLinks().get(0).getSpanContext().getTraceState())) {
      assertThat(redacted.asMap()).containsEntry("vendor", "ok").containsEntry("other", Redaction.MASK)
          .containsEntry("api_key", Redaction.MASK);
    }
    assertThat(out.getSpanContext().getSpanId()).isEqualTo(span.getSpanContext().getSpanId());
    java.nio.ByteBuffer bytes = (java.nio.ByteBuffer) out.getAttributes().get(AttributeKey.valueKey("blob")).getValue();
    byte[] masked = new byte[bytes.remaining()];
    bytes.get(masked);
    assertThat(new String(masked, StandardCharsets.ISO_8859_1)).isEqualTo("\u0000\u00ffapi_key=" + Redaction.MASK + "\n\u0001");
    assertThat(out.getAttributes().get(AttributeKey.valueKey("image")))
        .isSameAs(span.getAttributes().get(AttributeKey.valueKey("image")));
    assertThat(out.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
        .containsExactlyInAnyOrder("blob", "image", "x-" + Redaction.MASK, "cab.tui");
    assertThat(out.getAttributes().get(AttributeKey.longKey("x-" + Redaction.MASK))).isEqualTo(7L);
  }

  @Test
  void keepsACleanResourceAndScopeAsTheyAre() {
    Resource resource = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "aider"));
    InstrumentationScopeInfo scope = InstrumentationScopeInfo.create("agent");
    SpanData span =
        spanBuilder(List.of())
            .setName("call Bearer abc123def456")
            .setResource(resource)
            .setInstrumentationScopeInfo(scope)
            .build();

    exporter.export(List.of(span));

    SpanData out = delegate.getFinishedSpanItems().get(0);
    assertThat(out.getName()).isEqualTo("call Bearer [REDACTED]");
    assertThat(out.getResource()).isSameAs(resource);
    assertThat(out.getInstrumentationScopeInfo()).isSameAs(scope);
  }

  @Test
  void keepsTheNullElementsOfAnArrayItMasks() {
    AttributeKey<List<String>> args = AttributeKey.stringArrayKey("container.command_args");
    SpanData span =
        spanBuilder(List.of())
            .setAttributes(Attributes.of(args, java.util.Arrays.asList("aider", null, "--api-key", KEY, null)))
            .build();

    assertThat(exporter.export(List.of(span)).isSuccess()).isTrue();

    assertThat(delegate.getFinishedSpanItems()).hasSize(1);
    assertThat(delegate.getFinishedSpanItems().get(0).getAttributes().get(args))
        .containsExactly("aider", null, "--api-key", Redaction.MASK, null);
  }

  @Test
  void aPatternThatOverflowsTheStackCostsOnlyItsSpan() {
    // Each repetition of the group is a level of recursion in java.util.regex.
    SpanExporter patterned = Redaction.builder().addPattern("(?:x|y)*z").build().wrap(delegate);
    SpanData deep = spanBuilder(List.of()).setName("x".repeat(200_000)).build();
    SpanData clean = spanBuilder(List.of()).setName("clean").build();

    assertThat(patterned.export(List.of(deep, clean)).isSuccess()).isTrue();

    assertThat(delegate.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("clean");
    assertThat(((RedactingSpanExporter) patterned).spansLeftOut()).isEqualTo(1);
  }

  @Test
  void handsCleanSpansOnUnchanged() {
    SpanData span = span(List.of(output(1, "stdout", "cargo test\n"), output(2, "stdout", "ok\n")));
    exporter.export(List.of(span));
    assertThat(delegate.getFinishedSpanItems().get(0)).isSameAs(span);
  }

  private List<EventData> export(List<EventData> events) {
    assertThat(exporter.export(List.of(span(events))).isSuccess()).isTrue();
    List<SpanData> spans = delegate.getFinishedSpanItems();
    assertThat(spans).hasSize(1);
    List<EventData> exported = new ArrayList<>(spans.get(0).getEvents());
    assertThat(exported).hasSameSizeAs(events);
    return exported;
  }

  private static TestSpanData span(List<EventData> events) {
    return spanBuilder(events).build();
  }

  private static TestSpanData.Builder spanBuilder(List<EventData> events) {
    return TestSpanData.builder()
        .setSpanContext(
            SpanContext.create(
                "0123456789abcdef0123456789abcdef", "0123456789abcdef", TraceFlags.getSampled(), TraceState.getDefault()))
        .setName("container")
        .setKind(SpanKind.INTERNAL)
        .setStartEpochNanos(0)
        .setEndEpochNanos(10)
        .setHasEnded(true)
        .setStatus(StatusData.unset())
        .setEvents(events)
        .setTotalRecordedEvents(events.size());
  }

  private static EventData output(long nanos, String stream, String text) {
    return EventData.create(
        nanos,
        CabAttributes.OUTPUT_EVENT,
        Attributes.of(CabAttributes.OUTPUT_STREAM, stream, CabAttributes.OUTPUT_DATA, text));
  }

  private static EventData base64Output(long nanos, byte[] bytes) {
    AttributesBuilder attributes =
        Attributes.builder()
            .put(CabAttributes.OUTPUT_STREAM, "pty")
            .put(CabAttributes.OUTPUT_DATA, Base64.getEncoder().encodeToString(bytes))
            .put(CabAttributes.OUTPUT_ENCODING, "base64");
    return EventData.create(nanos, CabAttributes.OUTPUT_EVENT, attributes.build());
  }

  /** An output event's data as text, base64 decoded one char per byte. */
  private static String text(EventData event) {
    String data = data(event);
    return "base64".equals(event.getAttributes().get(CabAttributes.OUTPUT_ENCODING))
        ? new String(Base64.getDecoder().decode(data), StandardCharsets.ISO_8859_1)
        : data;
  }

  private static String data(EventData event) {
    return event.getAttributes().get(CabAttributes.OUTPUT_DATA);
  }
}
