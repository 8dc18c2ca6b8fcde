package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CellSpan;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK keeps null elements of array attributes; the capture file writes each as an AnyValue
 * with no value, which reads back as no element, the span and its other elements whole.
 */
class NullArrayElementsRoundTripTest {

  @TempDir Path dir;

  @Test
  void arraysWithNullElementsReadBackWithTheirOtherElements() throws Exception {
    Path capture = dir.resolve("holes.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setEnvironment(Map.of()).build()) {
      try (CellSpan before = sdk.cellTracer().toolCall("before")) {
        before.setAttribute("k", "v");
      }
      try (CellSpan holes = sdk.cellTracer().toolCall("holes")) {
        Span.current()
            .setAttribute(AttributeKey.longArrayKey("longs"), Arrays.asList(1L, null, 3L))
            .setAttribute(AttributeKey.booleanArrayKey("booleans"), Arrays.asList(null, true))
            .setAttribute(AttributeKey.doubleArrayKey("doubles"), Arrays.asList(1.5, null))
            .setAttribute(AttributeKey.stringArrayKey("strings"), Arrays.asList("a", null));
      }
      try (CellSpan after = sdk.cellTracer().toolCall("after")) {
        after.setAttribute("k", "v");
      }
      sdk.flush();
      assertThat(sdk.lostSpans()).isZero();
    }

    Timeline timeline = TraceReader.create().read(capture);

    assertThat(timeline.spanNamed("before")).isNotNull();
    assertThat(timeline.spanNamed("after")).isNotNull();
    TimelineSpan holes = timeline.spanNamed("holes");
    assertThat(holes.attribute("longs")).isEqualTo(List.of(1L, 3L));
    assertThat(holes.attribute("booleans")).isEqualTo(List.of(true));
    assertThat(holes.attribute("doubles")).isEqualTo(List.of(1.5));
    assertThat(holes.attribute("strings")).isEqualTo(List.of("a"));
  }
}
