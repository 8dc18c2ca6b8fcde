package dev.cabtrace.replay.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfoBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads an OTLP {@code ExportTraceServiceRequest} (protobuf, as {@code opentelemetry-proto} defines
 * it) straight into the SDK's span data, field for field: ids, parent, trace state and flags, kind,
 * times, attributes of every type (key-value lists, bytes and mixed arrays as OpenTelemetry {@link
 * Value}s), events, links, status, dropped counts, scope (name, version, schema URL, attributes)
 * and resource. A span whose ids are wrong is rejected alone (OTLP's partial success); a request
 * that is not protobuf, or not UTF-8 where it must be, is refused whole.
 *
 * <p>The wire format is walked with protobuf's {@link CodedInputStream} instead of building the
 * request's message objects first: a receiver spends most of its time there otherwise. Within one
 * request the keys, names and short values that repeat from span to span are decoded once.
 *
 * <p>Internal: {@code record} reads the requests it receives with it, {@code push} the lines of a
 * capture file; not part of cab-trace's API, it may change without notice.
 */
public final class ProtoSpans {

  /** A request the receiver refuses whole: not protobuf, or a string that is not UTF-8, for instance. */
  public static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  /** A span that is left out of an otherwise good request: its ids are wrong. */
  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    Rejected(String message) {
      super(message);
    }
  }

  /**
   * The spans of one request that were read, and those that were rejected.
   *
   * @param rejections why, for the sender: the first few rejected spans by position and name
   */
  public record Received(List<SpanData> spans, int rejectedSpans, String rejections) {}

  private static final HexFormat HEX = HexFormat.of();
  private static final int REJECTIONS_TOLD = 3;
  private static final int MAX_NAME_TOLD = 100;
  static final long NO_BYTES = 0;

  // Tags: field number and wire type, as the generated parsers switch on them.
  static final int LENGTH = WireFormat.WIRETYPE_LENGTH_DELIMITED;
  static final int VARINT = WireFormat.WIRETYPE_VARINT;
  static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;
  static final int FIXED32 = WireFormat.WIRETYPE_FIXED32;

  // OTLP's SpanFlags: the W3C trace flags in the low byte; then whether the remoteness of the
  // parent (or linked span) is known (0x100), and that it is remote (0x200).
  private static final int TRACE_FLAGS = 0xFF;
  private static final int REMOTE = 0x100 | 0x200;

  private final byte[] request;
  private final boolean fromJson;
  private final List<SpanData> spans = new ArrayList<>();
  private final ProtoValues values;
  private int lastTraceIdAt = -1;
  private String lastTraceId;
  private int rejected;
  private final StringBuilder rejections = new StringBuilder();

  private ProtoSpans(byte[] request, boolean fromJson) {
    this.request = request;
    this.fromJson = fromJson;
    this.values = new ProtoValues(request, fromJson);
  }

  /**
   * The spans of a protobuf-encoded export request. {@code fromJson}: the bytes were made from an
   * OTLP/JSON request ({@link OtlpJsonRequest#parse}), whose ids were hex and whose strings may
   * hold lone surrogates ({@link Wtf8}).
   */
  public static Received of(byte[] request, boolean fromJson) throws Malformed {
    ProtoSpans reader = new ProtoSpans(request, fromJson);
    try {
      CodedInputStream in = reader.stream(0, request.length);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == tag(1, LENGTH)) {
          long slice = slice(in, 0);
          reader.resourceSpans(at(slice), length(slice));
        } else {
          in.skipField(tag);
        }
      }
    } catch (IOException e) {
      // Only InvalidProtocolBufferException: the bytes are all in memory.
      throw new Malformed(e.getMessage());
    }
    return reader.received();
  }

  private Received received() {
    if (rejected == 0) {
      return new Received(spans, 0, "");
    }
    if (rejected > REJECTIONS_TOLD) {
      rejections.append("; and ").append(rejected - REJECTIONS_TOLD).append(" more");
    }
    return new Received(spans, rejected,
        rejected + " of " + (spans.size() + rejected) + " spans rejected: " + rejections);
  }

  static int tag(int field, int wireType) {
    return (field << 3) | wireType;
  }

  private CodedInputStream stream(int offset, int length) {
    return CodedInputStream.newInstance(request, offset, length);
  }

  /** Where {@code in}, reading the request from {@code base}, is now. */
  static int position(CodedInputStream in, int base) {
    return base + in.getTotalBytesRead();
  }

  /**
   * A ResourceSpans message. Its resource is read first, as it may follow the spans on the wire;
   * a field given twice merges, as protobuf merges it.
   */
  private void resourceSpans(int offset, int length) throws IOException, Malformed {
    AttributesBuilder attributes = null;
    String schemaUrl = null;
    CodedInputStream in = stream(offset, length);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == tag(1, LENGTH)) {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int field = in.readTag(); field != 0; field = in.readTag()) {
          if (field == tag(1, LENGTH)) {
            attributes = values.keyValue(in, offset, attributes);
          } else {
            in.skipField(field);
          }
        }
        in.popLimit(limit);
      } else if (tag == tag(3, LENGTH)) {
        schemaUrl = values.text(in, offset);
      } else {
        in.skipField(tag);
      }
    }
    Resource resource = Resource.create(build(attributes), emptyToNull(schemaUrl));
    in = stream(offset, length);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == tag(2, LENGTH)) {
        long slice = slice(in, offset);
        scopeSpans(at(slice), length(slice), resource);
      } else {
        in.skipField(tag);
      }
    }
  }

  /** A ScopeSpans message: its scope first, then its spans. */
  private void scopeSpans(int offset, int length, Resource resource) throws IOException, Malformed {
    String name = "";
    String version = "";
    String schemaUrl = "";
    AttributesBuilder attributes = null;
    CodedInputStream in = stream(offset, length);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == tag(1, LENGTH)) {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int field = in.readTag(); field != 0; field = in.readTag()) {
          if (field == tag(1, LENGTH)) {
            name = values.text(in, offset);
          } else if (field == tag(2, LENGTH)) {
            version = values.text(in, offset);
          } else if (field == tag(3, LENGTH)) {
            attributes = values.keyValue(in, offset, attributes);
          } else {
            in.skipField(field);
          }
        }
        in.popLimit(limit);
      } else if (tag == tag(3, LENGTH)) {
        schemaUrl = values.text(in, offset);
      } else {
        in.skipField(tag);
      }
    }
    InstrumentationScopeInfoBuilder scopeBuilder = InstrumentationScopeInfo.builder(name);
    if (!version.isEmpty()) {
      scopeBuilder.setVersion(version);
    }
    if (!schemaUrl.isEmpty()) {
      scopeBuilder.setSchemaUrl(schemaUrl);
    }
    if (attributes != null) {
      scopeBuilder.setAttributes(attributes.build());
    }
    InstrumentationScopeInfo scope = scopeBuilder.build();
    in = stream(offset, length);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == tag(2, LENGTH)) {
        int spanLength = in.readRawVarint32();
        int spanAt = position(in, offset);
        int limit = in.pushLimit(spanLength);
        try {
          spans.add(span(in, offset, scope, resource));
        } catch (Rejected e) {
          in.skipRawBytes(in.getBytesUntilLimit());
          reject(spanAt, spanLength, e.getMessage());
        }
        in.popLimit(limit);
      } else {
        in.skipField(tag);
      }
    }
  }

  /** Counts the span at {@code at}, and tells why for the first few, by position and name. */
  private void reject(int at, int length, String why) throws IOException, Malformed {
    if (++rejected > REJECTIONS_TOLD) {
      return;
    }
    String name = "";
    CodedInputStream in = stream(at, length);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == tag(5, LENGTH)) {
        name = values.text(in, at);
      } else {
        in.skipField(tag);
      }
    }
    rejections.append(rejected == 1 ? "" : "; ").append("span ").append(spans.size() + rejected)
        .append(" \"").append(name.length() > MAX_NAME_TOLD ? name.substring(0, MAX_NAME_TOLD) + "..." : name)
        .append("\": ").append(why);
  }

  private SpanData span(CodedInputStream in, int base, InstrumentationScopeInfo scope, Resource resource)
      throws IOException, Malformed, Rejected {
    long traceId = NO_BYTES;
    long spanId = NO_BYTES;
    long parentId = NO_BYTES;
    String traceState = "";
    int flags = 0;
    String name = "";
    int kind = 0;
    long start = 0;
    long end = 0;
    AttributesBuilder attributes = null;
    int droppedAttributes = 0;
    List<EventData> events = List.of();
    int droppedEvents = 0;
    List<LinkData> links = List.of();
    int droppedLinks = 0;
    int statusCode = 0;
    String statusMessage = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (1 << 3) | LENGTH:
          traceId = slice(in, base);
          break;
        case (2 << 3) | LENGTH:
          spanId = slice(in, base);
          break;
        case (3 << 3) | LENGTH:
          traceState = values.text(in, base);
          break;
        case (4 << 3) | LENGTH:
          parentId = slice(in, base);
          break;
        case (16 << 3) | FIXED32:
          flags = in.readFixed32();
          break;
        case (5 << 3) | LENGTH:
          name = values.text(in, base);
          break;
        case (6 << 3) | VARINT:
          kind = in.readEnum();
          break;
        case (7 << 3) | FIXED64:
          start = in.readFixed64();
          break;
        case (8 << 3) | FIXED64:
          end = in.readFixed64();
          break;
        case (9 << 3) | LENGTH:
          attributes = values.keyValue(in, base, attributes);
          break;
        case (10 << 3) | VARINT:
          droppedAttributes = in.readUInt32();
          break;
        case (11 << 3) | LENGTH:
          events = events.isEmpty() ? new ArrayList<>() : events;
          events.add(event(in, base));
          break;
        case (12 << 3) | VARINT:
          droppedEvents = in.readUInt32();
          break;
        case (13 << 3) | LENGTH:
          links = links.isEmpty() ? new ArrayList<>() : links;
          links.add(link(in, base));
          break;
        case (14 << 3) | VARINT:
          droppedLinks = in.readUInt32();
          break;
        case (15 << 3) | LENGTH: {
          int limit = in.pushLimit(in.readRawVarint32());
          for (int field = in.readTag(); field != 0; field = in.readTag()) {
            if (field == tag(2, LENGTH)) {
              statusMessage = values.text(in, base);
            } else if (field == tag(3, VARINT)) {
              statusCode = in.readEnum();
            } else {
              in.skipField(field);
            }
          }
          in.popLimit(limit);
          break;
        }
        default:
          in.skipField(tag);
      }
    }
    String traceIdHex = traceId(traceId);
    String spanIdHex = validId(spanId, 8, "spanId");
    // No trace flags: a sender older than OTLP 1.1, which had none, or one that sends only the
    // remoteness bits (opentelemetry-python's and -ruby's exporters); the span was exported, so
    // it was sampled.
    TraceFlags traceFlags = TraceFlags.fromByte((byte) ((flags & TRACE_FLAGS) == 0 ? 0x01 : flags & TRACE_FLAGS));
    SpanContext context = SpanContext.create(traceIdHex, spanIdHex, traceFlags, traceState(traceState));
    SpanContext parent = length(parentId) == 0
        ? SpanContext.getInvalid()
        : context(traceIdHex, id(parentId, 8, "parentSpanId"), traceFlags, TraceState.getDefault(), flags);
    Attributes built = build(attributes);
    return ImmutableSpanData.create(name, kind(kind), context, parent, status(statusCode, statusMessage), start, end,
        built, built.size() + droppedAttributes, events, events.size() + droppedEvents, links,
        links.size() + droppedLinks, scope, resource);
  }

  private EventData event(CodedInputStream in, int base) throws IOException, Malformed, Rejected {
    long[] time = {0};
    String[] name = {""};
    Attributed message = attributed(in, base, 3, 4, tag -> {
      if (tag == tag(1, FIXED64)) {
        time[0] = in.readFixed64();
      } else if (tag == tag(2, LENGTH)) {
        name[0] = values.text(in, base);
      } else {
        return false;
      }
      return true;
    });
    return EventData.create(time[0], name[0], message.attributes(), message.totalAttributes());
  }

  private LinkData link(CodedInputStream in, int base) throws IOException, Malformed, Rejected {
    long[] ids = {NO_BYTES, NO_BYTES};
    String[] traceState = {""};
    int[] flags = {0};
    Attributed message = attributed(in, base, 4, 5, tag -> {
      if (tag == tag(1, LENGTH)) {
        ids[0] = slice(in, base);
      } else if (tag == tag(2, LENGTH)) {
        ids[1] = slice(in, base);
      } else if (tag == tag(3, LENGTH)) {
        traceState[0] = values.text(in, base);
      } else if (tag == tag(6, FIXED32)) {
        flags[0] = in.readFixed32();
      } else {
        return false;
      }
      return true;
    });
    SpanContext linked = context(id(ids[0], 16, "link traceId"), id(ids[1], 8, "link spanId"),
        TraceFlags.fromByte((byte) (flags[0] & TRACE_FLAGS)), traceState(traceState[0]), flags[0]);
    return LinkData.create(linked, message.attributes(), message.totalAttributes());
  }

  /** Reads one field of a message if it knows it; false leaves it to be skipped. */
  private interface Field {
    boolean read(int tag) throws IOException, Malformed, Rejected;
  }

  /** An event's or a link's attributes, and how many it had before any were dropped. */
  private record Attributed(Attributes attributes, int totalAttributes) {}

  /**
   * Reads a length-delimited event or link: its attributes (field {@code attributesField}) and
   * dropped count (field {@code droppedField}) here, its other fields by {@code other}.
   */
  private Attributed attributed(CodedInputStream in, int base, int attributesField, int droppedField, Field other)
      throws IOException, Malformed, Rejected {
    int limit = in.pushLimit(in.readRawVarint32());
    AttributesBuilder attributes = null;
    int dropped = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == tag(attributesField, LENGTH)) {
        attributes = values.keyValue(in, base, attributes);
      } else if (tag == tag(droppedField, VARINT)) {
        dropped = in.readUInt32();
      } else if (!other.read(tag)) {
        in.skipField(tag);
      }
    }
    in.popLimit(limit);
    Attributes built = build(attributes);
    return new Attributed(built, built.size() + dropped);
  }

  /** The trace id as hex: the spans of one request mostly share it, so it is made once. */
  private String traceId(long slice) throws Rejected {
    int at = at(slice);
    if (length(slice) == 16 && lastTraceIdAt >= 0
        && Arrays.equals(request, at, at + 16, request, lastTraceIdAt, lastTraceIdAt + 16)) {
      return lastTraceId;
    }
    lastTraceId = validId(slice, 16, "traceId");
    lastTraceIdAt = at;
    return lastTraceId;
  }

  /**
   * As {@link #id}, refusing an id of zeros, which OTLP reserves for none: the SDK would make the
   * span's whole context invalid, its span id zeros too, and its children orphans, silently.
   */
  private String validId(long slice, int expected, String what) throws Rejected {
    String hex = id(slice, expected, what);
    for (int i = at(slice), end = i + expected; i < end; i++) {
      if (request[i] != 0) {
        return hex;
      }
    }
    throw new Rejected(what + " is all zeros, which means no id");
  }

  private String id(long slice, int expected, String what) throws Rejected {
    if (length(slice) != expected) {
      throw new Rejected(fromJson
          ? what + " is not " + 2 * expected + " hex digits"
          : what + " has " + length(slice) + " bytes, not " + expected);
    }
    return HEX.formatHex(request, at(slice), at(slice) + expected);
  }

  /**
   * A length-delimited field's place in the request, skipped over: its offset in the high half,
   * its length in the low half, so that a span's ids are kept without copying or allocating.
   */
  static long slice(CodedInputStream in, int base) throws IOException {
    int length = in.readRawVarint32();
    int at = position(in, base);
    in.skipRawBytes(length);
    return ((long) at << 32) | length;
  }

  static int at(long slice) {
    return (int) (slice >>> 32);
  }

  static int length(long slice) {
    return (int) slice;
  }

  private static Attributes build(AttributesBuilder attributes) {
    return attributes == null ? Attributes.empty() : attributes.build();
  }

  /**
   * A context that is remote when {@code flags} (a span's: its parent; a link's: the linked span)
   * say it is known to be; unknown is local, the SDK having no third state.
   */
  private static SpanContext context(String traceId, String spanId, TraceFlags traceFlags, TraceState state,
      int flags) {
    return (flags & REMOTE) == REMOTE
        ? SpanContext.createFromRemoteParent(traceId, spanId, traceFlags, state)
        : SpanContext.create(traceId, spanId, traceFlags, state);
  }

  private static TraceState traceState(String w3c) {
    if (w3c.isEmpty()) {
      return TraceState.getDefault();
    }
    TraceStateBuilder builder = TraceState.builder();
    String[] members = w3c.split(",");
    // W3C order is most recent first; the builder puts the last one added first.
    for (int i = members.length - 1; i >= 0; i--) {
      int eq = members[i].indexOf('=');
      if (eq > 0) {
        builder.put(members[i].substring(0, eq).trim(), members[i].substring(eq + 1).trim());
      }
    }
    return builder.build();
  }

  private static SpanKind kind(int kind) {
    switch (kind) {
      case 2:
        return SpanKind.SERVER;
      case 3:
        return SpanKind.CLIENT;
      case 4:
        return SpanKind.PRODUCER;
      case 5:
        return SpanKind.CONSUMER;
      default:
        return SpanKind.INTERNAL;
    }
  }

  private static StatusData status(int code, String message) {
    switch (code) {
      case 1:
        return StatusData.create(StatusCode.OK, message);
      case 2:
        return StatusData.create(StatusCode.ERROR, message);
      default:
        return message.isEmpty() ? StatusData.unset() : StatusData.create(StatusCode.UNSET, message);
    }
  }

  private static String emptyToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  /** The cases of an AnyValue, and the attribute types they become. */
}
