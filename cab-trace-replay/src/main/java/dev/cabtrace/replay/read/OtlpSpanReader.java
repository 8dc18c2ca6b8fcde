package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cabtrace.replay.timeline.SpanEvent;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one OTLP span object from its bytes, for {@link OtlpLineScanner}: ids, times, name, kind
 * and status in place, the {@link LazyAttributes#HOT hot} attributes decoded, the others kept
 * where they are (in the file, or as bytes) and decoded when asked for, events by the Jackson
 * reader. Anything it does not take is {@link JsonBytes#FAIL}, and the line goes to Jackson.
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
  private static final BytePattern TIME_UNIX_NANO = new BytePattern("timeUnixNano");
  private static final BytePattern KEY = new BytePattern("key");
  private static final BytePattern VALUE = new BytePattern("value");
  private static final BytePattern STRING_VALUE = new BytePattern("stringValue");
  private static final int EVENT_TIME = 1;
  private static final int EVENT_NAME = 2;
  private static final int EVENT_ATTRIBUTES = 4;
  private static final BytePattern MESSAGE = new BytePattern("message");
  private static final String[] SPAN_KINDS = {"INTERNAL", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};

  private final ByteStrings strings;
  private final HotAttributeReader hotAttributes;
  private final LazyAttributes.Decoder decoder;
  private final int[] next = new int[1];
  private final boolean[] hexOk = new boolean[1];
  private final Member spanMember = this::spanMember;
  private final Member statusMember = this::statusMember;
  private final Element eventElement = this::event;
  private final Member eventMember = this::eventMember;

  // The events of the span being read, while they are read from their bytes, and what the event
  // being read found.
  private final List<SpanEvent> events = new ArrayList<>();
  private int eventFound;
  private long eventTime;
  private String eventName;
  private Map<String, Object> eventAttributes;

  // The span being read, and what its members found.
  private ReadContext context;
  private int lineStart;
  private TimelineSpan.Builder span;
  private boolean sawAttributes;
  private boolean sawEvents;
  private boolean sawStatus;
  private boolean sawStart;
  private boolean sawEnd;
  private SpanStatus status;
  private String message;

  OtlpSpanReader(ByteStrings strings, HotAttributeReader hotAttributes, LazyAttributes.Decoder decoder) {
    this.strings = strings;
    this.hotAttributes = hotAttributes;
    this.decoder = decoder;
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
    try {
      int after = object(i, spanMember);
      // A span without its two times is the Jackson reader's to judge and warn about.
      return sawStart && sawEnd ? after : FAIL;
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
    return r.sawEvents ? r.events(i, r.span) : FAIL;
  };
  private static final MemberReader STATUS_MEMBER = (r, i) -> {
    r.sawStatus = !r.sawStatus;
    return r.sawStatus ? r.status(i) : FAIL;
  };
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
        return JsonBytes.equalsAscii(b, name, nameEnd, START) ? START_MEMBER : null;
      default:
        return null;
    }
  }

  private int time(int i, boolean start) {
    long nanos = JsonNumbers.smallUnsigned(b, i, end, next);
    if (nanos < 0) {
      return FAIL;
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
    long high = JsonNumbers.hex(b, i + 1, 16, hexOk);
    long low = JsonNumbers.hex(b, i + 17, 16, hexOk);
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

  /** An event of the usual shape at {@code i}, kept in {@link #events}: the position after it, or FAIL. */
  private int event(int i) {
    eventFound = 0;
    eventTime = 0;
    eventName = "";
    eventAttributes = Map.of();
    int after = object(i, eventMember);
    if (after == FAIL || (eventFound & EVENT_TIME) == 0) {
      return FAIL; // without a time the Jackson reader warns
    }
    events.add(new SpanEvent(eventTime, eventName, eventAttributes));
    return after;
  }

  /** A member of an event, read as the Jackson reader reads it; FAIL for what it would read otherwise. */
  private int eventMember(int name, int nameEnd, int value) {
    if (TIME_UNIX_NANO.is(b, name, nameEnd)) {
      long nanos = JsonNumbers.smallUnsigned(b, value, end, next);
      if (nanos < 0 || (eventFound & EVENT_TIME) != 0) {
        return FAIL;
      }
      eventFound |= EVENT_TIME;
      eventTime = nanos;
      return next[0];
    }
    if (NAME.is(b, name, nameEnd)) {
      String text = string(value);
      if (text == null || (eventFound & EVENT_NAME) != 0) {
        return FAIL;
      }
      eventFound |= EVENT_NAME;
      eventName = context.intern(text);
      return next[0];
    }
    if (ATTRIBUTES.is(b, name, nameEnd)) {
      if ((eventFound & EVENT_ATTRIBUTES) != 0) {
        return FAIL;
      }
      eventFound |= EVENT_ATTRIBUTES;
      return eventAttributes(value);
    }
    return JsonBytes.skipValue(b, value, end);
  }

  /**
   * An event's attributes when each is a string, as terminal output's are ({@code
   * {"key":"cab.output.data","value":{"stringValue":"..."}}}), escapes and all: into {@link
   * #eventAttributes}, the position after them; FAIL for anything else (another type, a member
   * more or less, a key twice), which the Jackson reader reads.
   */
  private int eventAttributes(int i) {
    if (b[i] != '[') {
      return FAIL;
    }
    Map<String, Object> found = new LinkedHashMap<>();
    i = JsonBytes.skipWhitespace(b, i + 1, end);
    if (i < end && b[i] == ']') {
      eventAttributes = found;
      return i + 1;
    }
    while (true) {
      if (i >= end || b[i] != '{') {
        return FAIL;
      }
      String key = null;
      String value = null;
      i = JsonBytes.skipWhitespace(b, i + 1, end);
      for (int member = 0; member < 2; member++) {
        int nameEnd = key(i);
        int at = nameEnd == FAIL ? FAIL : valueAfter(nameEnd);
        if (at == FAIL) {
          return FAIL;
        }
        if (KEY.is(b, i + 1, nameEnd) && key == null) {
          key = string(at);
          if (key == null) {
            return FAIL;
          }
        } else if (VALUE.is(b, i + 1, nameEnd) && value == null) {
          value = stringValue(at);
          if (value == null) {
            return FAIL;
          }
        } else {
          return FAIL;
        }
        i = afterMember(next[0], '}');
        if (i == FAIL || (member == 0) == (b[i - 1] == '}')) {
          return FAIL; // exactly two members
        }
      }
      if (key == null || value == null || found.putIfAbsent(context.intern(key), context.intern(value)) != null) {
        return FAIL;
      }
      i = afterMember(i, ']');
      if (i == FAIL) {
        return FAIL;
      }
      if (b[i - 1] == ']') {
        eventAttributes = found;
        return i;
      }
    }
  }

  /** {@code {"stringValue":"..."}} at {@code i}: its text, the position after it in {@code next[0]}; or null. */
  private String stringValue(int i) {
    if (b[i] != '{') {
      return null;
    }
    i = JsonBytes.skipWhitespace(b, i + 1, end);
    int nameEnd = key(i);
    int at = nameEnd == FAIL ? FAIL : valueAfter(nameEnd);
    if (at == FAIL || !STRING_VALUE.is(b, i + 1, nameEnd)) {
      return null;
    }
    String text = string(at);
    if (text == null) {
      return null;
    }
    int after = JsonBytes.skipWhitespace(b, next[0], end);
    if (after >= end || b[after] != '}') {
      return null;
    }
    next[0] = after + 1;
    return text;
  }

  /** The JSON string at {@code i}, escapes decoded, the position after it in {@code next[0]}; or null. */
  private String string(int i) {
    if (b[i] != '"') {
      return null;
    }
    int close = JsonBytes.escapedStringEnd(b, i, end);
    if (close == FAIL) {
      return null;
    }
    next[0] = close + 1;
    return JsonBytes.text(b, i, close);
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

  private int events(int i, TimelineSpan.Builder span) {
    if (b[i] != '[') {
      return FAIL;
    }
    int after = JsonBytes.skipEmptyOrValue(b, i, end);
    if (after == FAIL) {
      return FAIL;
    }
    int first = JsonBytes.skipWhitespace(b, i + 1, after);
    if (b[first] == ']') {
      return after;
    }
    // Events of the usual shape (a time, a name and string attributes, as terminal output is
    // written) are read from their bytes: a trace holds tens of thousands of them, and a Jackson
    // parser a span costs more than the span. Any other is the Jackson reader's, from these bytes.
    events.clear();
    if (array(i, eventElement) == after) {
      for (SpanEvent event : events) {
        span.addEvent(event);
      }
      events.clear();
      return after;
    }
    events.clear();
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
