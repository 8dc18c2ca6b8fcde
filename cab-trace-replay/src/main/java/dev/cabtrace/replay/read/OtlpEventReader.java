package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cabtrace.replay.timeline.SpanEvent;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one OTLP span's events from their bytes, for {@link OtlpSpanReader}. Events of the usual
 * shape (a time, a name and string attributes, escapes and all, as terminal output is written) are
 * read in place; any other by the Jackson reader, from these bytes only.
 */
final class OtlpEventReader extends JsonWalker {

  private static final BytePattern TIME_UNIX_NANO = new BytePattern("timeUnixNano");
  private static final BytePattern NAME = new BytePattern("name");
  private static final BytePattern ATTRIBUTES = new BytePattern("attributes");
  private static final BytePattern KEY = new BytePattern("key");
  private static final BytePattern VALUE = new BytePattern("value");
  private static final BytePattern STRING_VALUE = new BytePattern("stringValue");
  private static final int EVENT_TIME = 1;
  private static final int EVENT_NAME = 2;
  private static final int EVENT_ATTRIBUTES = 4;

  private final LazyAttributes.Decoder decoder;
  private final int[] next = new int[1];
  private final Element eventElement = this::event;
  private final Member eventMember = this::eventMember;
  private ReadContext context;
  /**
   * Whether the events are kept. A ledger's stream ({@code hotOnly}) only checks them: they decide
   * whether the line is the bytes' or Jackson's, and Jackson may warn about them or fail the line.
   */
  private boolean keep;

  // The events of the span being read, while they are read from their bytes, and what the event
  // being read found.
  private final List<SpanEvent> events = new ArrayList<>();
  private int eventFound;
  private long eventTime;
  private String eventName;
  private Map<String, Object> eventAttributes;

  OtlpEventReader(LazyAttributes.Decoder decoder) {
    this.decoder = decoder;
  }

  /**
   * Reads the events array at {@code i} of {@code bytes} (up to {@code end}) into {@code span}:
   * the position after it, or FAIL when the line is the Jackson reader's (an event it warns about).
   */
  int read(byte[] bytes, int end, int i, ReadContext context, TimelineSpan.Builder span) {
    this.b = bytes;
    this.end = end;
    this.context = context;
    this.keep = !context.hotOnly;
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
    ReadContext quiet = new ReadContext(SpanSink.flagging(warned), context.source);
    try (JsonParser parser = decoder.parser(b, i, after - i)) {
      parser.nextToken();
      OtlpJsonReader reader = new OtlpJsonReader(quiet);
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
        span.addEvent(reader.readEvent(parser));
      }
      return token == JsonToken.END_ARRAY && !warned[0] ? after : FAIL;
    } catch (IOException | RuntimeException e) {
      return FAIL;
    }
  }

  /** An event of the usual shape at {@code i}, kept in {@link #events}: the position after it, or FAIL. */
  private int event(int i) {
    eventFound = 0;
    eventTime = 0;
    eventName = "";
    eventAttributes = Map.of();
    int after = object(i, eventMember);
    if (after == FAIL || (eventFound & EVENT_TIME) == 0) {
      return FAIL; // without a time (or with 0) the Jackson reader warns
    }
    if (keep) {
      events.add(new SpanEvent(eventTime, eventName, eventAttributes));
    }
    return after;
  }

  /** A member of an event, read as the Jackson reader reads it; FAIL for what it would read otherwise. */
  private int eventMember(int name, int nameEnd, int value) {
    if (TIME_UNIX_NANO.is(b, name, nameEnd)) {
      long nanos = JsonNumbers.smallUnsigned(b, value, end, next);
      if (nanos <= 0 || (eventFound & EVENT_TIME) != 0) {
        return FAIL;
      }
      eventFound |= EVENT_TIME;
      eventTime = nanos;
      return next[0];
    }
    if (NAME.is(b, name, nameEnd)) {
      String text = string(value, keep);
      if (text == null || (eventFound & EVENT_NAME) != 0) {
        return FAIL;
      }
      eventFound |= EVENT_NAME;
      eventName = keep ? context.intern(text) : "";
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
          key = string(at, true); // a key twice fails the shape: keys are compared even when only checked
          if (key == null) {
            return FAIL;
          }
        } else if (VALUE.is(b, i + 1, nameEnd) && value == null) {
          value = stringValue(at, keep);
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
      if (key == null || value == null
          || found.putIfAbsent(context.intern(key), keep ? context.intern(value) : "") != null) {
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

  /**
   * {@code {"stringValue":"..."}} at {@code i}: its text (or, not {@code decoded}, the empty string
   * once it is checked), the position after it in {@code next[0]}; or null.
   */
  private String stringValue(int i, boolean decoded) {
    if (b[i] != '{') {
      return null;
    }
    i = JsonBytes.skipWhitespace(b, i + 1, end);
    int nameEnd = key(i);
    int at = nameEnd == FAIL ? FAIL : valueAfter(nameEnd);
    if (at == FAIL || !STRING_VALUE.is(b, i + 1, nameEnd)) {
      return null;
    }
    String text = string(at, decoded);
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

  /**
   * The JSON string at {@code i}, escapes decoded (or, not {@code decoded}, the empty string once its
   * bytes are checked), the position after it in {@code next[0]}; or null.
   */
  private String string(int i, boolean decoded) {
    if (b[i] != '"') {
      return null;
    }
    int close = JsonBytes.escapedStringEnd(b, i, end);
    if (close == FAIL) {
      return null;
    }
    next[0] = close + 1;
    return decoded ? JsonBytes.text(b, i, close) : "";
  }
}
