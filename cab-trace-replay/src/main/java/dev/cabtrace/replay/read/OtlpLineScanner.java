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
import java.util.HashMap;
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
final class OtlpLineScanner {

  private static final byte[] RESOURCE_SPANS = ascii("resourceSpans");
  private static final byte[] RESOURCE = ascii("resource");
  private static final byte[] SCOPE_SPANS = ascii("scopeSpans");
  private static final byte[] SCOPE = ascii("scope");
  private static final byte[] SPANS = ascii("spans");
  private static final byte[] TRACE_ID = ascii("traceId");
  private static final byte[] SPAN_ID = ascii("spanId");
  private static final byte[] PARENT_SPAN_ID = ascii("parentSpanId");
  private static final byte[] NAME = ascii("name");
  private static final byte[] KIND = ascii("kind");
  private static final byte[] START = ascii("startTimeUnixNano");
  private static final byte[] END = ascii("endTimeUnixNano");
  private static final byte[] ATTRIBUTES = ascii("attributes");
  private static final byte[] EVENTS = ascii("events");
  private static final byte[] STATUS = ascii("status");
  private static final byte[] CODE = ascii("code");
  private static final byte[] MESSAGE = ascii("message");
  private static final byte[] KEY = ascii("key");
  private static final byte[] VALUE = ascii("value");
  private static final byte[] STRING_VALUE = ascii("stringValue");
  private static final byte[] INT_VALUE = ascii("intValue");
  private static final byte[] BOOL_VALUE = ascii("boolValue");
  private static final byte[] ARRAY_VALUE = ascii("arrayValue");
  private static final byte[] VALUES = ascii("values");
  private static final byte[][] HOT_KEYS = new byte[LazyAttributes.HOT.size()][];
  private static final String[] HOT_NAMES = LazyAttributes.HOT.toArray(new String[0]);
  private static final String[] SPAN_KINDS = {"INTERNAL", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};

  static {
    for (int i = 0; i < HOT_NAMES.length; i++) {
      HOT_KEYS[i] = ascii(HOT_NAMES[i]);
    }
  }

  private final ReadContext context;
  private final ByteStrings strings = new ByteStrings();
  private final LazyAttributes.Decoder decoder;
  private final Map<ByteKey, Map<String, Object>> resources = new HashMap<>();
  private final Map<ByteKey, String> scopes = new HashMap<>();
  private final List<TimelineSpan.Builder> pending = new ArrayList<>();
  private final int[] next = new int[1];
  private final boolean[] hexOk = new boolean[1];
  private final Object[] hot = new Object[2 * HOT_NAMES.length];
  private byte[] b;
  private int lineStart;
  private int end;

  private final boolean hotOnly;

  OtlpLineScanner(ReadContext context, LazyAttributes.Decoder decoder) {
    this(context, decoder, false);
  }

