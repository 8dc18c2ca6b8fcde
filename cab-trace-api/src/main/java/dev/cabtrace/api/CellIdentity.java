package dev.cabtrace.api;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Objects;

/**
 * Who a cell is: one agent CLI x one model x one task within a sweep. Recorded as resource
 * attributes, so every span of the cell carries it. Empty strings are left out of the resource.
 *
 * @param cellId the cell's full id ({@code cab.cell_id})
 * @param sweepId the sweep ({@code cab.sweep_id})
 * @param taskId the task ({@code cab.task_id})
 * @param taskCategory the task's category ({@code cab.task_category})
 * @param tui the agent CLI ({@code cab.tui})
 * @param model the model build id ({@code cab.model})
 */
public record CellIdentity(
    String cellId, String sweepId, String taskId, String taskCategory, String tui, String model) {

  public CellIdentity {
    Objects.requireNonNull(cellId, "cellId");
    Objects.requireNonNull(sweepId, "sweepId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(taskCategory, "taskCategory");
    Objects.requireNonNull(tui, "tui");
    Objects.requireNonNull(model, "model");
  }

  /**
   * The usual identity: {@code cellId = sweep/tui/model/task}, the category taken from the task's
   * first path segment.
   */
  public static CellIdentity of(String sweepId, String tui, String model, String taskId) {
    // Named here: the record's own check would come after "null" was made part of the cell id.
    Objects.requireNonNull(sweepId, "sweepId");
    Objects.requireNonNull(tui, "tui");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(taskId, "taskId");
    int slash = taskId.indexOf('/');
    String category = slash > 0 ? taskId.substring(0, slash) : "";
    return new CellIdentity(
        sweepId + "/" + tui + "/" + model + "/" + taskId, sweepId, taskId, category, tui, model);
  }

  /** The identity as resource attributes. */
  public Attributes toAttributes() {
    AttributesBuilder builder = Attributes.builder();
    putIfPresent(builder, CabAttributes.CELL_ID, cellId);
    putIfPresent(builder, CabAttributes.SWEEP_ID, sweepId);
    putIfPresent(builder, CabAttributes.TASK_ID, taskId);
    putIfPresent(builder, CabAttributes.TASK_CATEGORY, taskCategory);
    putIfPresent(builder, CabAttributes.TUI, tui);
    putIfPresent(builder, CabAttributes.MODEL, model);
    return builder.build();
  }

  private static void putIfPresent(
      AttributesBuilder builder,
      io.opentelemetry.api.common.AttributeKey<String> key,
      String value) {
    if (!value.isEmpty()) {
      builder.put(key, value);
    }
  }
}
