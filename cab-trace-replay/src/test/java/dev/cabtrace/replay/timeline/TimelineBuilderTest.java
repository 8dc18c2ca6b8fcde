package dev.cabtrace.replay.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A timeline, once built, never changes: not when its spans go into another one. */
class TimelineBuilderTest {

  private static TimelineSpan span(long id, long parent, String name, long start, long end) {
    TimelineSpan.Builder builder = TimelineSpan.builder().setTraceId(1, 1).setSpanId(id).setParentSpanId(parent)
        .setName(name).setStartEpochNanos(start).setEndEpochNanos(end);
    if (name.equals("chat")) {
      builder.putAttribute("cab.span.kind", "model_call").putAttribute("gen_ai.usage.input_tokens", 10L)
          .putAttribute("gen_ai.usage.output_tokens", 2L);
    }
    return builder.build();
  }

  private static void assertRunWithContainer(Timeline timeline, TimelineSpan run, TimelineSpan container) {
    assertThat(timeline.spans()).containsExactly(run, container);
    assertThat(timeline.parent(container)).isSameAs(run);
    assertThat(timeline.children(run)).containsExactly(container);
    assertThat(container.index()).isEqualTo(1);
    assertThat(container.depth()).isEqualTo(1);
  }

  @Test
  void spansOfABuiltTimelineBuiltIntoAnotherLeaveTheFirstAsItWas() {
    TimelineSpan run = span(2, 0, "run", 10, 100);
    TimelineSpan container = span(3, 2, "container", 20, 90);
    TimelineBuilder a = new TimelineBuilder("a");
    a.add(run, 0);
    a.add(container, 0);
    Timeline first = a.build();

    TimelineBuilder b = new TimelineBuilder("b");
    b.add(span(1, 0, "setup", 0, 5), 0);
    b.add(run, 0);
    b.add(container, 0);
    Timeline second = b.build();

    assertRunWithContainer(first, run, container);
    assertThat(second.spans()).extracting(TimelineSpan::name).containsExactly("setup", "run", "container");
    TimelineSpan secondContainer = second.span(2);
    assertThat(secondContainer.index()).isEqualTo(2);
    assertThat(second.parent(secondContainer)).isSameAs(second.span(1));
    assertThat(second.children(second.span(1))).containsExactly(secondContainer);
  }

  @Test
  void spansAddedToTwoBuildersBeforeEitherBuildsBelongToTheFirstBuiltAndAreCopiedIntoTheSecond() {
    TimelineSpan run = span(2, 0, "run", 10, 100);
    TimelineSpan container = span(3, 2, "container", 20, 90);
    TimelineSpan chat = span(4, 3, "chat", 30, 40);
    TimelineBuilder a = new TimelineBuilder("a");
    TimelineBuilder b = new TimelineBuilder("b");
    b.add(span(1, 0, "setup", 0, 5), 0);
    for (TimelineSpan span : new TimelineSpan[] {run, container, chat}) {
      a.add(span, 0);
      b.add(span, 0);
    }
    Timeline first = a.build();
    Timeline second = b.build();

    assertThat(first.spans()).containsExactly(run, container, chat);
    assertThat(first.parent(chat)).isSameAs(container);
    assertThat(chat.index()).isEqualTo(2);
    assertThat(chat.depth()).isEqualTo(2);
    assertThat(first.modelCalls().get(0).span()).isSameAs(chat);
    // The second's model call is its own span, with its own index.
    assertThat(second.modelCalls().get(0).span()).isSameAs(second.span(3)).isNotSameAs(chat);
    assertThat(second.modelCalls().get(0).span().index()).isEqualTo(3);
    assertThat(second.tokens().input()).isEqualTo(10);
  }

  @Test
  void aBuilderBuiltAgainAfterMoreSpansLeavesItsFirstTimelineAsItWas() {
    TimelineSpan run = span(2, 0, "run", 10, 100);
    TimelineSpan container = span(3, 2, "container", 20, 90);
    TimelineBuilder builder = new TimelineBuilder("again");
    builder.add(run, 0);
    builder.add(container, 0);
    Timeline first = builder.build();
    builder.add(span(1, 0, "setup", 0, 5), 0);
    Timeline second = builder.build();

    assertRunWithContainer(first, run, container);
    assertThat(second.spans()).extracting(TimelineSpan::name).containsExactly("setup", "run", "container");
    assertThat(second.span(2).index()).isEqualTo(2);
  }
}
