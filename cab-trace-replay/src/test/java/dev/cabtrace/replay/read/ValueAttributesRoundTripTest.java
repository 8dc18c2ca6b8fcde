package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CellSpan;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OTel 1.68's VALUE attributes keep their types from the capture file into the timeline. */
class ValueAttributesRoundTripTest {

  @TempDir Path dir;

  @Test
  void keyValueListsBytesAndMixedArraysRoundTripThroughTheCaptureFile() throws Exception {
    Path capture = dir.resolve("values.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setEnvironment(Map.of()).build();
        CellSpan span = sdk.cellTracer().toolCall("edit")) {
      Span.current()
          .setAttribute(AttributeKey.valueKey("options"), Value.of(
              KeyValue.of("temperature", Value.of(0.25)),
              KeyValue.of("tools", Value.of(Value.of("bash"), Value.of(2L))),
              KeyValue.of("nested", Value.of(KeyValue.of("on", Value.of(true))))))
          .setAttribute(AttributeKey.valueKey("payload"), Value.of(new byte[] {0, 1, (byte) 0xFF}))
          .setAttribute(AttributeKey.valueKey("mixed"), Value.of(Value.of("a"), Value.of(1L), Value.of(1.5)));
    }

    Timeline timeline = TraceReader.create().read(capture);
    TimelineSpan span = timeline.spanNamed("edit");

    assertThat(span.attribute("options")).isEqualTo(Map.of(
        "temperature", 0.25, "tools", List.of("bash", 2L), "nested", Map.of("on", true)));
    assertThat(span.attribute("payload")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xFF}));
    assertThat(span.attribute("mixed")).isEqualTo(List.of("a", 1L, 1.5));
  }
}
