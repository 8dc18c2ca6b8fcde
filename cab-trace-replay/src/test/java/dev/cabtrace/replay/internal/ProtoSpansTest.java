package dev.cabtrace.replay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ProtoSpans} reads the wire format itself: it must give exactly what converting the
 * official protobuf classes' parse gives ({@link ReferenceProtoSpans}), for whatever a sender
 * writes.
 */
class ProtoSpansTest {

  @Test
  void theOfficialSdksSpansReadAsTheOfficialClassesReadThem() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    List<SpanData> ended;
    try (SdkTracerProvider agent = SdkTracerProvider.builder()
        .setResource(io.opentelemetry.sdk.resources.Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), "agent"), "https://schema/1"))
        .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()) {
      var tracer = agent.tracerBuilder("scope").setInstrumentationVersion("1.2").setSchemaUrl("https://schema/2").build();
      Span parent = tracer.spanBuilder("parent").setSpanKind(SpanKind.SERVER).startSpan();
      SpanContext linked = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
          TraceFlags.getDefault(), TraceState.builder().put("k", "v").build());
      tracer.spanBuilder("child ünïcode ✓").setParent(io.opentelemetry.context.Context.current().with(parent))
          .setSpanKind(SpanKind.CLIENT)
          .setAttribute("s", "text").setAttribute("b", true).setAttribute("l", -7L).setAttribute("d", 2.5)
          .setAttribute(AttributeKey.stringArrayKey("sa"), List.of("x", "y"))
          .setAttribute(AttributeKey.longArrayKey("la"), List.of(1L, 2L))
          .setAttribute(AttributeKey.doubleArrayKey("da"), List.of(0.5))
          .setAttribute(AttributeKey.booleanArrayKey("ba"), List.of(false))
          .setAttribute(AttributeKey.valueKey("bytes"), Value.of(new byte[] {1, 2, 3}))
          .setAttribute(AttributeKey.valueKey("kv"), Value.of(io.opentelemetry.api.common.KeyValue.of("n", Value.of(1L))))
          .addLink(linked, Attributes.of(AttributeKey.stringKey("why"), "retry"))
          .startSpan()
          .addEvent("e", Attributes.of(AttributeKey.longKey("n"), 3L))
          .setStatus(StatusCode.ERROR, "broke")
          .end();
      parent.setStatus(StatusCode.OK).end();
      ended = spans.getFinishedSpanItems();
    }
    // Not the exporter's list: closing the provider cleared it.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(ended).writeBinaryTo(out);

    List<SpanData> read = assertSameAsReference(out.toByteArray());

    assertThat(read).hasSize(2);
    SpanData child = read.get(0);
    assertThat(child.getName()).isEqualTo("child ünïcode ✓");
    assertThat(child.getAttributes().get(AttributeKey.longArrayKey("la"))).containsExactly(1L, 2L);
    assertThat(child.getLinks().get(0).getSpanContext().getTraceState().get("k")).isEqualTo("v");
    assertThat(child.getParentSpanContext().getSpanId()).isEqualTo(read.get(1).getSpanContext().getSpanId());
    assertThat(child.getInstrumentationScopeInfo().getSchemaUrl()).isEqualTo("https://schema/2");
    assertThat(child.getResource().getSchemaUrl()).isEqualTo("https://schema/1");
  }

  @Test
  void anyRequestReadsAsTheOfficialClassesReadIt() throws Exception {
    Random random = new Random(12);
    int spans = 0;
    for (int i = 0; i < 500; i++) {
      spans += assertSameAsReference(randomRequest(random).toByteArray()).size();
    }
    assertThat(spans).as("spans compared").isGreaterThan(2000);
  }

  @Test
  void theResourceAndScopeMayFollowTheSpansAndRepeatedFieldsMerge() throws Exception {
    ByteString span = span(new Random(1)).build().toByteString();
    ByteString status = Status.newBuilder().setMessage("first").build().toByteString();
    ByteString scope = InstrumentationScope.newBuilder().setName("late").build().toByteString();
    ByteString resource = Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("a")
        .setValue(AnyValue.newBuilder().setStringValue("1"))).build().toByteString();
    ByteString twoArrays = concat(KeyValue.newBuilder().setKey("twice").build().toByteString(),
        field(2, AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(1))).build().toByteString()),
        field(2, AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(2))).build().toByteString()));
    span = span.concat(field(9, twoArrays));
    ByteString scopeSpans = concat(
        field(2, span.concat(field(15, status)).concat(field(15, Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).build().toByteString()))),
        field(1, scope),
        unknown());
    ByteString resourceSpans = concat(field(2, scopeSpans), field(1, resource), field(1, resource), unknown());
    List<SpanData> read = assertSameAsReference(concat(field(1, resourceSpans), unknown()).toByteArray());
    assertThat(read.get(0).getStatus().getDescription()).isEqualTo("first");
    assertThat(read.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(read.get(0).getInstrumentationScopeInfo().getName()).isEqualTo("late");
    assertThat(read.get(0).getAttributes().get(AttributeKey.longArrayKey("twice"))).containsExactly(1L, 2L);
  }

  @Test
  void anArrayRepeatedWithinOneValueAppendsAsTheOfficialClassesAppend() throws Exception {
    // Field 5 (array_value) over and over in one AnyValue, then a second value field merged in.
    List<ByteString> repeats = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      repeats.add(field(5, ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(i)).build().toByteString()));
    }
    ByteString first = concat(repeats.toArray(new ByteString[0]));
    ByteString second = field(5, ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(-1)).build().toByteString());
    ByteString keyValue = concat(KeyValue.newBuilder().setKey("many").build().toByteString(), field(2, first), field(2, second));
    ByteString span = span(new Random(2)).build().toByteString().concat(field(9, keyValue));
    ByteString scopeSpans = field(2, span);

    List<SpanData> read = assertSameAsReference(field(1, field(2, scopeSpans)).toByteArray());

    List<Long> many = read.get(0).getAttributes().get(AttributeKey.longArrayKey("many"));
    assertThat(many).hasSize(20_001).startsWith(0L, 1L, 2L).endsWith(19_999L, -1L);
  }

  @Test
  void aSpanWithBadIdsIsRejectedAloneAndTheRestRead() throws Exception {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    ScopeSpans.Builder scope = ScopeSpans.newBuilder()
        .addSpans(span(new Random(1)).setName("good-1"))
        .addSpans(span(new Random(2)).setName("short-span-id").setSpanId(ByteString.copyFrom(new byte[3])))
        .addSpans(span(new Random(3)).setName("no-trace-id").clearTraceId())
        .addSpans(span(new Random(4)).setName("zero-trace-id").setTraceId(ByteString.copyFrom(new byte[16])))
        .addSpans(span(new Random(5)).setName("zero-span-id").setSpanId(ByteString.copyFrom(new byte[8])))
        .addSpans(span(new Random(6)).setName("short-parent").setParentSpanId(ByteString.copyFrom(new byte[7])))
        .addSpans(span(new Random(7)).setName("short-link").addLinks(io.opentelemetry.proto.trace.v1.Span.Link
            .newBuilder().setTraceId(ByteString.copyFrom(new byte[5])).setSpanId(ByteString.copyFrom(new byte[8]))))
        .addSpans(span(new Random(8)).setName("good-2"));
    request.addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope));

    ProtoSpans.Received received = ProtoSpans.of(request.build().toByteArray(), false);

    assertThat(received.spans()).extracting(SpanData::getName).containsExactly("good-1", "good-2");
    assertThat(received.rejectedSpans()).isEqualTo(6);
    assertThat(received.rejections()).isEqualTo("6 of 8 spans rejected: span 2 \"short-span-id\": spanId has 3 bytes,"
        + " not 8; span 3 \"no-trace-id\": traceId has 0 bytes, not 16; span 4 \"zero-trace-id\": traceId is all"
        + " zeros, which means no id; and 3 more");
    ProtoSpans.Received one = ProtoSpans.of(request(span(new Random(4)).setName("zero")
        .setSpanId(ByteString.copyFrom(new byte[8]))).toByteArray(), false);
    assertThat(one.spans()).isEmpty();
    assertThat(one.rejections()).isEqualTo("1 of 1 spans rejected: span 1 \"zero\": spanId is all zeros, which means no id");
    ProtoSpans.Received fromJson = ProtoSpans.of(request(span(new Random(4)).setName("json")
        .setSpanId(ByteString.copyFrom(new byte[1]))).toByteArray(), true);
    assertThat(fromJson.rejections()).endsWith("span 1 \"json\": spanId is not 16 hex digits");
  }

  /**
   * OTLP 1.1's flags: the W3C trace flags in the low byte, then whether the parent's (a link's:
   * the linked span's) remoteness is known (0x100) and that it is remote (0x200). A sender older
   * than OTLP 1.1 sends none, and opentelemetry-python's and -ruby's exporters only the remoteness
   * bits (0x100, 0x300): an exported span without trace flags was sampled. A link's are as sent.
   */
  @Test
  void theTraceFlagsAndRemotenessAreKeptAsSentAndNoTraceFlagsAreSampled() throws Exception {
    int[] sent = {0, 0x100, 0x103, 0x301, 0x200, 0x300, 0x302};
    int[] traceFlags = {0x01, 0x01, 0x03, 0x01, 0x01, 0x01, 0x02};
    boolean[] remote = {false, false, false, true, false, true, true};
    for (int i = 0; i < sent.length; i++) {
      Random random = new Random(i);
      var link = io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceId(bytes(random, 16))
          .setSpanId(bytes(random, 8)).setFlags(sent[i]);
      SpanData read = ProtoSpans.of(request(span(random).setParentSpanId(bytes(random, 8)).setFlags(sent[i])
          .clearLinks().addLinks(link)).toByteArray(), false).spans().get(0);

      String as = "flags 0x" + Integer.toHexString(sent[i]);
      assertThat(read.getSpanContext().getTraceFlags().asByte()).as(as).isEqualTo((byte) traceFlags[i]);
      assertThat(read.getParentSpanContext().isRemote()).as(as).isEqualTo(remote[i]);
      SpanContext linked = read.getLinks().get(0).getSpanContext();
      assertThat(linked.getTraceFlags().asByte()).as(as).isEqualTo((byte) (sent[i] & 0xFF));
      assertThat(linked.isRemote()).as(as).isEqualTo(remote[i]);
    }
  }

  @Test
  void malformedRequestsAreRefused() {
    byte[] valid = randomRequest(new Random(3)).toByteArray();
    assertThatThrownBy(() -> ProtoSpans.of(Arrays.copyOf(valid, valid.length - 3), false)).isInstanceOf(ProtoSpans.Malformed.class);
    assertThatThrownBy(() -> ProtoSpans.of(new byte[] {0x0a, 0x7f, 0x01}, false)).isInstanceOf(ProtoSpans.Malformed.class);
    byte[] notUtf8 = request(span(new Random(5)).setName("NAME")).toByteArray();
    int at = indexOf(notUtf8, "NAME".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    notUtf8[at] = (byte) 0xC3;
    notUtf8[at + 1] = (byte) 0x28;
    assertThatThrownBy(() -> ExportTraceServiceRequest.parseFrom(notUtf8)).isInstanceOf(com.google.protobuf.InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> ProtoSpans.of(notUtf8, false)).isInstanceOf(ProtoSpans.Malformed.class);
    AnyValue deep = AnyValue.newBuilder().setStringValue("bottom").build();
    for (int i = 0; i < 150; i++) {
      deep = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(deep)).build();
    }
    ExportTraceServiceRequest nested = request(span(new Random(6)).addAttributes(KeyValue.newBuilder().setKey("deep").setValue(deep)));
    assertThatThrownBy(() -> ProtoSpans.of(nested.toByteArray(), false)).isInstanceOf(ProtoSpans.Malformed.class);
  }

  private static List<SpanData> assertSameAsReference(byte[] bytes) throws Exception {
    List<SpanData> reference;
    try {
      reference = ReferenceProtoSpans.of(ExportTraceServiceRequest.parseFrom(bytes));
    } catch (Exception e) {
      // A resource key that is not ASCII, for instance: refused either way.
      assertThatThrownBy(() -> ProtoSpans.of(bytes, false)).as("refused like " + e).isNotNull();
      return List.of();
    }
    List<SpanData> read = ProtoSpans.of(bytes, false).spans();
    assertThat(read).hasSameSizeAs(reference);
    for (int i = 0; i < read.size(); i++) {
      assertThat(fields(read.get(i))).isEqualTo(fields(reference.get(i)));
    }
    return read;
  }

  /** Everything an exporter reads of a span, in forms that compare by value. */
  private static List<Object> fields(SpanData span) {
    List<Object> fields = new ArrayList<>(List.of(span.getName(), span.getKind(), span.getSpanContext(),
        span.getParentSpanContext(), span.getStatus(), span.getStartEpochNanos(), span.getEndEpochNanos(),
        comparable(span.getAttributes()), span.getTotalAttributeCount(), span.getTotalRecordedEvents(),
        span.getTotalRecordedLinks(), span.getInstrumentationScopeInfo(), span.getResource(), span.hasEnded()));
    for (EventData event : span.getEvents()) {
      fields.add(List.of(event.getEpochNanos(), event.getName(), comparable(event.getAttributes()),
          event.getTotalAttributeCount()));
    }
    for (LinkData link : span.getLinks()) {
      fields.add(List.of(link.getSpanContext(), comparable(link.getAttributes()), link.getTotalAttributeCount()));
    }
    return fields;
  }

  /** Attributes with byte values as text: a Value of bytes does not compare by content. */
  private static List<String> comparable(Attributes attributes) {
    List<String> entries = new ArrayList<>();
    attributes.forEach((key, value) -> entries.add(key.getType() + " " + key.getKey() + "="
        + (value instanceof Value ? ((Value<?>) value).asString() + "/" + ((Value<?>) value).getType() : value)));
    return entries;
  }

  private static ExportTraceServiceRequest randomRequest(Random random) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (int r = random.nextInt(3); r >= 0; r--) {
      ResourceSpans.Builder resourceSpans = ResourceSpans.newBuilder()
          .setResource(Resource.newBuilder().addAllAttributes(keyValues(random, 0)))
          .setSchemaUrl(random.nextBoolean() ? "" : text(random));
      for (int s = random.nextInt(3); s >= 0; s--) {
        ScopeSpans.Builder scopeSpans = ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName(text(random))
                .setVersion(random.nextBoolean() ? "" : text(random)).addAllAttributes(keyValues(random, 0)))
            .setSchemaUrl(random.nextBoolean() ? "" : text(random));
        for (int n = random.nextInt(6); n >= 0; n--) {
          scopeSpans.addSpans(span(random));
        }
        resourceSpans.addScopeSpans(scopeSpans);
      }
      request.addResourceSpans(resourceSpans);
    }
    return request.build();
  }

  private static final ByteString SHARED_TRACE = ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

  private static io.opentelemetry.proto.trace.v1.Span.Builder span(Random random) {
    io.opentelemetry.proto.trace.v1.Span.Builder span = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(random.nextInt(4) == 0 ? bytes(random, 16) : SHARED_TRACE)
        .setSpanId(bytes(random, 8))
        .setName(text(random))
        .setKindValue(random.nextInt(7))
        .setStartTimeUnixNano(random.nextLong())
        .setEndTimeUnixNano(random.nextLong())
        .setFlags(random.nextInt())
        .addAllAttributes(keyValues(random, 0))
        .setDroppedAttributesCount(random.nextInt(3))
        .setDroppedEventsCount(random.nextInt(3))
        .setDroppedLinksCount(random.nextInt(3));
    if (random.nextBoolean()) {
      span.setParentSpanId(bytes(random, 8));
    }
    if (random.nextInt(3) == 0) {
      span.setTraceState(random.nextBoolean() ? "a=1,b=2" : "vendor=x");
    }
    if (random.nextBoolean()) {
      span.setStatus(Status.newBuilder().setCodeValue(random.nextInt(4)).setMessage(random.nextBoolean() ? "" : text(random)));
    }
    for (int e = random.nextInt(3); e > 0; e--) {
      span.addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setTimeUnixNano(random.nextLong())
          .setName(text(random)).addAllAttributes(keyValues(random, 0)).setDroppedAttributesCount(random.nextInt(2)));
    }
    for (int l = random.nextInt(3); l > 0; l--) {
      span.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceId(bytes(random, 16))
          .setSpanId(bytes(random, 8)).setTraceState(random.nextBoolean() ? "" : "k=v").setFlags(random.nextInt())
          .addAllAttributes(keyValues(random, 0)).setDroppedAttributesCount(random.nextInt(2)));
    }
    return span;
  }

  private static final String[] KEYS = {"cab.span.kind", "gen_ai.tool.name", "i", "", "ключ", "k"};

  private static List<KeyValue> keyValues(Random random, int depth) {
    List<KeyValue> keyValues = new ArrayList<>();
    for (int i = random.nextInt(5); i > 0; i--) {
      KeyValue.Builder keyValue = KeyValue.newBuilder().setKey(KEYS[random.nextInt(KEYS.length)]);
      if (random.nextInt(8) != 0) {
        keyValue.setValue(anyValue(random, depth));
      }
      keyValues.add(keyValue.build());
    }
    return keyValues;
  }

  private static AnyValue anyValue(Random random, int depth) {
    AnyValue.Builder value = AnyValue.newBuilder();
    switch (random.nextInt(depth > 2 ? 5 : 9)) {
      case 0:
        return value.setStringValue(text(random)).build();
      case 1:
        return value.setBoolValue(random.nextBoolean()).build();
      case 2:
        return value.setIntValue(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(200) - 100).build();
      case 3:
        return value.setDoubleValue(random.nextDouble()).build();
      case 4:
        return value.build();
      case 5: {
        ArrayValue.Builder array = ArrayValue.newBuilder();
        AnyValue first = anyValue(random, depth + 1);
        for (int i = random.nextInt(4); i > 0; i--) {
          // Mostly of one type, as arrays usually are.
          array.addValues(random.nextInt(4) == 0 ? anyValue(random, depth + 1) : first);
        }
        return value.setArrayValue(array).build();
      }
      case 6:
        return value.setKvlistValue(KeyValueList.newBuilder().addAllValues(keyValues(random, depth + 1))).build();
      case 7:
        return value.setBytesValue(bytes(random, random.nextInt(5))).build();
      default:
        return value.setStringValueStrindex(random.nextInt(9)).build();
    }
  }

  private static String text(Random random) {
    switch (random.nextInt(5)) {
      case 0:
        return "";
      case 1:
        return "bash";
      case 2:
        return "ünï ✓ " + random.nextInt(3);
      case 3:
        return "long ".repeat(20) + random.nextInt(3);
      default:
        return "tool_call";
    }
  }

  private static ByteString bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  private static ExportTraceServiceRequest request(io.opentelemetry.proto.trace.v1.Span.Builder span) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build();
  }

  /** A length-delimited field. */
  private static ByteString field(int number, ByteString message) {
    ByteBuffer head = ByteBuffer.allocate(6);
    head.put((byte) ((number << 3) | 2));
    int length = message.size();
    while (length >= 0x80) {
      head.put((byte) ((length & 0x7F) | 0x80));
      length >>>= 7;
    }
    head.put((byte) length);
    return ByteString.copyFrom(head.array(), 0, head.position()).concat(message);
  }

  /** A field no version of OTLP defines (number 99, varint), which readers skip. */
  private static ByteString unknown() {
    return ByteString.copyFrom(new byte[] {(byte) 0x98, 0x06, 0x2a});
  }

  private static ByteString concat(ByteString... parts) {
    ByteString all = ByteString.EMPTY;
    for (ByteString part : parts) {
      all = all.concat(part);
    }
    return all;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }
}
