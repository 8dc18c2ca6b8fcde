package dev.cabtrace.replay.timeline;

/** A span's status code, as OpenTelemetry defines it. */
public enum SpanStatus {
  UNSET,
  OK,
  ERROR
}
