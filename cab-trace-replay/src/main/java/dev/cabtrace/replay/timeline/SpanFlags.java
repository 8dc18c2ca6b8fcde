package dev.cabtrace.replay.timeline;

import dev.cabtrace.api.CabSpanKind;
import java.util.Map;

/**
 * What a span is, packed in one int of it (a span is 8 bytes smaller than with a field each): its
 * cell phase ({@code cab.span.kind}, else inferred from GenAI attributes), its status, its
 * OpenTelemetry span kind when it is one of the five, and whether it records a model call, never
 * ended, or ended before it started.
 */
final class SpanFlags {

  private static final CabSpanKind[] KINDS = CabSpanKind.values();
  private static final SpanStatus[] STATUSES = SpanStatus.values();
  private static final int KIND_MASK = 0xFF;
  private static final int STATUS_SHIFT = 8;
  private static final int UNFINISHED = 1 << 10;
  private static final int MODEL_CALL = 1 << 11;
  private static final int ENDED_BEFORE_START = 1 << 12;
  // The OpenTelemetry span kinds, one of which nearly every span has: its position + 1 (0: another
  // kind, which the span keeps itself).
  private static final String[] SPAN_KINDS = {"INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};
  private static final int SPAN_KIND_SHIFT = 13;
  /** The span declares itself a model call ({@code cab.span.kind}), not only has GenAI attributes. */
  private static final int DECLARED_CALL = 1 << 16;

  static {
    if (KINDS.length >= KIND_MASK || STATUSES.length > 4 || SPAN_KINDS.length > 7) {
      throw new IllegalStateException("a span's kind and status no longer fit its flags");
    }
  }

  private SpanFlags() {}

  /** The flags of a span with these attributes, status and OpenTelemetry kind. */
  static int of(Map<String, Object> attributes, SpanStatus status, String spanKind, boolean unfinished,
      boolean endedBeforeStart) {
    CabSpanKind declared = declaredKind(attributes);
    CabSpanKind kind = declared != null ? declared : inferredKind(attributes);
    // A span that declares another kind is not a call even with usage on it: an adapter_run
    // carrying its run's totals would count them twice. Without cab.span.kind, usage makes a call.
    boolean modelCall = kind == CabSpanKind.MODEL_CALL;
    return (kind == null ? 0 : kind.ordinal() + 1)
        | (declared == CabSpanKind.MODEL_CALL ? DECLARED_CALL : 0)
        | status.ordinal() << STATUS_SHIFT
        | (unfinished ? UNFINISHED : 0)
        | (modelCall ? MODEL_CALL : 0)
        | (endedBeforeStart ? ENDED_BEFORE_START : 0)
        | spanKindNumber(spanKind) << SPAN_KIND_SHIFT;
  }

  /** The kind {@code cab.span.kind} names, or null when it names none. */
  private static CabSpanKind declaredKind(Map<String, Object> attributes) {
    Object declared = attributes.get("cab.span.kind");
    return declared == null ? null : CabSpanKind.fromValue(String.valueOf(declared)).orElse(null);
  }

  /** A model call when GenAI attributes say so; else null. */
  private static CabSpanKind inferredKind(Map<String, Object> attributes) {
    if (attributes.containsKey("gen_ai.operation.name")
        || attributes.containsKey("gen_ai.usage.input_tokens")
        || attributes.containsKey("gen_ai.usage.output_tokens")) {
      return CabSpanKind.MODEL_CALL;
    }
    return null;
  }

  /** The kind's position among the five + 1, or 0 for another. */
  private static int spanKindNumber(String spanKind) {
    for (int k = 0; k < SPAN_KINDS.length; k++) {
      if (SPAN_KINDS[k].equals(spanKind)) {
        return k + 1;
      }
    }
    return 0;
  }

  /** Whether the flags hold the OpenTelemetry span kind (else the span keeps it). */
  static boolean hasSpanKind(int flags) {
    return (flags >>> SPAN_KIND_SHIFT & 7) != 0;
  }

  /** The OpenTelemetry span kind the flags hold; see {@link #hasSpanKind}. */
  static String spanKind(int flags) {
    return SPAN_KINDS[(flags >>> SPAN_KIND_SHIFT & 7) - 1];
  }

  static CabSpanKind kind(int flags) {
    int kind = flags & KIND_MASK;
    return kind == 0 ? null : KINDS[kind - 1];
  }

  static SpanStatus status(int flags) {
    return STATUSES[flags >> STATUS_SHIFT & 3];
  }

  static boolean unfinished(int flags) {
    return (flags & UNFINISHED) != 0;
  }

  static boolean declaredCall(int flags) {
    return (flags & DECLARED_CALL) != 0;
  }

  static boolean modelCall(int flags) {
    return (flags & MODEL_CALL) != 0;
  }

  static boolean endedBeforeStart(int flags) {
    return (flags & ENDED_BEFORE_START) != 0;
  }
}
