package dev.cabtrace.replay.timeline;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.internal.CompactAttributes;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One span of a timeline, immutable. Times are epoch nanoseconds as recorded; {@link
 * Timeline#offsetNanos} turns them into offsets from the timeline's start.
 */
public final class TimelineSpan {

  /** What few spans have: another span kind, a status message, events. */
  private record Extras(String spanKind, String statusMessage, List<SpanEvent> events) {}

  // The trace, resource and scope, shared with the other spans of the cell (TimelineBuilder makes
  // a span share an equal origin, which changes no value a span answers).
  private SpanOrigin origin;
  private final long spanId;
  private final long parentSpanId;
  private final String name;
  private final long startEpochNanos;
  private final long endEpochNanos;
  private final Map<String, Object> attributes;
  // null when the span has none of them: a span is 8 bytes smaller than with a field each.
  private final Extras extras;
  // What it is (SpanFlags): its phase, status, OpenTelemetry kind, and three marks.
  private final int flags;
  // Set once the timeline is assembled; a span placed in one timeline is copied into another
  // (TimelineBuilder.build), so that these never change under a timeline built before.
  int index = -1;
  int parentIndex = -1;
  int depth;
  // The model call this span records, once read (ModelCall.of, or ModelCall.readAhead, which a
  // ledger's stream calls in the reader's sink, so the thread that sums does not read it). A
  // record of final fields: a race makes two equal ones at worst.
  ModelCall modelCallRecord;

  private TimelineSpan(Builder builder) {
    this.origin = builder.origin();
    this.spanId = builder.spanId;
    this.parentSpanId = builder.parentSpanId;
    this.name = builder.name;
    this.startEpochNanos = builder.startEpochNanos;
    this.endEpochNanos = Math.max(builder.startEpochNanos, builder.endEpochNanos);
    this.attributes = builder.attributeMap == null || builder.attributeLength > 0
        ? CompactAttributes.of(builder.allAttributes(), builder.attributeLength + 2 * builder.mapSize())
        : builder.attributeMap;
    List<SpanEvent> events = builder.events == null ? List.of() : List.copyOf(builder.events);
    this.flags = SpanFlags.of(attributes, builder.status, builder.spanKind, builder.unfinished,
        builder.endEpochNanos < builder.startEpochNanos);
    this.extras = !SpanFlags.hasSpanKind(flags) || !builder.statusMessage.isEmpty() || !events.isEmpty()
        ? new Extras(SpanFlags.hasSpanKind(flags) ? null : builder.spanKind, builder.statusMessage, events)
        : null;
  }

  /** The same span, not placed in any timeline. */
  private TimelineSpan(TimelineSpan span) {
    this.origin = span.origin;
    this.spanId = span.spanId;
    this.parentSpanId = span.parentSpanId;
    this.name = span.name;
    this.startEpochNanos = span.startEpochNanos;
    this.endEpochNanos = span.endEpochNanos;
    this.attributes = span.attributes;
    this.extras = span.extras;
    this.flags = span.flags;
    // Not its model call: that record names the span it was read from.
  }

  /** Whether a timeline holds it: its index, parent and depth are that timeline's. */
  boolean placed() {
    return index >= 0;
  }

  /** A copy to place in another timeline. */
  TimelineSpan unplacedCopy() {
    return new TimelineSpan(this);
  }

  /** Whether the recorded end came before the start (the span is shown as zero-length). */
  public boolean endedBeforeStart() {
    return SpanFlags.endedBeforeStart(flags);
  }

  /** Whether the span records a model call (its kind, or GenAI usage attributes). */
  boolean isModelCall() {
    return SpanFlags.modelCall(flags);
  }

  boolean declaresModelCall() {
    return SpanFlags.declaredCall(flags);
  }

  /** A builder, for readers of trace formats and for timelines made by hand ({@link TimelineBuilder}). */
  public static Builder builder() {
    return new Builder();
  }

  /** The trace id, 32 lowercase hex digits. */
  public String traceId() {
    return Ids.hex(origin.traceIdHigh()) + Ids.hex(origin.traceIdLow());
  }

  /** The span id, 16 lowercase hex digits. */
  public String spanId() {
    return Ids.hex(spanId);
  }

  /** The recorded parent's span id, or the empty string for a root. */
  public String parentSpanId() {
    return parentSpanId == 0 ? "" : Ids.hex(parentSpanId);
  }

  /** The span's name. */
  public String name() {
    return name;
  }

  /** The cell phase ({@code cab.span.kind}, else inferred from GenAI attributes), or null. */
  public CabSpanKind kind() {
    return SpanFlags.kind(flags);
  }

  /** The phase as shown: {@code container}, ..., or {@code unknown}. */
  public String kindName() {
    CabSpanKind kind = kind();
    return kind == null ? "unknown" : kind.value();
  }

  /** The OpenTelemetry span kind: INTERNAL, SERVER, CLIENT, PRODUCER or CONSUMER. */
  public String spanKind() {
    return SpanFlags.hasSpanKind(flags) ? SpanFlags.spanKind(flags) : extras.spanKind();
  }

  /** When it started, epoch nanoseconds. */
  public long startEpochNanos() {
    return startEpochNanos;
  }

  /** When it ended, epoch nanoseconds (for an unfinished span: the last sign of life). */
  public long endEpochNanos() {
    return endEpochNanos;
  }

  /** Its duration in nanoseconds. */
  public long durationNanos() {
    return endEpochNanos - startEpochNanos;
  }

  /** Its status. */
  public SpanStatus status() {
    return SpanFlags.status(flags);
  }

  /** The status message, possibly empty. */
  public String statusMessage() {
    return extras == null ? "" : extras.statusMessage();
  }

  /**
   * Its attributes in recorded order: String, Long, Double, Boolean, or a List of those for arrays
   * (OTLP's other types as Map and read-only ByteBuffer); null for an OTLP AnyValue with no value,
   * as an SDK writes a null array element, its key kept. Read from a file, they may be read back from it when asked for, and fail with {@code
   * dev.cabtrace.replay.read.TraceChangedException} if the file changed since.
   */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /** One attribute, or null. */
  public Object attribute(String key) {
    return attributes.get(key);
  }

  /** Its events in time order. */
  public List<SpanEvent> events() {
    return extras == null ? List.of() : extras.events();
  }

  /** The attributes of the resource that recorded it (the cell's identity). */
  public Map<String, Object> resource() {
    return origin.resource();
  }

  /** The name of the instrumentation scope that recorded it, or the empty string. */
  public String scope() {
    return origin.scope();
  }

  /** Whether the span never ended: the process died (read from a crash journal). */
  public boolean unfinished() {
    return SpanFlags.unfinished(flags);
  }

  /** Its position in the timeline's start order. */
  public int index() {
    return index;
  }

  /** The position of its parent in the timeline, or -1 for a root. */
  public int parentIndex() {
    return parentIndex;
  }

  /** How deep it sits in the tree: 0 for a root. */
  public int depth() {
    return depth;
  }

  /** The trace, resource and scope, shared with the spans before it that have the same. */
  SpanOrigin origin() {
    return origin;
  }

  /** Takes {@code other} as its origin when it is the same as its own (null: none to share). */
  void shareOrigin(SpanOrigin other) {
    if (other != null && other != origin && origin.sameAs(other)) {
      origin = other;
    }
  }

  long traceIdHigh() {
    return origin.traceIdHigh();
  }

  long traceIdLow() {
    return origin.traceIdLow();
  }

  long spanIdBits() {
    return spanId;
  }

  long parentSpanIdBits() {
    return parentSpanId;
  }

  @Override
  public String toString() {
    return kindName() + " " + name + " (" + spanId() + ")";
  }

  private static final Object[] NO_ATTRIBUTES = new Object[0];

  /** Collects one span's fields as a reader finds them. Not thread-safe. */
  public static final class Builder {
    private long traceIdHigh;
    private long traceIdLow;
    private long spanId;
    private long parentSpanId;
    private String name = "";
    private String spanKind = "INTERNAL";
    private long startEpochNanos;
    private long endEpochNanos;
    private SpanStatus status = SpanStatus.UNSET;
    private String statusMessage = "";
    private Object[] attributes = NO_ATTRIBUTES;
    private int attributeLength;
    private Map<String, Object> attributeMap;
    private List<SpanEvent> events;
    private Map<String, Object> resource;
    private String scope = "";
    private boolean unfinished;
    // The origin of the span built last, kept across clear(): the next one is likely the same.
    private SpanOrigin lastOrigin;

    private Builder() {}

    /** Back to the state of a new builder: a reader that builds many spans can keep one. */
    public Builder clear() {
      traceIdHigh = 0;
      traceIdLow = 0;
      spanId = 0;
      parentSpanId = 0;
      name = "";
      spanKind = "INTERNAL";
      startEpochNanos = 0;
      endEpochNanos = 0;
      status = SpanStatus.UNSET;
      statusMessage = "";
      attributes = NO_ATTRIBUTES;
      attributeLength = 0;
      attributeMap = null;
      events = null;
      resource = null;
      scope = "";
      unfinished = false;
      return this;
    }

    /** The trace id as two 64-bit halves. */
    public Builder setTraceId(long high, long low) {
      this.traceIdHigh = high;
      this.traceIdLow = low;
      return this;
    }

    /** The span id; 0 is invalid. */
    public Builder setSpanId(long spanId) {
      this.spanId = spanId;
      return this;
    }

    /** The parent's span id; 0 for a root. */
    public Builder setParentSpanId(long parentSpanId) {
      this.parentSpanId = parentSpanId;
      return this;
    }

    public Builder setName(String name) {
      this.name = Objects.requireNonNullElse(name, "");
      return this;
    }

    public Builder setSpanKind(String spanKind) {
      this.spanKind = Objects.requireNonNullElse(spanKind, "INTERNAL");
      return this;
    }

    public Builder setStartEpochNanos(long startEpochNanos) {
      this.startEpochNanos = startEpochNanos;
      return this;
    }

    public Builder setEndEpochNanos(long endEpochNanos) {
      this.endEpochNanos = endEpochNanos;
      return this;
    }

    public Builder setStatus(SpanStatus status, String message) {
      this.status = Objects.requireNonNull(status, "status");
      this.statusMessage = Objects.requireNonNullElse(message, "");
      return this;
    }

    /** Adds an attribute; a value is a String, Long, Double, Boolean or List of those. */
    public Builder putAttribute(String key, Object value) {
      if (key == null || value == null) {
        return this;
      }
      if (attributeLength + 2 > attributes.length) {
        attributes = java.util.Arrays.copyOf(attributes, Math.max(8, attributes.length * 2));
      }
      attributes[attributeLength++] = key;
      attributes[attributeLength++] = value;
      return this;
    }

    /**
     * Sets the attributes as one read-only map, kept as it is: a reader may pass one that decodes
     * on demand. Attributes put before or after it come after the map's, a later key replacing an
     * earlier one.
     */
    public Builder setAttributes(Map<String, Object> attributes) {
      this.attributeMap = Objects.requireNonNull(attributes, "attributes");
      return this;
    }

    private int mapSize() {
      return attributeMap == null ? 0 : attributeMap.size();
    }

    /** The map's attributes, then the ones put, alternating keys and values. */
    private Object[] allAttributes() {
      if (attributeMap == null) {
        return attributes;
      }
      Object[] all = new Object[2 * attributeMap.size() + attributeLength];
      int i = 0;
      for (Map.Entry<String, Object> entry : attributeMap.entrySet()) {
        all[i++] = entry.getKey();
        all[i++] = entry.getValue();
      }
      System.arraycopy(attributes, 0, all, i, attributeLength);
      return all;
    }

    public Builder addEvent(SpanEvent event) {
      if (events == null) {
        events = new java.util.ArrayList<>();
      }
      events.add(event);
      return this;
    }

    /** The resource's attributes; readers share one map between the spans of one resource. */
    public Builder setResource(Map<String, Object> resource) {
      this.resource = resource;
      return this;
    }

    private SpanOrigin origin() {
      lastOrigin = SpanOrigin.of(lastOrigin, traceIdHigh, traceIdLow, resource == null ? Map.of() : resource, scope);
      return lastOrigin;
    }

    /** The instrumentation scope's name. */
    public Builder setScope(String scope) {
      this.scope = Objects.requireNonNullElse(scope, "");
      return this;
    }

    public Builder setUnfinished(boolean unfinished) {
      this.unfinished = unfinished;
      return this;
    }

    long spanId() {
      return spanId;
    }

    /** The start set so far, epoch nanoseconds (0 when none). */
    public long startEpochNanos() {
      return startEpochNanos;
    }

    /** The end set so far, epoch nanoseconds (0 when none: a span that never ended). */
    public long endEpochNanos() {
      return endEpochNanos;
    }

    /** The span; readers build spans on their own threads and add them in file order. */
    public TimelineSpan build() {
      return new TimelineSpan(this);
    }
  }
}
