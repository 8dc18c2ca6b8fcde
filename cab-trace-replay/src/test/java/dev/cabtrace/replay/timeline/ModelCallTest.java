package dev.cabtrace.replay.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A span's model call: read when asked for, or read ahead by a reader and then found read. */
class ModelCallTest {

  private static TimelineSpan span(boolean call) {
    TimelineSpan.Builder builder = TimelineSpan.builder().setTraceId(1, 2).setSpanId(3).setName("chat")
        .setStartEpochNanos(1_000).setEndEpochNanos(5_000);
    if (call) {
      builder.putAttribute("cab.span.kind", "model_call").putAttribute("gen_ai.request.model", "m")
          .putAttribute("gen_ai.usage.input_tokens", 12L).putAttribute("gen_ai.usage.prompt_tokens", 99L)
          .putAttribute("gen_ai.usage.completion_tokens", "7");
    } else {
      builder.putAttribute("cab.span.kind", "tool_call");
    }
    return builder.build();
  }

  @Test
  void aCallReadAheadIsTheOneFoundLaterAndHasTheSameFigures() {
    TimelineSpan asked = span(true);
    TimelineSpan readAhead = span(true);

    ModelCall read = ModelCall.readAhead(readAhead);

    assertThat(ModelCall.of(readAhead)).isSameAs(read);
    assertThat(ModelCall.of(asked)).isSameAs(ModelCall.of(asked));
    // The first key present wins; a count written as text is read as a count.
    assertThat(read.inputTokens()).isEqualTo(12L);
    assertThat(read.outputTokens()).isEqualTo(7L);
    assertThat(read.model()).isEqualTo("m");
    assertThat(ModelCall.of(asked)).usingRecursiveComparison().ignoringFields("span").isEqualTo(read);
  }

  @Test
  void aNegativeFigureIsNoCountAndIsNamed() {
    TimelineSpan span = TimelineSpan.builder().setTraceId(1, 2).setSpanId(3).setName("chat")
        .setStartEpochNanos(1_000).setEndEpochNanos(5_000).putAttribute("cab.span.kind", "model_call")
        .putAttribute("gen_ai.usage.input_tokens", -49_000L).putAttribute("gen_ai.usage.prompt_tokens", 120L)
        .putAttribute("gen_ai.usage.output_tokens", " -5").build();

    ModelCall call = ModelCall.of(span);

    // The next key that holds a count is taken; with none, the count is not recorded.
    assertThat(call.inputTokens()).isEqualTo(120L);
    assertThat(call.outputTokens()).isNull();
    assertThat(ModelCall.negativeCount(span)).isEqualTo("gen_ai.usage.input_tokens=-49000");
    assertThat(ModelCall.negativeCount(span(true))).isNull();
    // Half a usage is left out of the sums whole, counted among the calls without usage.
    assertThat(TokenTotals.ZERO.plus(call)).isEqualTo(new TokenTotals(0, 0, 0, 0, 1, 1));
  }

  @Test
  void tokenTotalsHoldAtLongMaxValueInsteadOfWrappingAround() {
    TimelineSpan huge = TimelineSpan.builder().setTraceId(1, 2).setSpanId(4).setName("chat")
        .setStartEpochNanos(1_000).setEndEpochNanos(5_000).putAttribute("cab.span.kind", "model_call")
        .putAttribute("gen_ai.usage.input_tokens", Long.MAX_VALUE).putAttribute("gen_ai.usage.output_tokens", 10L).build();

    TokenTotals twice = TokenTotals.ZERO.plus(ModelCall.of(huge)).plus(ModelCall.of(huge));

    assertThat(twice.input()).isEqualTo(Long.MAX_VALUE);
    assertThat(twice.output()).isEqualTo(20);
    assertThat(twice.total()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aSpanThatIsNoCallHasNone() {
    assertThat(ModelCall.readAhead(span(false))).isNull();
    assertThat(ModelCall.of(span(false))).isNull();
  }
}
