package dev.cabtrace.replay.junit;

import dev.cabtrace.api.CellTracer;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.sdk.proxy.ModelCallRecordingProxy;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;

/**
 * An in-memory capture for one test: trace through {@link #tracer()} (or hand {@link
 * #openTelemetry()} to the code under test), then replay what was captured with {@link
 * #timeline()}.
 *
 * <p>It is closed when its test ends. After that its tracer records nothing, and does not throw
 * into the code that still holds it; {@link #timeline()}, {@link #advance}, {@link #reset()} and
 * {@link #replayModelCalls} throw {@link IllegalStateException}.
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
   *
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  void advance(java.time.Duration duration);

  /** Forgets every span captured so far. */
  void reset();

  /**
   * A started proxy answering from the cassette {@code cassette} (recorded with {@link
   * ModelCallRecordingProxy.Builder#setCassette}), never reaching a model, so that a test drives
   * the real agent against recorded answers. Answers are served at once ({@link
   * dev.cabtrace.sdk.proxy.CassetteTiming#FAST}); each makes a {@code model_call} span in this
   * capture, under the span current when this is called, with the recorded usage and {@code
   * cab.model_call.replayed = true}. A request the cassette does not hold is answered 404 at once
   * and makes an ERROR span. The proxy is closed when the capture is, after the test; close it
   * earlier to read the timeline, so that every call's span has ended (a span ends just after the
   * client has its answer).
   *
   * <pre>{@code
   * @Test
   * void theAgentFixesTheTest(CellCapture capture) {
   *   try (CellSpan container = capture.tracer().container("aider:run");
   *       ModelCallRecordingProxy model = capture.replayModelCalls(Path.of("src/test/resources/fix-test.cassette.jsonl"))) {
   *     runAgent(Map.of("OPENAI_BASE_URL", model.baseUrl() + "/v1", "OPENAI_API_KEY", "unused"));
   *   }
   *   assertThat(capture.timeline()).hasModelCallCount(3).hasTotalTokens(15630, 1164);
   * }
   * }</pre>
   *
   * For other settings (recorded pacing, ignored request fields), build one with {@link
   * ModelCallRecordingProxy#replaying} and {@link #tracer()}.
   *
   * @throws java.io.UncheckedIOException if the cassette cannot be read
   */
  ModelCallRecordingProxy replayModelCalls(Path cassette);
}
