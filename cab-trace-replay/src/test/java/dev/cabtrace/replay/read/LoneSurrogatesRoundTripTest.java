package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Java string may hold an unpaired surrogate, which UTF-8 cannot: the capture file writes it as
 * a JSON escape, and both read paths give the same string back, not {@code ?}.
 */
class LoneSurrogatesRoundTripTest {

  private static final String LONE = "high \ud800 low \udfff reversed \ude00\ud83d pair \ud83d\ude00 end \udbff";

  @TempDir Path dir;

  @Test
  void unpairedSurrogatesReadBackAsTheyWereWrittenOnBothPaths() throws Exception {
    Path capture = dir.resolve("lone.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).setEnvironment(Map.of()).build()) {
      Span span = sdk.openTelemetry().getTracer("scope " + LONE).spanBuilder("name " + LONE).startSpan();
      span.setAttribute("value", LONE)
          .setAttribute("key " + LONE, "v")
          .setAttribute(AttributeKey.stringArrayKey("list"), List.of(LONE, "\ud800"))
          .addEvent("event " + LONE, Attributes.of(AttributeKey.stringKey("e"), LONE))
          .setStatus(StatusCode.ERROR, "status " + LONE)
          .end();
      assertThat(sdk.flush()).isTrue();
      assertThat(sdk.lostSpans()).isZero();
    }
    assertThat(Files.readString(capture)).contains("high \\uD800 low \\uDFFF").doesNotContain("high ? low");

    for (boolean scanner : new boolean[] {true, false}) {
      Timeline timeline = TraceReader.builder().setByteScanner(scanner).setParallelism(1).build().read(capture);
      TimelineSpan read = timeline.spanNamed("name " + LONE);
      assertThat(read).as("scanner %s", scanner).isNotNull();
      assertThat(read.scope()).isEqualTo("scope " + LONE);
      assertThat(read.attribute("value")).isEqualTo(LONE);
      assertThat(read.attribute("key " + LONE)).isEqualTo("v");
      assertThat(read.attribute("list")).isEqualTo(List.of(LONE, "\ud800"));
      assertThat(read.events().get(0).name()).isEqualTo("event " + LONE);
      assertThat(read.events().get(0).attribute("e")).isEqualTo(LONE);
      assertThat(read.statusMessage()).isEqualTo("status " + LONE);
    }
  }
}
