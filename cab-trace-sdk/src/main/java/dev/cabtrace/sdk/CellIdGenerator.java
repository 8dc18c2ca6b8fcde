package dev.cabtrace.sdk;

import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * Gives every root span of one cell the same trace id, so that {@code task_setup}, {@code
 * adapter_run} and {@code cleanup} stand side by side in one trace, as on the cell page, without an
 * artificial parent above them.
 */
final class CellIdGenerator implements IdGenerator {

  private final IdGenerator random = IdGenerator.random();
  private final String traceId = random.generateTraceId();

  @Override
  public String generateSpanId() {
    return random.generateSpanId();
  }

  @Override
  public String generateTraceId() {
    return traceId;
  }

  String traceId() {
    return traceId;
  }
}
