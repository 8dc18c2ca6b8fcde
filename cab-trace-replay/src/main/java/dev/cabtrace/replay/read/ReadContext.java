package dev.cabtrace.replay.read;

import dev.cabtrace.replay.internal.CompactAttributes;
import dev.cabtrace.replay.internal.SeededHash;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.util.HashMap;
import java.util.Map;

/** What the format readers share while one trace loads: the sink, the source, an interner. */
final class ReadContext {

  private static final int MAX_INTERNED = 200_000;
  private static final int MAX_INTERNED_LENGTH = 128;

  private final SpanSink sink;
  final String source;
  final long[] traceId = new long[2];
  final long[] spanId = new long[1];
  // Made when first needed: a sweep makes one context per file, and most never intern.
  private Map<String, String> interned;
  private Map<ResourceKey, Map<String, Object>> resources;
  long line;
  /**
   * The parser of a document read in one parse (a Tempo, Jaeger or Zipkin download, pretty-printed
   * or not), which counts its lines; null while JSON Lines are read, a line at a time.
   */
  private com.fasterxml.jackson.core.JsonParser document;
  private long documentFirstLine;
  /** The line a document's span began on, which its warnings after it is read name. */
  private long spanLine;
  private boolean clampWarned;
  private long added;
  private OtlpLineScanner scanner;
  /** Whether spans keep only the attributes a ledger reads ({@link TraceReader#stream}). */
  boolean hotOnly;
  /** The file read, when attributes may stay in it; else null (a stream: they are kept as bytes). */
  FileSlices file;
  /** Where the line being read starts in the file. */
  long lineOffset;

  ReadContext(SpanSink sink, String source) {
    this.sink = sink;
    this.source = source;
  }

  SpanSink sink() {
    return sink;
  }

  /** The byte-level OTLP reader of this load's lines, one per thread. */
  OtlpLineScanner scanner(LazyAttributes.Decoder decoder) {
    if (scanner == null) {
      scanner = new OtlpLineScanner(this, decoder);
    }
    return scanner;
  }

  /** Reads with {@code scanner}, kept by this thread from an earlier load. */
  void useScanner(OtlpLineScanner scanner) {
    this.scanner = scanner.bind(this);
  }

  /** One instance per distinct short string: names and keys repeat across a million spans. */
  String intern(String value) {
    if (value == null || value.length() > MAX_INTERNED_LENGTH) {
      return value;
    }
    if (interned == null) {
      interned = new HashMap<>();
    }
    String existing = interned.get(value);
    if (existing != null) {
      return existing;
    }
    if (interned.size() < MAX_INTERNED) {
      interned.put(value, value);
    }
    return value;
  }

  /** One map per distinct resource: every span of a cell points at the same one. */
  Map<String, Object> resource(Map<String, Object> attributes) {
    if (resources == null) {
      resources = new HashMap<>();
    }
    // The byte scanner's maps are immutable already: only the Jackson reader's are copied (values
    // of null kept, which Map.copyOf refuses).
    return resources.computeIfAbsent(new ResourceKey(attributes),
        key -> attributes instanceof CompactAttributes ? attributes : OtlpKeyValueReader.compact(attributes));
  }

  /** A resource as a key, by its {@link SeededHash}: the traced program cannot make its resources collide. */
  private static final class ResourceKey {
    private final Map<String, Object> attributes;
    private final int hash;

