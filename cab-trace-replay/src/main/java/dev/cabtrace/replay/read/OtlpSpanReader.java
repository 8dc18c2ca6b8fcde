package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one OTLP span object from its bytes, for {@link OtlpLineScanner}: ids, times, name, kind
 * and status in place, the {@link LazyAttributes#HOT hot} attributes decoded, the others kept
 * where they are (in the file, or as bytes) and decoded when asked for, events by {@link
 * OtlpEventReader}. Anything it does not take is {@link JsonBytes#FAIL}, and the line goes to
 * Jackson.
 */
final class OtlpSpanReader extends JsonWalker {

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
  private static final byte[] DROPPED_ATTRIBUTES = ascii("droppedAttributesCount");
  private static final byte[] DROPPED_EVENTS = ascii("droppedEventsCount");
  private static final byte[] DROPPED_LINKS = ascii("droppedLinksCount");
  private static final String[] SPAN_KINDS = {"INTERNAL", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};

  private final ByteStrings strings;
  private final HotAttributeReader hotAttributes;
  private final OtlpEventReader events;
  private final int[] next = new int[1];
  private final boolean[] hexOk = new boolean[1];
  private final Member spanMember = this::spanMember;
  private final Member statusMember = this::statusMember;

  // The span being read, and what its members found.
  private ReadContext context;
  private int lineStart;
  private TimelineSpan.Builder span;
  private boolean sawAttributes;
  private boolean sawEvents;
  private boolean sawStatus;
  private boolean sawStart;
  private boolean sawEnd;
  private boolean sawTraceId;
  private SpanStatus status;
  private String message;

  OtlpSpanReader(ByteStrings strings, HotAttributeReader hotAttributes, LazyAttributes.Decoder decoder) {
    this.strings = strings;
    this.hotAttributes = hotAttributes;
    this.events = new OtlpEventReader(decoder);
  }

  /**
   * Reads the span object at {@code i} of the line that starts at {@code lineStart} into {@code
   * span}, for {@code context}: the position after it, or FAIL.
   */
  int read(byte[] bytes, int end, int i, TimelineSpan.Builder span, ReadContext context, int lineStart) {
    this.b = bytes;
    this.end = end;
    this.span = span;
    this.context = context;
    this.lineStart = lineStart;
    sawAttributes = false;
    sawEvents = false;
    sawStatus = false;
    sawStart = false;
    sawEnd = false;
    sawTraceId = false;
    try {
      int after = object(i, spanMember);
      // A span without its two times or its trace id is the Jackson reader's to judge and warn about.
      return sawStart && sawEnd && sawTraceId ? after : FAIL;
    } finally {
      this.b = null;
    }
  }

  /** Lets go of the last span and its load. */
  void release() {
    span = null;
    context = null;
    message = null;
  }

  /**
   * Reads one member's value at {@code value}. The members' readers are called from one site that
   * sees all ten of them, where the compiler calls rather than inlines: each compiles on its own,
   * and {@link #spanMember} stays small. With all of them inlined into it, its one compilation
   * took 0.35-0.45 s of a 1.2 s sweep of 10,000 cells on two cores.
   */
  private interface MemberReader {
    int read(OtlpSpanReader reader, int value);
  }

  private static final MemberReader NAME_MEMBER = (r, i) -> r.name(i, r.span);
  private static final MemberReader KIND_MEMBER = (r, i) -> r.kind(i, r.span);
  private static final MemberReader SPAN_ID_MEMBER = (r, i) -> r.spanId(i, r.span, false);
  private static final MemberReader PARENT_SPAN_ID_MEMBER = (r, i) -> r.spanId(i, r.span, true);
  private static final MemberReader TRACE_ID_MEMBER = (r, i) -> r.traceId(i, r.span);
  private static final MemberReader START_MEMBER = (r, i) -> r.time(i, true);
  private static final MemberReader END_MEMBER = (r, i) -> r.time(i, false);
  // A repeated member is Jackson's to judge, here and below.
  private static final MemberReader EVENTS_MEMBER = (r, i) -> {
    r.sawEvents = !r.sawEvents;
    return r.sawEvents ? r.events.read(r.b, r.end, i, r.context, r.span) : FAIL;
  };
  private static final MemberReader STATUS_MEMBER = (r, i) -> {
    r.sawStatus = !r.sawStatus;
    return r.sawStatus ? r.status(i) : FAIL;
  };
  // A count of what the capturing SDK dropped: 0 is read here, any other is Jackson's to warn about.
  private static final MemberReader DROPPED_MEMBER = (r, i) ->
      r.b[i] == '0' && i + 1 < r.end && (r.b[i + 1] == ',' || r.b[i + 1] == '}') ? i + 1 : FAIL;
  private static final MemberReader ATTRIBUTES_MEMBER = (r, i) -> {
    r.sawAttributes = !r.sawAttributes;
    return r.sawAttributes ? r.attributes(i, r.span) : FAIL;
  };

  private int spanMember(int name, int nameEnd, int value) {
    MemberReader reader = member(BytePattern.word(b, name, nameEnd), name, nameEnd);
    return reader == null ? JsonBytes.skipEmptyOrValue(b, value, end) : reader.read(this, value);
  }

  /** The reader of the member so named; null for one not read. */
  private MemberReader member(long word, int name, int nameEnd) {
    switch (nameEnd - name) {
      case 4:
        return NAME.is(word, b, name, nameEnd) ? NAME_MEMBER : KIND.is(word, b, name, nameEnd) ? KIND_MEMBER : null;
      case 6:
        return SPAN_ID.is(word, b, name, nameEnd) ? SPAN_ID_MEMBER : EVENTS.is(word, b, name, nameEnd) ? EVENTS_MEMBER
            : STATUS.is(word, b, name, nameEnd) ? STATUS_MEMBER : null;
      case 7:
        return TRACE_ID.is(word, b, name, nameEnd) ? TRACE_ID_MEMBER : null;
      case 10:
        return ATTRIBUTES.is(word, b, name, nameEnd) ? ATTRIBUTES_MEMBER : null;
      case 12:
        return PARENT_SPAN_ID.is(word, b, name, nameEnd) ? PARENT_SPAN_ID_MEMBER : null;
      case 15:
        return END.is(word, b, name, nameEnd) ? END_MEMBER : null;
      case 17:
        return JsonBytes.equalsAscii(b, name, nameEnd, START) ? START_MEMBER
            : JsonBytes.equalsAscii(b, name, nameEnd, DROPPED_LINKS) ? DROPPED_MEMBER : null;
      case 18:
        return JsonBytes.equalsAscii(b, name, nameEnd, DROPPED_EVENTS) ? DROPPED_MEMBER : null;
      case 22:
        return JsonBytes.equalsAscii(b, name, nameEnd, DROPPED_ATTRIBUTES) ? DROPPED_MEMBER : null;
      default:
        return null;
    }
  }

  private int time(int i, boolean start) {
    long nanos = JsonNumbers.smallUnsigned(b, i, end, next);
    if (nanos <= 0) {
      return FAIL; // 0 is no time: the Jackson reader's to warn about
    }
    if (start) {
      span.setStartEpochNanos(nanos);
      sawStart = true;
    } else {
      span.setEndEpochNanos(nanos);
      sawEnd = true;
    }
    return next[0];
  }

  /** A trace id of 32 hex digits, not all zeros; any other (or none) is the Jackson reader's to warn about. */
  private int traceId(int i, TimelineSpan.Builder span) {
    if (b[i] != '"' || i + 33 >= end || b[i + 33] != '"') {
      return FAIL;
    }
    hexOk[0] = true;
    long high = JsonNumbers.hex(b, i + 1, 16, hexOk);
    long low = JsonNumbers.hex(b, i + 17, 16, hexOk);
    if (!hexOk[0] || (high | low) == 0) {
      return FAIL;
    }
    span.setTraceId(high, low);
    sawTraceId = true;
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
      id = JsonNumbers.hex(b, i + 1, 16, hexOk);
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
    int after = JsonNumbers.skipNumber(b, i, end);
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
      if (b[value] < '0' || b[value] > '9' || JsonNumbers.skipNumber(b, value, end) != value + 1) {
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
    if (context.hotOnly) {
      span.setAttributes(hotAttributes.onlyHot());
      return after;
    }
    Object[] found = hotAttributes.sharedFound();
    if (context.file != null) {
      span.setAttributes(LazyAttributes.inFile(context.file, context.lineOffset + i - lineStart, b, i, after, found,
          hotAttributes.foundBits()));
    } else {
      span.setAttributes(new LazyAttributes(Arrays.copyOfRange(b, i, after), found, hotAttributes.foundBits()));
    }
    return after;
  }
}
