package dev.cabtrace.replay.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Spans share their trace, resource and scope ({@link SpanOrigin}) with the span added before
 * them when those are the same, and each still answers its own: built from one reused builder
 * and from a builder per span (as the Jackson readers do), with the trace, resource and scope
 * changing at random.
 */
class SpanOriginTest {

  @Test
  void eachSpanKeepsItsOwnTraceResourceAndScopeWhileSharingRepeats() {
    Random random = new Random(7);
    List<Map<String, Object>> resources = List.of(Map.of("cab.tui", "aider"), Map.of("cab.tui", "opencode"), Map.of());
    String[] scopes = {"", "dev.cabtrace", "other"};
    TimelineSpan.Builder reused = TimelineSpan.builder();
    TimelineBuilder timeline = new TimelineBuilder("origins");
    List<TimelineSpan> spans = new ArrayList<>();
    List<Object[]> expected = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      long high = random.nextInt(3);
      long low = 1 + random.nextInt(2);
      Map<String, Object> resource = resources.get(random.nextInt(resources.size()));
      String scope = scopes[random.nextInt(scopes.length)];
      TimelineSpan.Builder builder = random.nextBoolean() ? reused.clear() : TimelineSpan.builder();
      builder.setTraceId(high, low).setSpanId(i + 1).setResource(resource).setScope(scope);
      if (random.nextInt(10) == 0) {
        builder.setResource(null).setScope(null); // none: an empty resource and scope
        resource = Map.of();
        scope = "";
      }
      TimelineSpan span = builder.build();
      assertThat(timeline.add(span, i + 1)).isTrue();
      spans.add(span);
      expected.add(new Object[] {Ids.hex(high) + Ids.hex(low), resource, scope});
    }
    int shared = 0;
    for (int i = 0; i < spans.size(); i++) {
      TimelineSpan span = spans.get(i);
      assertThat(span.traceId()).as("span %d", i).isEqualTo(expected.get(i)[0]);
      assertThat(span.resource()).as("span %d", i).isSameAs(expected.get(i)[1]);
      assertThat(span.scope()).as("span %d", i).isEqualTo(expected.get(i)[2]);
      if (i > 0 && span.traceId().equals(spans.get(i - 1).traceId()) && span.resource() == spans.get(i - 1).resource()
          && span.scope().equals(spans.get(i - 1).scope())) {
        assertThat(span.origin()).as("span %d repeats the one added before", i).isSameAs(spans.get(i - 1).origin());
        shared++;
      }
    }
    assertThat(shared).as("spans that repeat the origin before them").isGreaterThan(20);
    assertThat(timeline.build().size()).isEqualTo(spans.size());
  }
}
