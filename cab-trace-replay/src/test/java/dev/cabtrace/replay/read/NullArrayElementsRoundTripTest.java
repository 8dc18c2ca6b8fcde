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
 * with no value, which reads back as a null element in its place, the span and its other elements
 * whole.
 */
class NullArrayElementsRoundTripTest {

  @TempDir Path dir;

  @Test
  void arraysWithNullElementsReadBackWithTheirNullsInPlace() throws Exception {
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

    for (TraceReader reader : List.of(TraceReader.create(), TraceReader.builder().setByteScanner(false).build())) {
      Timeline timeline = reader.read(capture);

      assertThat(timeline.spanNamed("before")).isNotNull();
      assertThat(timeline.spanNamed("after")).isNotNull();
      assertThat(timeline.warnings()).isEmpty();
      TimelineSpan holes = timeline.spanNamed("holes");
      assertThat(holes.attribute("longs")).isEqualTo(Arrays.asList(1L, null, 3L));
      assertThat(holes.attribute("booleans")).isEqualTo(Arrays.asList(null, true));
      assertThat(holes.attribute("doubles")).isEqualTo(Arrays.asList(1.5, null));
      assertThat(holes.attribute("strings")).isEqualTo(Arrays.asList("a", null));
    }
  }
}