    ResourceKey(Map<String, Object> attributes) {
      this.attributes = attributes;
      this.hash = (int) SeededHash.of(attributes);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof ResourceKey && attributes.equals(((ResourceKey) other).attributes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** Hands a finished span builder on. */
  void add(TimelineSpan.Builder span) {
    added++;
    sink.span(span, document == null ? line : spanLine);
  }

  /** Reads a document with {@code parser}, whose first line is line {@code firstLine} of the input. */
  void startDocument(com.fasterxml.jackson.core.JsonParser parser, long firstLine) {
    document = parser;
    documentFirstLine = firstLine;
    line = firstLine;
  }

  /** The document is read, or failed where its parser stands: that line stays the line. */
  void endDocument() {
    line = line();
    document = null;
  }

  /** A span object begins where the parser stands. */
  void spanStarts() {
    if (document != null) {
      spanLine = line();
    }
  }

  /** The input's line being read: in a document, the line its parser stands on. */
  private long line() {
    if (document == null) {
      return line;
    }
    int lineNr = document.currentLocation().getLineNr();
    return lineNr < 1 ? documentFirstLine : documentFirstLine - 1 + lineNr;
  }

  /** How many spans were handed on so far: a line's problem says whether any of its spans were. */
  long added() {
    return added;
  }

  /**
   * A line that could not be read (in strict mode, the end of the load, said without {@code
   * consequence}).
   *
   * @param consequence what a load that goes on does about it ({@code skipped}), or null
   */
  void problem(String problem, String consequence) throws TraceReadException {
    sink.problem(source, line(), problem, consequence);
  }

  /**
   * The names a trace format gives a span's ids and name (null for one it does not have), and
   * whether its ids must be written whole ({@link Ids#parseExact}, OTLP's) or may drop leading
   * zeros (Jaeger's, Zipkin's).
   */
  record SpanFieldNames(String traceId, String spanId, String parentSpanId, String name, boolean exactIds) {
    SpanFieldNames(String traceId, String spanId, String parentSpanId, String name) {
      this(traceId, spanId, parentSpanId, name, false);
    }
  }

  // Whether the span being read (with exact ids) found its trace id, and the text of one that was
  // not: see warnOfTraceId.
  private boolean traceIdSet;
  private String badTraceId;

  /** Starts reading a span: what {@link #warnOfTraceId} looks at is forgotten. */
  void newSpan() {
    traceIdSet = false;
    badTraceId = null;
  }

  /**
   * Warns when the span read since {@link #newSpan} (with exact ids) had no trace id, or none that
   * was one (all zeros is none): its trace id is then all zeros, which no writer meant.
   */
  void warnOfTraceId(TimelineSpan.Builder span) {
    if (!traceIdSet) {
      TimelineSpan built = span.build();
      warnOfKind("invalid trace id", "span " + built.spanId() + " (" + built.name() + "): "
          + (badTraceId == null ? "no traceId" : "traceId \"" + badTraceId + "\" is not a trace id") + "; read as all zeros");
    }
  }

  /**
   * Moves to the next field of a span object that is not its trace id, span id, parent id or name
   * under the format's {@code names}, reading those on the way: every format reads them the same
   * way.
   *
   * @return the field's name, the parser on its value; null at the end of the object
   */
  String nextSpanField(TimelineSpan.Builder span, com.fasterxml.jackson.core.JsonParser parser, SpanFieldNames names)
      throws java.io.IOException {
    while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      if (!idOrName(span, parser, field, names)) {
        return field;
      }
    }
    return null;
  }

  private boolean idOrName(TimelineSpan.Builder span, com.fasterxml.jackson.core.JsonParser parser, String field,
      SpanFieldNames names) throws java.io.IOException {
    if (field.equals(names.traceId())) {
      String text = scalarText(parser, field);
      if (!names.exactIds()) {
        traceId(span, text);
      } else if (Ids.parseExact(text, traceId, 2) == Ids.VALID) {
        span.setTraceId(traceId[0], traceId[1]);
        traceIdSet = true;
      } else if (text != null && !text.isEmpty()) {
        badTraceId = text;
      }
    } else if (field.equals(names.spanId())) {
      String text = scalarText(parser, field);
      if (!names.exactIds()) {
        spanId(span, text);
      } else if (Ids.parseExact(text, spanId, 1) == Ids.VALID) {
        span.setSpanId(spanId[0]); // else left unset: the span is skipped, with a warning
      }
    } else if (field.equals(names.parentSpanId())) {
      String text = scalarText(parser, field);
      if (!names.exactIds()) {
        parentSpanId(span, text);
      } else {
        int found = Ids.parseExact(text, spanId, 1);
        if (found == Ids.VALID) {
          span.setParentSpanId(spanId[0]);
        } else if (found == Ids.INVALID) {
          warnOfKind("invalid parent id", "parentSpanId \"" + text + "\" is not a span id; its span is shown as a root");
        }
      }
    } else if (field.equals(names.name())) {
      span.setName(intern(scalarText(parser, field)));
    } else {
      return false;
    }
    return true;
  }

  /**
   * The value the parser stands on as text, null for a JSON null. An object or array where a
   * value belongs is skipped whole, with a warning naming {@code field} (none for null), and is
   * null too: left unskipped, the parser would read on inside it as if it were the rest of the span.
   */
  String scalarText(com.fasterxml.jackson.core.JsonParser parser, String field) throws java.io.IOException {
    com.fasterxml.jackson.core.JsonToken token = parser.currentToken();
    if (token != null && token.isStructStart()) {
      parser.skipChildren();
      if (field == null) {
        return null;
      }
      warn(field + " is " + (token == com.fasterxml.jackson.core.JsonToken.START_OBJECT ? "an object" : "an array")
          + ", not a value; ignored");
      return null;
    }
    return parser.getValueAsString();
  }

  /**
   * Skips the value the parser stands on, which is not {@code expected} ("an array") as {@code
   * field} must be, with a warning; a JSON null is a field not written, and says nothing.
   */
  void wrongShape(com.fasterxml.jackson.core.JsonParser parser, String field, String expected)
      throws java.io.IOException {
    com.fasterxml.jackson.core.JsonToken token = parser.currentToken();
    parser.skipChildren();
    if (token != com.fasterxml.jackson.core.JsonToken.VALUE_NULL) {
      warn(field + " is " + SkippedElements.describe(token) + ", not " + expected + "; ignored");
    }
  }

  /**
   * Moves to the next object in the array the parser is in, skipping with a warning an element
   * that is not one (named {@code what} in it; none for null): false at the end of the array.
   */
  boolean nextObject(com.fasterxml.jackson.core.JsonParser parser, String what) throws java.io.IOException {
    com.fasterxml.jackson.core.JsonToken token;
    while ((token = parser.nextToken()) != com.fasterxml.jackson.core.JsonToken.END_ARRAY && token != null) {
      if (token == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        return true;
      }
      parser.skipChildren();
      if (what != null) {
        warn("a " + what + " that is not an object; skipped");
      }
    }
    return false;
  }

  /** Reads one event object; the parser stands on its START_OBJECT. */
  interface EventReader {
    dev.cabtrace.replay.timeline.SpanEvent read(com.fasterxml.jackson.core.JsonParser parser) throws java.io.IOException;
  }

  /** An array of events (OTLP events, Jaeger logs, Zipkin annotations) the parser stands on. */
  void readEvents(com.fasterxml.jackson.core.JsonParser parser, TimelineSpan.Builder span, EventReader reader)
      throws java.io.IOException {
    readEvents(parser, span, reader, "a span's event list");
  }

  /** As {@link #readEvents(com.fasterxml.jackson.core.JsonParser, TimelineSpan.Builder, EventReader)}, the array called {@code field} in a warning. */
  void readEvents(com.fasterxml.jackson.core.JsonParser parser, TimelineSpan.Builder span, EventReader reader,
      String field) throws java.io.IOException {
    if (parser.currentToken() != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
      wrongShape(parser, field, "an array");
      return;
    }
    while (nextObject(parser, "span event")) {
      span.addEvent(reader.read(parser));
    }
  }

  /** Sets the span's trace id from hex or base64 text; an unreadable id is left unset. */
  void traceId(TimelineSpan.Builder span, String text) {
    if (Ids.parse(text, traceId, 2)) {
      span.setTraceId(traceId[0], traceId[1]);
    }
  }

  /** Sets the span's id; an unreadable id is left unset, and the span is skipped with a warning. */
  void spanId(TimelineSpan.Builder span, String text) {
    if (Ids.parse(text, spanId, 1)) {
      span.setSpanId(spanId[0]);
    }
  }

  /** Sets the span's parent; an unreadable parent id leaves the span a root. */
  void parentSpanId(TimelineSpan.Builder span, String text) {
    if (Ids.parse(text, spanId, 1)) {
      span.setParentSpanId(spanId[0]);
    }
  }

  /** A warning of a kind many spans may have; see {@link SpanSink#warnOfKind}. */
  void warnOfKind(String kind, String message) {
    sink.warnOfKind(kind, line(), message);
  }

  void warn(String message) {
    sink.warn(line(), message);
  }

  /**
   * Nanoseconds from microseconds (Jaeger, Zipkin) as {@link #nanos} reads them; past the year
   * 2262 in nanoseconds, clamped there with the same warning.
   */
  long micros(String text) {
    long micros = nanos(text);
    if (micros > Long.MAX_VALUE / 1000) {
      clampWarning(text + " µs");
      return Long.MAX_VALUE;
    }
    return micros * 1000;
  }

  /**
   * Sets the span's times from a start in epoch microseconds and a duration in microseconds (Jaeger,
   * Zipkin; their reader's names for them: {@code startField}, {@code durationField}), as {@link
   * #setTimes} sets OTLP's: a span with no start, or one that is not a time, has no place in time
   * and is skipped, with a warning (not shown in 1970); one with no duration is shown unfinished,
   * ending where it starts, with a warning. False when the span is skipped.
   */
  boolean setMicrosTimes(TimelineSpan.Builder span, String startField, String startText, String durationField,
      String durationText) {
    long start = microsTime(startText);
    if (start == NO_TIME) {
      warn("span \"" + span.build().name() + "\": " + noTime(startField, startText, start) + "; skipped");
      return false;
    }
    long duration = microsTime(durationText);
    if (duration == NO_TIME) {
      span.setStartEpochNanos(start).setEndEpochNanos(start).setUnfinished(true);
      warn("span \"" + span.build().name() + "\": " + noTime(durationField, durationText, duration)
          + "; shown unfinished, ending where it starts");
      return true;
    }
    span.setStartEpochNanos(start).setEndEpochNanos(end(start, duration));
    return true;
  }

  /** As {@link #micros}, but {@link #NO_TIME} for none, or for text that is not a number, as {@link #time}. */
  private long microsTime(String text) {
    long micros = time(text);
    if (micros == NO_TIME) {
      return NO_TIME;
    }
    if (micros > Long.MAX_VALUE / 1000) {
      clampWarning(text + " µs");
      return Long.MAX_VALUE;
    }
    return micros * 1000;
  }

  /** A start plus a duration, both not negative: held at the year 2262, as a time read past it is. */
  static long end(long start, long duration) {
    long end = start + duration;
    return end < 0 ? Long.MAX_VALUE : end;
  }

  /** What {@link #time} reads from no time, or from text that is not a number. */
  static final long NO_TIME = Long.MIN_VALUE;

  private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("-?[0-9]+");

  /** Epoch nanoseconds from an unsigned decimal, 0 for none; as {@link #time}, text that is not a time warns. */
  long nanos(String text) {
    long nanos = time(text);
    if (nanos == NO_TIME && text != null && !text.isEmpty()) {
      warn("timestamp \"" + text + "\" is not a time; read as 0");
    }
    return nanos == NO_TIME ? 0 : nanos;
  }

  /**
   * Epoch nanoseconds from an unsigned decimal; values past the year 2262 are clamped. {@link
   * #NO_TIME} for none, or for text that is not a number or is negative: its reader says what it
   * becomes. 0 is what a protobuf sender's unset time reads as: the span readers take it as none.
   */
  long time(String text) {
    if (text == null || text.isEmpty()) {
      return NO_TIME;
    }
    try {
      if (text.indexOf('.') >= 0 || text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
        return decimal(text.trim());
      }
      long value = Long.parseUnsignedLong(text.trim());
      if (value < 0) {
        clampWarning(text + " ns");
        return Long.MAX_VALUE;
      }
      return value;
    } catch (NumberFormatException e) {
      if (!DECIMAL.matcher(text.trim()).matches()) {
        return NO_TIME; // rare: the pattern is not matched on the way of every time
      }
      if (text.trim().startsWith("-")) {
        return NO_TIME;
      }
      clampWarning(text + " ns");
      return Long.MAX_VALUE;
    }
  }

  /**
   * Sets the span's times read as {@link #time} from {@code startText} and {@code endText} (its
   * reader's names for them: {@code startField}, {@code endField}). One missing, unreadable or 0
   * (a protobuf sender's unset time, and what {@code record} writes for it) is read from the other,
   * with a warning: a span with no end is shown unfinished, ending where it starts; one with no
   * start starts at its end. False, with a warning, when neither is there: the span has no place
   * in time, and is skipped (not shown in 1970). In a crash journal, an end of 0 is a span still
   * open, which the journal's sink ends.
   */
  boolean setTimes(TimelineSpan.Builder span, String startField, String startText, String endField, String endText) {
    long start = time(startText);
    long end = time(endText);
    if (start > 0 && end > 0) {
      span.setStartEpochNanos(start).setEndEpochNanos(end);
      return true;
    }
    if (start > 0 && end == 0 && sink.endsOpenSpansAtZero()) {
      span.setStartEpochNanos(start).setEndEpochNanos(0);
      return true;
    }
    return settleTimes(span, start, end, startField, startText, endField, endText);
  }

  private boolean settleTimes(TimelineSpan.Builder span, long start, long end, String startField, String startText,
      String endField, String endText) {
    String spanName = "span \"" + span.build().name() + "\": ";
    if (start <= 0 && end <= 0) {
      warn(spanName + noTime(startField, startText, start) + " and " + noTime(endField, endText, end) + "; skipped");
      return false;
    }
    if (end <= 0) {
      span.setStartEpochNanos(start).setEndEpochNanos(start).setUnfinished(true);
      warn(spanName + noTime(endField, endText, end) + "; shown unfinished, ending where it starts");
    } else {
      span.setStartEpochNanos(end).setEndEpochNanos(end);
      warn(spanName + noTime(startField, startText, start) + "; shown starting at its end");
    }
    return true;
  }

  /** Why {@code text}, read as {@code time}, is no time for {@code field}. */
  private static String noTime(String field, String text, long time) {
    return text == null || text.isEmpty() ? "no " + field
        : field + " \"" + text + "\" is " + (time == 0 ? "0, no time" : "not a time");
  }

  private static final java.math.BigDecimal MAX_TIME = java.math.BigDecimal.valueOf(Long.MAX_VALUE);
  /** Longer, a number with a fraction or an exponent is not a time (and no parse of it is paid for). */
  private static final int MAX_DECIMAL_LENGTH = 64;

  /**
   * A time with a fraction or an exponent ({@code "1.700000000123456789e18"}), read exactly: as a
   * double it kept 16 digits of 19, and moved the time by up to a microsecond (a span ending as it
   * started was read as ending before it). A fraction of a nanosecond is dropped.
   */
  private long decimal(String text) {
    if (text.length() > MAX_DECIMAL_LENGTH) {
      throw new NumberFormatException(text);
    }
    java.math.BigDecimal value = new java.math.BigDecimal(text);
    if (value.signum() < 0) {
      return NO_TIME;
    }
    if (value.compareTo(MAX_TIME) > 0) {
      clampWarning(text + " ns");
      return Long.MAX_VALUE;
    }
    // Below 1 its scale may be huge ("1e-999999999"), which longValue() would divide by.
    return value.compareTo(java.math.BigDecimal.ONE) < 0 ? 0 : value.longValue();
  }

  private void clampWarning(String text) {
    if (!clampWarned) {
      clampWarned = true;
      sink.warnOncePerLoad(line(), "timestamp " + text + " is beyond what can be shown (year 2262); clamped");
    }
  }
}
