package dev.cabtrace.replay.junit;

import dev.cabtrace.api.CellTracer;
import dev.cabtrace.replay.timeline.Timeline;
import io.opentelemetry.api.OpenTelemetry;

/**
 * An in-memory capture for one test: trace through {@link #tracer()} (or hand {@link
 * #openTelemetry()} to the code under test), then replay what was captured with {@link
 * #timeline()}.
 */
public interface CellCapture {

  /** The cell tracer recording into this capture. */
  CellTracer tracer();

  /** The OpenTelemetry instance recording into this capture. */
  OpenTelemetry openTelemetry();

  /** The timeline of every span ended so far. */
  Timeline timeline();

  /**
   * Moves the capture's clock forward: spans are timed on a manual clock that starts at the time
   * the capture was made and moves only when told, so tests say exactly when things happen.
   */
  void advance(java.time.Duration duration);

  /** Forgets every span captured so far. */
  void reset();
}
