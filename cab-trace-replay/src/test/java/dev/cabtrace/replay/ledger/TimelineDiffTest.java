package dev.cabtrace.replay.ledger;

import static dev.cabtrace.replay.ledger.OtlpLines.integer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cabtrace.replay.ledger.TimelineDiff.Axis;
import dev.cabtrace.replay.ledger.TimelineDiff.SpanChange;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TimelineDiffTest {

  static final long T0 = 1_781_680_663_106_812_000L;

  /** A: two calls, a cleanup. B: the first call costs more, a third call, a longer container, no cleanup. */
  static Timeline before() throws IOException {
    return OtlpLines.cell("00000000000000000000000000000a0a", "aider", "gpt-5")
        .span(1, 0, "prepare:t", "task_setup", T0, T0 + 1_000_000)
        .span(2, 0, "aider:t", "adapter_run", T0 + 2_000_000, T0 + 10_002_000_000L)
        .span(3, 2, "aider:run", "container", T0 + 3_000_000, T0 + 9_003_000_000L)
        .span(4, 3, "chat gpt-5", "model_call", T0 + 4_000_000, T0 + 1_004_000_000L,
            integer("gen_ai.usage.input_tokens", 1000), integer("gen_ai.usage.output_tokens", 100))
        .span(5, 3, "chat gpt-5", "model_call", T0 + 2_000_000_000L, T0 + 2_500_000_000L,
            integer("gen_ai.usage.input_tokens", 2000), integer("gen_ai.usage.output_tokens", 200))
        .span(6, 0, "cleanup:aider", "cleanup", T0 + 10_003_000_000L, T0 + 10_004_000_000L)
        .read("a.jsonl");
  }

  static Timeline after() throws IOException {
    return OtlpLines.cell("00000000000000000000000000000b0b", "aider", "gpt-5")
        .span(11, 0, "prepare:t", "task_setup", T0, T0 + 1_000_000)
        .span(12, 0, "aider:t", "adapter_run", T0 + 2_000_000, T0 + 12_002_000_000L)
        .span(13, 12, "aider:run", "container", T0 + 3_000_000, T0 + 12_000_000_000L)
        .span(14, 13, "chat gpt-5", "model_call", T0 + 4_000_000, T0 + 1_504_000_000L,
            integer("gen_ai.usage.input_tokens", 1500), integer("gen_ai.usage.output_tokens", 100))
        .span(15, 13, "chat gpt-5", "model_call", T0 + 2_000_000_000L, T0 + 2_500_000_000L,
            integer("gen_ai.usage.input_tokens", 2000), integer("gen_ai.usage.output_tokens", 200))
        .span(16, 13, "chat gpt-5", "model_call", T0 + 3_000_000_000L, T0 + 3_100_000_000L,
            integer("gen_ai.usage.input_tokens", 400), integer("gen_ai.usage.output_tokens", 30))
        .read("b.jsonl");
  }

  @Test
  void spansAlignByKindAndNamePathWithTheNthOfIdenticalSiblings() throws IOException {
    TimelineDiff diff = TimelineDiff.of(before(), after());

    assertThat(diff.matched()).extracting(SpanChange::pathText).containsExactly(
        "task_setup:prepare:t",
        "adapter_run:aider:t",
        "adapter_run:aider:t > container:aider:run",
        "adapter_run:aider:t > container:aider:run > model_call:chat gpt-5",
        "adapter_run:aider:t > container:aider:run > model_call:chat gpt-5#2");
    assertThat(diff.onlyInA()).extracting(SpanChange::pathText).containsExactly("cleanup:cleanup:aider");
    assertThat(diff.onlyInB()).extracting(SpanChange::pathText)
        .containsExactly("adapter_run:aider:t > container:aider:run > model_call:chat gpt-5#3");

    SpanChange first = diff.matched().get(3);
    assertThat(first.isModelCall()).isTrue();
    assertThat(first.tokensA()).isEqualTo(1100);
    assertThat(first.tokensB()).isEqualTo(1600);
    assertThat(first.durationChangeNanos()).isEqualTo(500_000_000L);
    assertThat(diff.matched().get(2).durationChangeNanos()).isEqualTo(2_997_000_000L);
    assertThat(diff.matched().get(0).isModelCall()).isFalse();
  }

  @Test
  void aSpanNamedLikeTheSecondOfItsSiblingsIsNotTakenForIt() throws IOException {
    // Siblings "chat" started first, "chat#2" second, "chat" third: the third is the second "chat".
    Timeline cell = OtlpLines.cell("00000000000000000000000000000c0d", "aider", "gpt-5")
        .span(1, 0, "aider:t", "adapter_run", T0, T0 + 1_000_000_000L)
        .span(2, 1, "chat", "model_call", T0 + 1_000, T0 + 2_000)
        .span(3, 1, "chat#2", "model_call", T0 + 3_000, T0 + 4_000)
        .span(4, 1, "chat", "model_call", T0 + 5_000, T0 + 6_000)
        .read("d.jsonl");
    Timeline fewer = OtlpLines.cell("00000000000000000000000000000c0d", "aider", "gpt-5")
        .span(1, 0, "aider:t", "adapter_run", T0, T0 + 1_000_000_000L)
        .span(2, 1, "chat", "model_call", T0 + 1_000, T0 + 2_000)
        .span(4, 1, "chat", "model_call", T0 + 5_000, T0 + 6_000)
        .read("e.jsonl");

    TimelineDiff same = TimelineDiff.of(cell, cell);
    assertThat(same.matched()).extracting(SpanChange::pathText).containsExactly(
        "adapter_run:aider:t",
        "adapter_run:aider:t > model_call:chat",
        "adapter_run:aider:t > model_call:chat\\#2",
        "adapter_run:aider:t > model_call:chat#2");
    assertThat(same.matched()).allSatisfy(change -> assertThat(change.a()).isSameAs(change.b()));

    TimelineDiff diff = TimelineDiff.of(cell, fewer);
    assertThat(diff.matched()).hasSize(3);
    assertThat(diff.onlyInA()).extracting(change -> change.a().spanId()).containsExactly("0000000000000003");
  }

  @Test
  void aHashOrBackslashInANameIsEscapedSoThatOnlyAnOccurrenceReadsAsOne() throws IOException {
    Timeline cell = OtlpLines.cell("00000000000000000000000000000c0e", "aider", "gpt-5")
        .span(1, 0, "a\\\\b#", "adapter_run", T0, T0 + 1_000_000_000L)
        .span(2, 1, "x\\\\", "tool_call", T0 + 1_000, T0 + 2_000)
        .span(3, 1, "x\\\\", "tool_call", T0 + 3_000, T0 + 4_000)
        .span(4, 1, "x\\\\#2", "tool_call", T0 + 5_000, T0 + 6_000)
        .read("f.jsonl");

    // The names (escaped for Java and JSON above) are a\b#, x\, x\ and x\#2: the second x\ is x\\#2, x\#2 is x\\\#2.
    assertThat(TimelineDiff.of(cell, cell).matched()).extracting(change -> change.path().get(change.path().size() - 1))
        .containsExactly("adapter_run:a\\\\b\\#", "tool_call:x\\\\", "tool_call:x\\\\#2", "tool_call:x\\\\\\#2");
  }

  @Test
  void changesInPercentOfA() throws IOException {
    TimelineDiff diff = TimelineDiff.of(before(), after());

    // 3300 -> 4230 tokens, 2 -> 3 calls, 10 s -> 12 s.
    assertThat(diff.changePercent(Axis.TOTAL_TOKENS)).isCloseTo(930 * 100.0 / 3300, within(1e-9));
    assertThat(diff.changePercent(Axis.MODEL_CALLS)).isCloseTo(50.0, within(1e-9));
    assertThat(diff.changePercent(Axis.WALL_CLOCK)).isCloseTo(20.0, within(1e-9));
    assertThat(TimelineDiff.of(after(), after()).changePercent(Axis.WALL_CLOCK)).isZero();

    Map<Axis, Double> limits = new LinkedHashMap<>();
    limits.put(Axis.TOTAL_TOKENS, 10.0);
    limits.put(Axis.WALL_CLOCK, 25.0);
    limits.put(Axis.MODEL_CALLS, 49.9);
    assertThat(diff.regressions(limits)).containsExactly(
        "regression: total_tokens +28.2% > +10.0% (3300 -> 4230)",
        "regression: model_calls +50.0% > +49.9% (2 -> 3)");
  }

  @Test
  void aLimitOnTokensNotRecordedIsBroken() throws IOException {
    Timeline noTokens = OtlpLines.cell("00000000000000000000000000000c0c", "aider", "gpt-5")
        .span(2, 0, "aider:t", "adapter_run", T0, T0 + 1_000_000_000L)
        .read("c.jsonl");
    TimelineDiff diff = TimelineDiff.of(before(), noTokens);

    assertThat(diff.changePercent(Axis.TOTAL_TOKENS)).isNull();
    assertThat(diff.regressions(Map.of(Axis.TOTAL_TOKENS, 10.0)))
        .containsExactly("regression: total_tokens not recorded in B, limit +10.0%");
    assertThat(diff.regressions(Map.of(Axis.WALL_CLOCK, 0.0))).isEmpty();
  }

  @Test
  void growingFromZeroIsAnInfiniteRegression() throws IOException {
    Timeline noCalls = OtlpLines.cell("00000000000000000000000000000c0c", "aider", "gpt-5")
        .span(2, 0, "aider:t", "adapter_run", T0, T0 + 1_000_000_000L)
        .read("c.jsonl");
    TimelineDiff diff = TimelineDiff.of(noCalls, before());

    assertThat(diff.changePercent(Axis.MODEL_CALLS)).isInfinite();
    assertThat(diff.regressions(Map.of(Axis.MODEL_CALLS, 1000.0)))
        .containsExactly("regression: model_calls +inf% > +1000.0% (0 -> 2)");
  }

  @Test
  void aDeepChainOfSpansIsDiffedWithoutCopyingEachPathIntoEverySpan() throws IOException {
    // 20,000 levels: paths copied into every span would hold 200 million segments.
    int depth = 20_000;
    Timeline chain = chain(depth, "leaf", 0).read("chain.jsonl");
    Timeline changed = chain(depth, "other leaf", 1_000).read("changed.jsonl");

    TimelineDiff same = TimelineDiff.of(chain, chain);
    assertThat(same.matched()).hasSize(depth);
    assertThat(same.onlyInA()).isEmpty();
    assertThat(same.onlyInB()).isEmpty();
    SpanChange deepest = same.matched().get(depth - 1);
    assertThat(deepest.a().name()).isEqualTo("leaf");
    assertThat(deepest.path()).hasSize(depth).startsWith("tool_call:step 1", "tool_call:step 2")
        .endsWith("tool_call:step " + (depth - 1), "tool_call:leaf");

    TimelineDiff diff = TimelineDiff.of(chain, changed);
    assertThat(diff.matched()).hasSize(depth - 1);
    assertThat(diff.matched().get(0).durationChangeNanos()).isEqualTo(1_000);
    assertThat(diff.onlyInA()).singleElement().satisfies(change -> assertThat(change.pathText())
        .startsWith("tool_call:step 1 > tool_call:step 2 > ")
        .endsWith(" > tool_call:step " + (depth - 1) + " > tool_call:leaf"));
    assertThat(diff.onlyInB()).extracting(change -> change.path().get(depth - 1)).containsExactly("tool_call:other leaf");
  }

  /** Spans "step 1" to "step depth-1", each the parent of the next, and {@code leaf} at the bottom. */
  private static OtlpLines chain(int depth, String leaf, long longerRoot) {
    OtlpLines lines = OtlpLines.cell("00000000000000000000000000000d0d", "aider", "gpt-5");
    for (int i = 1; i <= depth; i++) {
      lines.span(i, i - 1, i == depth ? leaf : "step " + i, "tool_call", T0 + i, T0 + 2L * depth - i + (i == 1 ? longerRoot : 0));
    }
    return lines;
  }
}
