package dev.cabtrace.replay.record;

/**
 * What recording a cell came to.
 *
 * @param exitCode the command's own exit code (-1 when it could not be started)
 * @param timedOut whether the timeout killed it
 * @param capturedSpans spans written to the capture file
 * @param lostSpans spans that could not be written (dropped or failed)
 * @param receivedSpans spans the command's own OpenTelemetry SDK exported to the receiver
 * @param refusedRequests export requests the receiver refused because the capture queue was full
 *     (HTTP 429, gRPC {@code RESOURCE_EXHAUSTED}): the sender may have retried them or dropped them
 * @param cutOffRequests export requests not yet handed to the capture when the receiver closed,
 *     after the OTLP grace (still arriving, or read and not yet decoded): cut off, their spans are
 *     not in the capture
 * @param traceId the cell's trace id
 * @param failure why the command could not be run, or null
 * @param droppedOutputBytes bytes of the command's terminal output past the recorder's cap, shown
 *     on the console but not in the capture
 */
public record RecordResult(
    int exitCode, boolean timedOut, long capturedSpans, long lostSpans, long receivedSpans, long refusedRequests,
    long cutOffRequests, String traceId, Exception failure, long droppedOutputBytes) {

  /** The result as it was before dropped output was counted: none dropped. Kept for callers that make one. */
  public RecordResult(int exitCode, boolean timedOut, long capturedSpans, long lostSpans, long receivedSpans,
      long refusedRequests, long cutOffRequests, String traceId, Exception failure) {
    this(exitCode, timedOut, capturedSpans, lostSpans, receivedSpans, refusedRequests, cutOffRequests, traceId, failure,
        0);
  }

  /** The result as it was before cut-off requests were counted: none cut off. Kept for callers that make one. */
  public RecordResult(int exitCode, boolean timedOut, long capturedSpans, long lostSpans, long receivedSpans,
      long refusedRequests, String traceId, Exception failure) {
    this(exitCode, timedOut, capturedSpans, lostSpans, receivedSpans, refusedRequests, 0, traceId, failure, 0);
  }

  /** The result as it was before refused requests were counted: none refused. Kept for callers that make one. */
  public RecordResult(int exitCode, boolean timedOut, long capturedSpans, long lostSpans, long receivedSpans,
      String traceId, Exception failure) {
    this(exitCode, timedOut, capturedSpans, lostSpans, receivedSpans, 0, 0, traceId, failure, 0);
  }

  /** Exit status of {@code cab-trace record} when the capture lost spans or could not be written. */
  public static final int CAPTURE_INCOMPLETE = 125;
  /** Exit status when the timeout killed the command, as {@code timeout(1)} uses. */
  public static final int TIMED_OUT = 124;
  /** Exit status when the command could not be started, as shells use. */
  public static final int NOT_STARTED = 127;
  /**
   * Exit status when the command was found but could not be run (not executable, a directory), as
   * shells use.
   */
  public static final int NOT_EXECUTABLE = 126;

  /**
   * The exit status a script can rely on: the command's own code (as it ended when record was
   * stopped: 143 after SIGTERM), 124 when the timeout killed it, 126 when it was found but could not
   * be run, 127 when it could not start otherwise, and
   * 125 (over all of these) when the capture is incomplete.
   */
  public int exitStatus() {
    if (lostSpans > 0) {
      return CAPTURE_INCOMPLETE;
    }
    if (failure != null && exitCode < 0) {
      return failure instanceof java.nio.file.AccessDeniedException ? NOT_EXECUTABLE : NOT_STARTED;
    }
    if (timedOut) {
      return TIMED_OUT;
    }
    return exitCode;
  }
}
