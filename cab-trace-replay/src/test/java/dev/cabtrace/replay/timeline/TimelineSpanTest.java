package dev.cabtrace.replay.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A span answers the kind, status message and events it was built with, whether they sit in its
 * flags (an OpenTelemetry kind, no message, no events) or in its extras (any other).
 */
class TimelineSpanTest {

  @Test
  void answersItsKindStatusMessageAndEventsWhereverTheyAreKept() {
    String[] kinds = {"INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER", "server", "SPAN_KIND_CLIENT", ""};
    String[] messages = {"", "timed out"};
    List<List<SpanEvent>> events = List.of(List.of(), List.of(new SpanEvent(5, "cab.output", Map.of("k", "v"))));
    TimelineSpan.Builder reused = TimelineSpan.builder();
    for (String kind : kinds) {
      for (String message : messages) {
        for (List<SpanEvent> recorded : events) {
          boolean fresh = (kind.length() + message.length() + recorded.size()) % 2 == 0;
          TimelineSpan.Builder builder = (fresh ? TimelineSpan.builder() : reused.clear())
              .setTraceId(1, 2).setSpanId(3).setName("s").setSpanKind(kind)
              .setStatus(message.isEmpty() ? SpanStatus.OK : SpanStatus.ERROR, message);
          recorded.forEach(builder::addEvent);
          TimelineSpan span = builder.build();
          String as = kind + "/" + message + "/" + recorded.size() + (fresh ? " fresh" : " reused");
          assertThat(span.spanKind()).as(as).isEqualTo(kind);
          assertThat(span.statusMessage()).as(as).isEqualTo(message);
          assertThat(span.status()).as(as).isEqualTo(message.isEmpty() ? SpanStatus.OK : SpanStatus.ERROR);
          assertThat(span.events()).as(as).isEqualTo(recorded);
          assertThat(span.spanId()).as(as).isEqualTo("0000000000000003");
        }
      }
    }
    assertThat(TimelineSpan.builder().setSpanId(1).setSpanKind(null).build().spanKind()).isEqualTo("INTERNAL");
    assertThat(TimelineSpan.builder().setSpanId(1).build().events()).isEmpty();
  }
}
