package dev.cabtrace.replay.page;

import dev.cabtrace.api.CabSpanKind;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.util.Map;

/**
 * What a cell's trace says about the cell, as the page's header, identity and timing show it and
 * as one row of the server's index. A fact the trace does not hold is null. The verdict and the
 * wall-clock time are not here: the page and the index show the ledger's {@code CellScore}, so that
 * they say what {@code score} and {@code sweep} say.
 *
 * @param agent the agent CLI: {@code cab.tui}, else {@code gen_ai.agent.name} on {@code adapter_run}
 * @param model the model: {@code cab.model}, else the first model call's model
 * @param task {@code cab.task_id}
 * @param taskCategory {@code cab.task_category}, else the task's first path segment
 * @param cellId {@code cab.cell_id}
 * @param sweepId {@code cab.sweep_id}
 * @param containerImage {@code container.image.name} (or {@code image}) on the container span
 * @param imageDigest {@code container.image.id} (or {@code image_digest}) on the container span
 * @param exitCode {@code process.exit.code} (or {@code exit_code}) on {@code adapter_run}, else on
 *     the container span, as shown
 * @param startEpochNanos the earliest start
 * @param durationNanos latest end minus earliest start
 * @param spanCount the number of spans
 */
record CellSummary(
    String agent,
    String model,
    String task,
    String taskCategory,
    String cellId,
    String sweepId,
    String containerImage,
    String imageDigest,
    String exitCode,
    long startEpochNanos,
    long durationNanos,
    int spanCount) {

  static CellSummary of(Timeline timeline) {
    Map<String, Object> resource = timeline.resource();
    TimelineSpan run = first(timeline, CabSpanKind.ADAPTER_RUN);
    TimelineSpan container = first(timeline, CabSpanKind.CONTAINER);
    String agent = string(resource.get("cab.tui"));
    if (agent == null && run != null) {
      agent = string(run.attribute("gen_ai.agent.name"));
    }
    String model = string(resource.get("cab.model"));
    if (model == null && !timeline.modelCalls().isEmpty()) {
      model = timeline.modelCalls().get(0).model();
    }
    String task = string(resource.get("cab.task_id"));
    String category = string(resource.get("cab.task_category"));
    if (category == null && task != null && task.indexOf('/') > 0) {
      category = task.substring(0, task.indexOf('/'));
    }
    String exitCode = run == null ? null : firstString(run, "process.exit.code", "exit_code");
    if (exitCode == null && container != null) {
      exitCode = firstString(container, "process.exit.code", "exit_code");
    }
    return new CellSummary(
        agent,
        model,
        task,
        category,
        string(resource.get("cab.cell_id")),
        string(resource.get("cab.sweep_id")),
        container == null ? null : firstString(container, "container.image.name", "image"),
        container == null ? null : firstString(container, "container.image.id", "image_digest"),
        exitCode,
        timeline.t0EpochNanos(),
        timeline.durationNanos(),
        timeline.size());
  }

  private static TimelineSpan first(Timeline timeline, CabSpanKind kind) {
    for (TimelineSpan span : timeline.spans()) {
      if (span.kind() == kind) {
        return span;
      }
    }
    return null;
  }

  private static String firstString(TimelineSpan span, String... keys) {
    for (String key : keys) {
      String value = string(span.attribute(key));
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  static String string(Object value) {
    if (value == null) {
      return null;
    }
    String text = String.valueOf(value);
    return text.isEmpty() ? null : text;
  }
}
