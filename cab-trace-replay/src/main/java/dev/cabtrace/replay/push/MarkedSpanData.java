package dev.cabtrace.replay.push;

import dev.cabtrace.replay.timeline.TimelineSpan;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * A span as its capture file has it, with the end the reader made for it (one that never ended, or
 * ended before it started) and the attributes that say so, as {@link ReplayedSpans} marks a span
 * sent from the timeline.
 */
final class MarkedSpanData extends DelegatingSpanData {

  private final Attributes attributes;
  private final long end;

  private MarkedSpanData(SpanData fromFile, Attributes attributes, long end) {
    super(fromFile);
    this.attributes = attributes;
    this.end = end;
  }

  /** {@code fromFile} as it is when the reader made nothing of its own for {@code kept}, else marked. */
  static SpanData of(SpanData fromFile, TimelineSpan kept) {
    if (!ReplayedSpans.hasMadeEnd(kept)) {
      return fromFile;
    }
    return new MarkedSpanData(fromFile, ReplayedSpans.marked(fromFile.getAttributes(), kept), kept.endEpochNanos());
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  /** The file's count and the marks: the dropped stay dropped. */
  @Override
  public int getTotalAttributeCount() {
    return super.getTotalAttributeCount() + attributes.size() - super.getAttributes().size();
  }

  @Override
  public long getEndEpochNanos() {
    return end;
  }
}
