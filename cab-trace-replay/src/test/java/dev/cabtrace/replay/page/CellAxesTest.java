package dev.cabtrace.replay.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CellAxesTest {

  @Test
  void seedCellHasNoTokenRecords() {
    CellAxes axes = CellAxes.of(PageFixtures.seed());

    assertThat(axes.tokens()).containsExactly(
        entry("prompt_tokens", null), entry("completion_tokens", null), entry("total_tokens", null),
        entry("model_calls", 0L), entry("tokens_per_correct_task", null), entry("pass_used_for_division", null));
    // The same figures as `cab-trace score`: the run is adapter_run's window, 85456.275 ms as on the seed page.
    assertThat(axes.latency()).containsExactly(
        entry("wall_clock_ms", 85456.275), entry("container_active_ms", 85455.699), entry("model_call_ms", 0.0));
  }

  @Test
  void callsWithUsageAndAPass() {
    CellAxes axes = CellAxes.of(PageFixtures.withModelCalls());

    assertThat(axes.tokens()).containsExactly(
        entry("prompt_tokens", 11254L), entry("completion_tokens", 508L), entry("total_tokens", 11762L),
        entry("model_calls", 3L), entry("tokens_per_correct_task", 11762L), entry("pass_used_for_division", 1L));
    assertThat(axes.latency()).containsEntry("model_call_ms", 6850.0).containsEntry("container_active_ms", 7985.0);
  }

  @Test
  void aCallWithoutUsageMakesTheSumsUnknown() {
    Map<String, Object> resource = PageFixtures.resource("aider", "m", "t/x");
    TimelineBuilder builder = new TimelineBuilder("cell");
    builder.add(PageFixtures.span(resource, 1, 0, "adapter_run", "run", 0, 100).putAttribute("cab.pass", false), 1);
    builder.add(PageFixtures.span(resource, 2, 1, "model_call", "chat m", 1, 50)
        .putAttribute("gen_ai.usage.input_tokens", 7L).putAttribute("gen_ai.usage.output_tokens", 3L), 2);
    builder.add(PageFixtures.span(resource, 3, 1, "model_call", "chat m", 51, 99)
        .putAttribute("gen_ai.operation.name", "chat").putAttribute("gen_ai.usage.input_tokens", 9L), 3);
    Timeline timeline = builder.build();

    CellAxes axes = CellAxes.of(timeline);

    assertThat(axes.tokens()).containsEntry("prompt_tokens", null).containsEntry("completion_tokens", null)
        .containsEntry("total_tokens", null).containsEntry("model_calls", 2L)
        .containsEntry("tokens_per_correct_task", null).containsEntry("pass_used_for_division", 0L);
    assertThat(CellAxes.display(null)).isEqualTo("not recorded");
    assertThat(CellAxes.display(85457.9)).isEqualTo("85457.9");
    assertThat(CellAxes.display(6850.0)).isEqualTo("6850");
  }
}