  /** With {@code hotOnly}, spans keep only their hot attributes: what a ledger reads. */
  OtlpLineScanner(ReadContext context, LazyAttributes.Decoder decoder, boolean hotOnly) {
    this.context = context;
    this.decoder = decoder;
    this.hotOnly = hotOnly;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
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
  private final Member attributeMember = this::attributeMember;
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
    if (!JsonBytes.equalsAscii(b, name, nameEnd, RESOURCE_SPANS)) {
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
    if (JsonBytes.equalsAscii(b, name, nameEnd, RESOURCE)) {
      if (sawResource || b[value] != '{') {
        return FAIL;
      }
      sawResource = true;
      int after = JsonBytes.skipValue(b, value, end);
      if (after != FAIL) {
        resource = resource(value, after);
      }
      return after;
    }
    if (JsonBytes.equalsAscii(b, name, nameEnd, SCOPE_SPANS)) {
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
    if (JsonBytes.equalsAscii(b, name, nameEnd, SPANS)) {
      return b[value] == '[' ? array(value, spanElement) : FAIL;
    }
    if (JsonBytes.equalsAscii(b, name, nameEnd, SCOPE)) {
      if (sawScope || b[value] != '{') {
        return FAIL;
      }
      sawScope = true;
      int after = JsonBytes.skipValue(b, value, end);
      if (after != FAIL) {
        scope = scope(value, after);
      }
      return after;
    }
    return JsonBytes.skipValue(b, value, end);
  }

  private int span(int i) {
    span = TimelineSpan.builder();
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
        if (JsonBytes.equalsAscii(b, name, nameEnd, NAME)) {
          return name(value, span);
        }
        if (JsonBytes.equalsAscii(b, name, nameEnd, KIND)) {
          return kind(value, span);
        }
        break;
      case 6:
        if (JsonBytes.equalsAscii(b, name, nameEnd, SPAN_ID)) {
          return spanId(value, span, false);
        }
        if (JsonBytes.equalsAscii(b, name, nameEnd, EVENTS)) {
          // A repeated member is Jackson's to judge, here and below.
          sawEvents = !sawEvents;
          return sawEvents ? events(value, span) : FAIL;
        }
        if (JsonBytes.equalsAscii(b, name, nameEnd, STATUS)) {
          sawStatus = !sawStatus;
          return sawStatus ? status(value) : FAIL;
        }
        break;
      case 7:
        if (JsonBytes.equalsAscii(b, name, nameEnd, TRACE_ID)) {
          return traceId(value, span);
        }
        break;
      case 10:
        if (JsonBytes.equalsAscii(b, name, nameEnd, ATTRIBUTES)) {
          sawAttributes = !sawAttributes;
          return sawAttributes ? attributes(value, span) : FAIL;
        }
        break;
      case 12:
        if (JsonBytes.equalsAscii(b, name, nameEnd, PARENT_SPAN_ID)) {
          return spanId(value, span, true);
        }
        break;
      case 15:
      case 17:
        boolean start = JsonBytes.equalsAscii(b, name, nameEnd, START);
        if (start || JsonBytes.equalsAscii(b, name, nameEnd, END)) {
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
    if (JsonBytes.equalsAscii(b, name, nameEnd, CODE)) {
      if (b[value] < '0' || b[value] > '9' || JsonBytes.skipNumber(b, value, end) != value + 1) {
        return FAIL;
      }
      int code = b[value] - '0';
      status = code == 1 ? SpanStatus.OK : code == 2 ? SpanStatus.ERROR : SpanStatus.UNSET;
      return value + 1;
    }
    if (JsonBytes.equalsAscii(b, name, nameEnd, MESSAGE)) {
      int close = b[value] == '"' ? JsonBytes.plainStringEnd(b, value, end) : FAIL;
      if (close == FAIL) {
        return FAIL;
      }
      message = new String(b, value + 1, close - value - 1, StandardCharsets.UTF_8);
      return close + 1;
    }
    return JsonBytes.skipValue(b, value, end);
  }

  /** Keeps the attributes as bytes, with the hot ones decoded. */
  private int attributes(int i, TimelineSpan.Builder span) {
    if (b[i] != '[') {
      return FAIL;
    }
    int start = i;
    hotLength = 0;
    i = array(i, attributeElement);
    if (i == FAIL) {
      return FAIL;
    }
    Object[] found = new Object[hotLength];
    System.arraycopy(hot, 0, found, 0, hotLength);
    if (hotOnly) {
      span.setAttributes(new LazyAttributes(null, found, decoder));
    } else if (context.file != null) {
      span.setAttributes(new LazyAttributes(context.file, context.lineOffset + start - lineStart, i - start, found, decoder));
    } else {
      span.setAttributes(new LazyAttributes(Arrays.copyOfRange(b, start, i), found, decoder));
    }
    return i;
  }

  private int hotLength;
  private final Element attributeElement = this::attributeElement;

  private int attributeElement(int i) {
    i = attribute(i);
    if (i != FAIL && hotIndex >= 0) {
      hotLength = putHot(hotLength, HOT_NAMES[hotIndex], hotValue);
    }
    return i;
  }

  private int putHot(int length, String key, Object value) {
    for (int k = 0; k < length; k += 2) {
      if (hot[k] == key) {
        hot[k + 1] = value;
        return length;
      }
    }
    hot[length] = key;
    hot[length + 1] = value;
    return length + 2;
  }

  // The result of attribute(): which hot key it held (-1 for none) and its value.
  private int hotIndex;
  private Object hotValue;
  private int keyFound;
  private int valueStart;
  private int valueEnd;

  /** One {"key":...,"value":{...}}; a hot key's value decoded into hotIndex/hotValue. */
  private int attribute(int i) {
    hotIndex = -1;
    hotValue = null;
    keyFound = -1;
    valueStart = -1;
    valueEnd = -1;
    i = object(i, attributeMember);
    if (i == FAIL || keyFound < 0) {
      return i;
    }
    Object value = valueStart < 0 ? null : hotValue(valueStart, valueEnd);
    if (value == null) {
      return FAIL;
    }
    hotIndex = keyFound;
    hotValue = value;
    return i;
  }

  private int attributeMember(int name, int nameEnd, int value) {
    if (JsonBytes.equalsAscii(b, name, nameEnd, KEY)) {
      int close = keyFound == -1 && b[value] == '"' ? JsonBytes.plainStringEnd(b, value, end) : FAIL;
      if (close == FAIL) {
        return FAIL;
      }
      keyFound = hot(value + 1, close);
      // A second "key" is Jackson's to judge; -2 marks a non-hot key as seen.
      keyFound = keyFound < 0 ? -2 : keyFound;
      return close + 1;
    }
    if (JsonBytes.equalsAscii(b, name, nameEnd, VALUE)) {
      if (valueStart != -1 || b[value] != '{') {
        return FAIL;
      }
      valueStart = value;
      valueEnd = JsonBytes.skipValue(b, value, end);
      return valueEnd;
    }
    return JsonBytes.skipValue(b, value, end);
  }

  /** Which hot key the bytes are, or -1. */
  private int hot(int start, int close) {
    int length = close - start;
    if (length < 7 || (b[start] != 'c' && b[start] != 'g')) {
      return -1;
    }
    for (int k = 0; k < HOT_KEYS.length; k++) {
      if (HOT_KEYS[k].length == length && JsonBytes.equalsAscii(b, start, close, HOT_KEYS[k])) {
        return k;
      }
    }
    return -1;
  }

  /** A hot attribute's AnyValue with exactly one simple field, decoded as the Jackson reader does; else null. */
  private Object hotValue(int i, int valueEnd) {
    i = JsonBytes.skipWhitespace(b, i + 1, valueEnd);
    int keyEnd = key(i);
    if (keyEnd == FAIL) {
      return null;
    }
    int value = valueAfter(keyEnd);
    if (value == FAIL) {
      return null;
    }
    Object decoded;
    int after;
    if (JsonBytes.equalsAscii(b, i + 1, keyEnd, STRING_VALUE)) {
      if (b[value] != '"') {
        return null;
      }
      int close = JsonBytes.plainStringEnd(b, value, end);
      if (close == FAIL) {
        return null;
      }
      decoded = strings.get(b, value + 1, close);
      after = close + 1;
    } else if (JsonBytes.equalsAscii(b, i + 1, keyEnd, INT_VALUE)) {
      long number = JsonBytes.smallUnsigned(b, value, end, next);
      if (number < 0) {
        return null;
      }
      decoded = number;
      after = next[0];
    } else if (JsonBytes.equalsAscii(b, i + 1, keyEnd, ARRAY_VALUE)) {
      List<Object> list = stringArray(value);
      if (list == null) {
        return null;
      }
      decoded = list;
      after = next[0];
    } else if (JsonBytes.equalsAscii(b, i + 1, keyEnd, BOOL_VALUE)) {
      if (b[value] == 't') {
        decoded = Boolean.TRUE;
        after = value + 4;
      } else if (b[value] == 'f') {
        decoded = Boolean.FALSE;
        after = value + 5;
      } else {
        return null;
      }
    } else {
      return null;
    }
    // Exactly one field: the value's object closes right after it.
    after = JsonBytes.skipWhitespace(b, after, valueEnd);
    return after == valueEnd - 1 && b[after] == '}' ? decoded : null;
  }

  /**
   * {"values":[{"stringValue":"..."},...]} at {@code i}, as the Jackson reader's list; the
   * position after it in {@code next[0]}. Null for anything else.
   */
  private List<Object> stringArray(int i) {
    if (b[i] != '{') {
      return null;
    }
    int close = JsonBytes.skipValue(b, i, end);
    i = JsonBytes.skipWhitespace(b, i + 1, close);
    int keyEnd = key(i);
    if (keyEnd == FAIL || !JsonBytes.equalsAscii(b, i + 1, keyEnd, VALUES)) {
      return null;
    }
    i = valueAfter(keyEnd);
    if (i == FAIL || b[i] != '[') {
      return null;
    }
    List<Object> values = new ArrayList<>(2);
    i = JsonBytes.skipWhitespace(b, i + 1, close);
    while (b[i] != ']') {
      if (b[i] != '{') {
        return null;
      }
      int itemKey = key(JsonBytes.skipWhitespace(b, i + 1, close));
      if (itemKey == FAIL || !JsonBytes.equalsAscii(b, JsonBytes.skipWhitespace(b, i + 1, close) + 1, itemKey, STRING_VALUE)) {
        return null;
      }
      int text = valueAfter(itemKey);
      if (text == FAIL || b[text] != '"') {
        return null;
      }
      int textEnd = JsonBytes.plainStringEnd(b, text, end);
      if (textEnd == FAIL) {
        return null;
      }
      values.add(strings.get(b, text + 1, textEnd));
      i = JsonBytes.skipWhitespace(b, textEnd + 1, close);
      if (b[i] != '}') {
        return null;
      }
      i = JsonBytes.skipWhitespace(b, i + 1, close);
      if (b[i] == ',') {
        i = JsonBytes.skipWhitespace(b, i + 1, close);
        if (b[i] == ']') {
          return null;
        }
      }
    }
    i = JsonBytes.skipWhitespace(b, i + 1, close);
    if (i != close - 1 || b[i] != '}') {
      return null;
    }
    next[0] = close;
    return List.copyOf(values);
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

  private Map<String, Object> resource(int start, int after) {
    ByteKey key = new ByteKey(b, start, after);
    Map<String, Object> known = resources.get(key);
    if (known != null) {
      return known;
    }
    Map<String, Object> resource;
    try (JsonParser parser = decoder.parser(b, start, after - start)) {
      parser.nextToken();
      resource = context.resource(new OtlpJsonReader(context).readAttributesHolder(parser));
    } catch (IOException e) {
      throw new IllegalStateException("checked bytes did not parse", e);
    }
    if (resources.size() < 1024) {
      resources.put(key.copy(), resource);
    }
    return resource;
  }

  private String scope(int start, int after) {
    ByteKey key = new ByteKey(b, start, after);
    String known = scopes.get(key);
    if (known != null) {
      return known;
    }
    String scope;
    try (JsonParser parser = decoder.parser(b, start, after - start)) {
      parser.nextToken();
      scope = new OtlpJsonReader(context).readScopeName(parser);
    } catch (IOException e) {
      throw new IllegalStateException("checked bytes did not parse", e);
    }
    if (scopes.size() < 1024) {
      scopes.put(key.copy(), scope);
    }
    return scope;
  }

  /** Reads a JSON array at {@code i} element by element. */
  private int array(int i, Element element) {
    i = JsonBytes.skipWhitespace(b, i + 1, end);
    if (i < end && b[i] == ']') {
      return i + 1;
    }
    while (true) {
      if (i >= end) {
        return FAIL;
      }
      i = afterMember(element.read(i), ']');
      if (i == FAIL) {
        return FAIL;
      }
      if (b[i - 1] == ']') {
        return i;
      }
    }
  }

  /** Reads a JSON object at {@code i} member by member. */
  private int object(int i, Member member) {
    if (i >= end || b[i] != '{') {
      return FAIL;
    }
    i = JsonBytes.skipWhitespace(b, i + 1, end);
    if (i < end && b[i] == '}') {
      return i + 1;
    }
    while (true) {
      int nameEnd = key(i);
      int value = nameEnd == FAIL ? FAIL : valueAfter(nameEnd);
      if (value == FAIL) {
        return FAIL;
      }
      i = afterMember(member.read(i + 1, nameEnd, value), '}');
      if (i == FAIL) {
        return FAIL;
      }
      if (b[i - 1] == '}') {
        return i;
      }
    }
  }

  private interface Element {
    int read(int i);
  }

  /** Reads the value of the member named by the bytes from {@code name} to {@code nameEnd}. */
  private interface Member {
    int read(int name, int nameEnd, int value);
  }

  /** A plain (escape-free) member name at {@code i}: the position of its closing quote. */
  private int key(int i) {
    if (i >= end || b[i] != '"') {
      return FAIL;
    }
    // Names are short ASCII: a plain loop beats word-at-a-time here.
    for (int j = i + 1; j < end; j++) {
      byte c = b[j];
      if (c == '"') {
        return j;
      }
      if (c == '\\' || c < 0x20) {
        break; // an escape, a control character, or not ASCII (negative)
      }
    }
    return JsonBytes.plainStringEnd(b, i, end);
  }

  private int valueAfter(int keyEnd) {
    return JsonBytes.valueAfterName(b, keyEnd, end);
  }

  private int afterMember(int i, char close) {
    return JsonBytes.afterMember(b, i, end, (byte) close);
  }

  /** Bytes as a map key, for resources and scopes that repeat line after line. */
  private static final class ByteKey {
    private final byte[] bytes;
    private final int start;
    private final int end;
    private final int hash;

    ByteKey(byte[] bytes, int start, int end) {
      this.bytes = bytes;
      this.start = start;
      this.end = end;
      int h = 1;
      for (int i = start; i < end; i++) {
        h = 31 * h + bytes[i];
      }
      this.hash = h;
    }

    ByteKey copy() {
      return new ByteKey(Arrays.copyOfRange(bytes, start, end), 0, end - start);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof ByteKey
          && Arrays.equals(bytes, start, end, ((ByteKey) other).bytes, ((ByteKey) other).start, ((ByteKey) other).end);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
