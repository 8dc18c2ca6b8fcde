package dev.cabtrace.replay.read;

import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.TimelineSpan;

/**
 * A span's status as OpenTelemetry's Jaeger and Zipkin exporters write it, in tags: {@code
 * otel.status_code}, {@code otel.status_description}, and the older {@code error}.
 */
final class StatusTags {

  private final boolean errorTagCarriesMessage;
  private SpanStatus status = SpanStatus.UNSET;
  private String message = "";

  /**
   * @param errorTagCarriesMessage Zipkin's way: any {@code error} tag is an error, its text the
   *     message; else Jaeger's: {@code error=true} is an error
   */
  StatusTags(boolean errorTagCarriesMessage) {
    this.errorTagCarriesMessage = errorTagCarriesMessage;
  }

  /** Takes the tag if it is about the status; whether it was. */
  boolean read(String key, Object value) {
    switch (key) {
      case "otel.status_code":
        status = "ERROR".equals(value) ? SpanStatus.ERROR : "OK".equals(value) ? SpanStatus.OK : status;
        return true;
      case "otel.status_description":
        message = String.valueOf(value);
        return true;
      case "error":
        if (errorTagCarriesMessage) {
          status = SpanStatus.ERROR;
          if (message.isEmpty() && value != null && !"true".equals(value)) {
            message = String.valueOf(value);
          }
        } else if (Boolean.TRUE.equals(value) || "true".equals(value)) {
          status = SpanStatus.ERROR;
        }
        return true;
      default:
        return false;
    }
  }

  /** Sets what was read on {@code span}. */
  void applyTo(TimelineSpan.Builder span) {
    span.setStatus(status, message);
  }
}
