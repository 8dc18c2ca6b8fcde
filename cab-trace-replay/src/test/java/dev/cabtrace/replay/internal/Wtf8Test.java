package dev.cabtrace.replay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** WTF-8, which carries the lone surrogates of an OTLP/JSON request to {@link ProtoSpans}. */
class Wtf8Test {

  private static final String LONE = "high \ud800 low \udfff reversed \ude00\ud83d pair \ud83d\ude00 end \udbff";

  @Test
  void stringsReadBackAsTheyWereAndWellFormedOnesAreUtf8() throws Exception {
    Random random = new Random(5);
    for (int n = 0; n < 5_000; n++) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(12); i > 0; i--) {
        switch (random.nextInt(4)) {
          case 0 -> text.append((char) random.nextInt(0x80));
          case 1 -> text.append((char) (0xD800 + random.nextInt(0x800)));
          case 2 -> text.append((char) random.nextInt(0x10000));
          default -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
        }
      }
      String original = text.toString();
      byte[] encoded = Wtf8.encode(original);
      assertThat(Wtf8.decode(encoded, 0, encoded.length)).isEqualTo(original);
      if (original.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF)) {
        assertThat(encoded).isEqualTo(original.getBytes(StandardCharsets.UTF_8));
      }
    }
    assertThatThrownBy(() -> Wtf8.decode(new byte[] {'a', (byte) 0xC3, 0x28}, 0, 3))
        .isInstanceOf(ProtoSpans.Malformed.class);
  }

  @Test
  void onlyAnEscapedSurrogateWithoutItsOtherHalfMayBeLone() {
    for (String json : List.of("\"\\ud800\"", "\"a\\uDE00\"", "\"\\ud83d\\u0041\"", "\"\\ud83dx\"", "\"x\\\\\\ud800\"",
        "\"\\ude00\\ud83d\"")) {
      assertThat(Wtf8.mayHoldLoneSurrogate(json.getBytes(StandardCharsets.US_ASCII))).as(json).isTrue();
    }
    for (String json : List.of("\"plain\"", "\"\\ud83d\\ude00\"", "\"\\\\ud800\"", "\"\\u00e9 \\\" \\n\"", "\"\\ud7ff\\ue000\"")) {
      assertThat(Wtf8.mayHoldLoneSurrogate(json.getBytes(StandardCharsets.US_ASCII))).as(json).isFalse();
    }
  }

  @Test
  void aRequestWithLoneSurrogatesReadsAsTheOfficialClassesHoldItAndOneWithoutIsProtobufsOwn() throws Exception {
    ExportTraceServiceRequest request = request(LONE);

    // Without a lone surrogate, the official parser reads the same message back (the fields in
    // another order).
    ExportTraceServiceRequest plain = request("no surrogate here ✓ \ud83d\ude00");
    assertThat(ExportTraceServiceRequest.parseFrom(Wtf8.encode(plain))).isEqualTo(plain);

    List<SpanData> read = ProtoSpans.of(Wtf8.encode(request), true).spans();
    List<SpanData> reference = ReferenceProtoSpans.of(request);
    assertThat(read).hasSize(1);
    SpanData span = read.get(0);
    assertThat(span.getName()).isEqualTo(LONE).isEqualTo(reference.get(0).getName());
    assertThat(span.getAttributes()).isEqualTo(reference.get(0).getAttributes());
    assertThat(span.getAttributes().get(AttributeKey.stringKey(LONE))).isEqualTo(LONE);
    assertThat(span.getResource()).isEqualTo(reference.get(0).getResource());
    assertThat(span.getInstrumentationScopeInfo()).isEqualTo(reference.get(0).getInstrumentationScopeInfo());
    assertThat(span.getEvents().get(0).getName()).isEqualTo(LONE);
    assertThat(span.getStatus().getDescription()).isEqualTo(LONE);
    assertThat(span.getStartEpochNanos()).isEqualTo(1_700_000_000_000_000_001L);
    // Off the wire, where strings must be UTF-8, the same bytes are refused.
    assertThatThrownBy(() -> ProtoSpans.of(Wtf8.encode(request), false)).isInstanceOf(ProtoSpans.Malformed.class);
  }

  private static ExportTraceServiceRequest request(String text) {
    AnyValue string = AnyValue.newBuilder().setStringValue(text).build();
    Span span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
        .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .setName(text)
        .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(1_700_000_000_000_000_001L)
        .setEndTimeUnixNano(-2)
        .setFlags(0x301)
        .setDroppedAttributesCount(3)
        .addAttributes(KeyValue.newBuilder().setKey(text).setValue(string))
        .addAttributes(KeyValue.newBuilder().setKey("list").setValue(AnyValue.newBuilder()
            .setArrayValue(ArrayValue.newBuilder().addValues(string).addValues(AnyValue.newBuilder().setIntValue(-7)))))
        .addAttributes(KeyValue.newBuilder().setKey("map").setValue(AnyValue.newBuilder()
            .setKvlistValue(KeyValueList.newBuilder().addValues(KeyValue.newBuilder().setKey(text)
                .setValue(AnyValue.newBuilder().setDoubleValue(2.5))))))
        .addAttributes(KeyValue.newBuilder().setKey("yes").setValue(AnyValue.newBuilder().setBoolValue(true)))
        .addEvents(Span.Event.newBuilder().setName(text).setTimeUnixNano(5))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(text))
        .build();
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name").setValue(string)))
        .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName(text).setVersion("1"))
            .addSpans(span))).build();
  }
}
