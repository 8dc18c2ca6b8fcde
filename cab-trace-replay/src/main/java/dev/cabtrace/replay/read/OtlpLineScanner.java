package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads one line of OTLP JSON Lines as the OpenTelemetry exporters and cab-trace write it ({@code
 * {"resourceSpans":[...]}}, hex ids, decimal times) straight from its bytes, without a token per
 * value: ids, times, name, kind and status are read in place, the {@link LazyAttributes#HOT hot}
 * attributes decoded, the others kept as bytes and decoded when asked for. Anything else (another
 * layout, base64 ids, escapes in a name, malformed JSON) makes {@link #scan} return false having
 * added nothing, and the line goes to the Jackson readers, which decide what it is.
 */
final class OtlpLineScanner extends JsonWalker {

  private static final BytePattern RESOURCE_SPANS = new BytePattern("resourceSpans");
  private static final BytePattern RESOURCE = new BytePattern("resource");
  private static final BytePattern SCOPE_SPANS = new BytePattern("scopeSpans");
  private static final BytePattern SCOPE = new BytePattern("scope");
  private static final BytePattern SPANS = new BytePattern("spans");
  private static final BytePattern TRACE_ID = new BytePattern("traceId");
  private static final BytePattern SPAN_ID = new BytePattern("spanId");
  private static final BytePattern PARENT_SPAN_ID = new BytePattern("parentSpanId");
  private static final BytePattern NAME = new BytePattern("name");
  private static final BytePattern KIND = new BytePattern("kind");
  private static final byte[] START = ascii("startTimeUnixNano");
  private static final BytePattern END = new BytePattern("endTimeUnixNano");
  private static final BytePattern ATTRIBUTES = new BytePattern("attributes");
  private static final BytePattern EVENTS = new BytePattern("events");
  private static final BytePattern STATUS = new BytePattern("status");
  private static final BytePattern CODE = new BytePattern("code");
  private static final BytePattern MESSAGE = new BytePattern("message");
  private static final String[] SPAN_KINDS = {"INTERNAL", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};

  private ReadContext context;
  private final ByteStrings strings = new ByteStrings();
  private final LazyAttributes.Decoder decoder;
  private RepeatedObjects repeated;
  private final HotAttributeReader hotAttributes;
  private final List<TimelineSpan.Builder> pending = new ArrayList<>();
  // Builders are kept from line to line: the sink builds each span as it is handed on.
  private final List<TimelineSpan.Builder> builders = new ArrayList<>();
  private final int[] next = new int[1];
  private final boolean[] hexOk = new boolean[1];
  private int lineStart;

  private boolean hotOnly;

  OtlpLineScanner(ReadContext context, LazyAttributes.Decoder decoder) {
    this(context, decoder, false);
  }

  /** With {@code hotOnly}, spans keep only their hot attributes: what a ledger reads. */
  OtlpLineScanner(ReadContext context, LazyAttributes.Decoder decoder, boolean hotOnly) {
    this.context = context;
    this.decoder = decoder;
    this.hotOnly = hotOnly;
    this.hotAttributes = new HotAttributeReader(strings);
    this.repeated = new RepeatedObjects(context, decoder, hotAttributes, strings);
  }

  /**
   * Reads for {@code context} from now on: a thread reading one small file after another (a
   * sweep) keeps its scanner, and with it the strings and attribute sets it has seen.
   */
  OtlpLineScanner bind(ReadContext context) {
    if (context != this.context) {
      this.context = context;
      this.hotOnly = context.hotOnly;
      repeated.bind(context);
    }
    return this;
  }

  /** Lets go of the load it read for (its sink holds that load's spans), keeping only its caches. */
  void release() {
    context = null;
    repeated.bind(null);
    builders.clear();
    span = null;
    resource = null;
    scope = null;
    message = null;
  }

  /** Reads the line into the context's sink; false, having added nothing, if it is not for this reader. */
  boolean scan(byte[] bytes, int offset, int length) {
    b = bytes;
    lineStart = offset;
    end = offset + length;
    pending.clear();
    try {
      int i = JsonBytes.skipWhitespace(b, offset, end);
      i = document(i);
      if (i == FAIL || JsonBytes.skipWhitespace(b, i, end) != end) {
        return false;
      }
      for (TimelineSpan.Builder span : pending) {
        context.add(span);
      }
      return true;
    } finally {
      pending.clear();
      b = null;
    }
  }

  // What the member readers below share: one object of each level is open at a time.
  private boolean foundResourceSpans;
  private Map<String, Object> resource;
  private boolean sawResource;
  private String scope;
  private boolean sawScope;
  private TimelineSpan.Builder span;
  private boolean sawAttributes;
  private boolean sawEvents;
  private boolean sawStatus;
  private SpanStatus status;
  private String message;

  private final Member documentMember = this::documentMember;
  private final Member resourceSpansMember = this::resourceSpansMember;
  private final Member scopeSpansMember = this::scopeSpansMember;
  private final Member spanMember = this::spanMember;
  private final Member statusMember = this::statusMember;
  private final Element resourceSpansElement = this::resourceSpans;
  private final Element scopeSpansElement = this::scopeSpans;
  private final Element spanElement = this::span;

  /** {"resourceSpans":[...]} and nothing else that is read. */
  private int document(int i) {
    foundResourceSpans = false;
    i = object(i, documentMember);
    return foundResourceSpans ? i : FAIL;
  }

  private int documentMember(int name, int nameEnd, int value) {
    if (!RESOURCE_SPANS.is(b, name, nameEnd)) {
      return JsonBytes.skipValue(b, value, end);
    }
    if (foundResourceSpans || b[value] != '[') {
      return FAIL;
    }
    foundResourceSpans = true;
    return array(value, resourceSpansElement);
  }

  private int resourceSpans(int i) {
    int first = pending.size();
    resource = Map.of();
    sawResource = false;
    i = object(i, resourceSpansMember);
    // The resource may come after the spans in the object: attach it at the end.
    for (int k = first; k < pending.size(); k++) {
      pending.get(k).setResource(resource);
    }
    return i;
  }

  private int resourceSpansMember(int name, int nameEnd, int value) {
    if (RESOURCE.is(b, name, nameEnd)) {
      if (sawResource || b[value] != '{') {
        return FAIL;
      }
      sawResource = true;
      int after = JsonBytes.skipValue(b, value, end);
      if (after != FAIL) {
        resource = repeated.resource(b, value, after);
      }
      return after;
    }
    if (SCOPE_SPANS.is(b, name, nameEnd)) {
      return b[value] == '[' ? array(value, scopeSpansElement) : FAIL;
    }
    return JsonBytes.skipValue(b, value, end);
  }

  private int scopeSpans(int i) {
    int first = pending.size();
    scope = "";
    sawScope = false;
    i = object(i, scopeSpansMember);
    for (int k = first; k < pending.size(); k++) {
      pending.get(k).setScope(scope);
    }
    return i;
  }

  private int scopeSpansMember(int name, int nameEnd, int value) {
    if (SPANS.is(b, name, nameEnd)) {
      return b[value] == '[' ? array(value, spanElement) : FAIL;
    }
    if (SCOPE.is(b, name, nameEnd)) {
      if (sawScope || b[value] != '{') {
        return FAIL;
      }
      sawScope = true;
      int after = JsonBytes.skipValue(b, value, end);
      if (after != FAIL) {
        scope = repeated.scope(b, value, after);
      }
      return after;
    }
    return JsonBytes.skipValue(b, value, end);
  }

  private int span(int i) {
    int used = pending.size();
    if (used == builders.size()) {
      builders.add(TimelineSpan.builder());
    }
    span = builders.get(used).clear();
    sawAttributes = false;
    sawEvents = false;
    sawStatus = false;
    i = object(i, spanMember);
    if (i != FAIL) {
      pending.add(span);
    }
    return i;
  }

  private int spanMember(int name, int nameEnd, int value) {
    switch (nameEnd - name) {
      case 4:
        if (NAME.is(b, name, nameEnd)) {
          return name(value, span);
        }
        if (KIND.is(b, name, nameEnd)) {
          return kind(value, span);
        }
        break;
      case 6:
        if (SPAN_ID.is(b, name, nameEnd)) {
          return spanId(value, span, false);
        }
        if (EVENTS.is(b, name, nameEnd)) {
          // A repeated member is Jackson's to judge, here and below.
          sawEvents = !sawEvents;
          return sawEvents ? events(value, span) : FAIL;
        }
        if (STATUS.is(b, name, nameEnd)) {
          sawStatus = !sawStatus;
          return sawStatus ? status(value) : FAIL;
        }
        break;
      case 7:
        if (TRACE_ID.is(b, name, nameEnd)) {
          return traceId(value, span);
        }
        break;
      case 10:
        if (ATTRIBUTES.is(b, name, nameEnd)) {
          sawAttributes = !sawAttributes;
          return sawAttributes ? attributes(value, span) : FAIL;
        }
        break;
      case 12:
        if (PARENT_SPAN_ID.is(b, name, nameEnd)) {
          return spanId(value, span, true);
        }
        break;
      case 15:
      case 17:
        boolean start = JsonBytes.equalsAscii(b, name, nameEnd, START);
        if (start || END.is(b, name, nameEnd)) {
          long nanos = JsonBytes.smallUnsigned(b, value, end, next);
          if (nanos < 0) {
            return FAIL;
          }
          if (start) {
            span.setStartEpochNanos(nanos);
          } else {
            span.setEndEpochNanos(nanos);
          }
          return next[0];
        }
        break;
      default:
        break;
    }
    return JsonBytes.skipValue(b, value, end);
  }

  private int traceId(int i, TimelineSpan.Builder span) {
    if (b[i] != '"') {
      return FAIL;
    }
    if (i + 1 < end && b[i + 1] == '"') {
      return i + 2; // as the Jackson reader: an empty id leaves the field as it was
    }
    if (i + 33 >= end || b[i + 33] != '"') {
      return FAIL;
    }
    hexOk[0] = true;
    long high = JsonBytes.hex(b, i + 1, 16, hexOk);
    long low = JsonBytes.hex(b, i + 17, 16, hexOk);
    if (!hexOk[0]) {
      return FAIL;
    }
    if ((high | low) != 0) {
      span.setTraceId(high, low);
    }
    return i + 34;
  }

  private int spanId(int i, TimelineSpan.Builder span, boolean parent) {
    if (b[i] != '"') {
      return FAIL;
    }
    long id = 0;
    int after;
    if (i + 1 < end && b[i + 1] == '"') {
      after = i + 2;
    } else {
      if (i + 17 >= end || b[i + 17] != '"') {
        return FAIL;
      }
      hexOk[0] = true;
      id = JsonBytes.hex(b, i + 1, 16, hexOk);
      if (!hexOk[0]) {
        return FAIL;
      }
      after = i + 18;
    }
    // As the Jackson reader: an empty or all-zero id leaves the field as it was.
    if (id != 0) {
      if (parent) {
        span.setParentSpanId(id);
      } else {
        span.setSpanId(id);
      }
    }
    return after;
  }

  private int name(int i, TimelineSpan.Builder span) {
    if (b[i] != '"') {
      return FAIL;
    }
    int close = JsonBytes.plainStringEnd(b, i, end);
    if (close == FAIL) {
      return FAIL;
    }
    span.setName(strings.get(b, i + 1, close));
    return close + 1;
  }

  private int kind(int i, TimelineSpan.Builder span) {
    if (b[i] < '0' || b[i] > '9') {
      return FAIL;
    }
    int after = JsonBytes.skipNumber(b, i, end);
    if (after != i + 1) {
      return FAIL;
    }
    int value = b[i] - '0';
    span.setSpanKind(value < SPAN_KINDS.length ? SPAN_KINDS[value] : "INTERNAL");
    return after;
  }

  private int status(int i) {
    if (b[i] != '{') {
      return FAIL;
    }
    status = SpanStatus.UNSET;
    message = "";
    i = object(i, statusMember);
    span.setStatus(status, message);
    return i;
  }

  private int statusMember(int name, int nameEnd, int value) {
    if (CODE.is(b, name, nameEnd)) {
      if (b[value] < '0' || b[value] > '9' || JsonBytes.skipNumber(b, value, end) != value + 1) {
        return FAIL;
      }
      int code = b[value] - '0';
      status = code == 1 ? SpanStatus.OK : code == 2 ? SpanStatus.ERROR : SpanStatus.UNSET;
      return value + 1;
    }
    if (MESSAGE.is(b, name, nameEnd)) {
      int close = b[value] == '"' ? JsonBytes.plainStringEnd(b, value, end) : FAIL;
      if (close == FAIL) {
        return FAIL;
      }
      message = new String(b, value + 1, close - value - 1, StandardCharsets.UTF_8);
      return close + 1;
    }
    return JsonBytes.skipValue(b, value, end);
  }

  /** Keeps the attributes where they are (in the file, or as bytes), with the hot ones decoded. */
  private int attributes(int i, TimelineSpan.Builder span) {
    if (b[i] != '[') {
      return FAIL;
    }
    int after = hotAttributes.read(b, end, i);
    if (after == FAIL) {
      return FAIL;
    }
    if (hotOnly) {
      span.setAttributes(hotAttributes.onlyHot(decoder));
      return after;
    }
    Object[] found = hotAttributes.sharedFound(decoder);
    if (context.file != null) {
      span.setAttributes(new LazyAttributes(context.file, context.lineOffset + i - lineStart, after - i, found,
          hotAttributes.foundBits(), decoder));
    } else {
      span.setAttributes(new LazyAttributes(Arrays.copyOfRange(b, i, after), found, hotAttributes.foundBits(), decoder));
    }
    return after;
  }

  private int events(int i, TimelineSpan.Builder span) {
    if (b[i] != '[') {
      return FAIL;
    }
    int after = JsonBytes.skipValue(b, i, end);
    if (after == FAIL) {
      return FAIL;
    }
    int first = JsonBytes.skipWhitespace(b, i + 1, after);
    if (b[first] == ']') {
      return after;
    }
    // Events are few: the Jackson reader reads them, from these bytes only.
    // A warning about an event (a time out of range) is the Jackson reader's to give: leave the line to it.
    boolean[] warned = {false};
    ReadContext events = new ReadContext(SpanSink.flagging(warned), context.source);
    try (JsonParser parser = decoder.parser(b, i, after - i)) {
      parser.nextToken();
      OtlpJsonReader reader = new OtlpJsonReader(events);
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
        span.addEvent(reader.readEvent(parser));
      }
      return token == JsonToken.END_ARRAY && !warned[0] ? after : FAIL;
    } catch (IOException | RuntimeException e) {
      return FAIL;
    }
  }

}
