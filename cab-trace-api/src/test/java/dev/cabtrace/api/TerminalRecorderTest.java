package dev.cabtrace.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TerminalRecorderTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .setSpanLimits(SpanLimits.builder().setMaxNumberOfEvents(10_000).build())
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final CellTracer tracer = CellTracer.create(sdk);
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  @Test
  void underAnSdkWithOpenTelemetrysDefaultEventLimitMaxChunksKeepsTheTruncationMark() throws IOException {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    List<EventData> events;
    try (OpenTelemetrySdk defaults = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build()) {
      try (CellSpan container = CellTracer.create(defaults).container("aider:run");
          TerminalRecorder output = TerminalRecorder.builder(container).setMaxChunks(120).build()) {
        OutputStream stdout = output.stdout(null);
        for (int i = 0; i < 200; i++) {
          stdout.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      events = spans.getFinishedSpanItems().get(0).getEvents(); // before the close, which empties the exporter
    }
    assertThat(events).hasSize(121);
    assertThat(events.get(119).getAttributes().get(CabAttributes.OUTPUT_DATA)).isEqualTo("line 119\n");
    assertThat(events.get(120).getName()).isEqualTo(CabAttributes.OUTPUT_TRUNCATED_EVENT);
    assertThat(events.get(120).getAttributes().get(CabAttributes.OUTPUT_DROPPED_BYTES)).isEqualTo(80L * 9);
  }

  @Test
  void chunksBecomeEventsInArrivalOrderWithTheirTimeAndStream() throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (CellSpan container = tracer.container("aider:run");
        TerminalRecorder output = TerminalRecorder.builder(container).setClock(now::get).build()) {
      OutputStream stdout = output.stdout(console);
      OutputStream stderr = output.stderr(null);
      stdout.write("$ cargo build\n".getBytes(StandardCharsets.UTF_8));
      now.addAndGet(250_000_000L);
      stderr.write("warning: unused\n".getBytes(StandardCharsets.UTF_8));
      now.addAndGet(500_000_000L);
      stdout.write("test result: ok\n".getBytes(StandardCharsets.UTF_8));
      output.recordSize(120, 40);
    }

    SpanData span = exporter.getFinishedSpanItems().get(0);
    List<EventData> events = span.getEvents();
    assertThat(events).extracting(EventData::getName).containsOnly(CabAttributes.OUTPUT_EVENT);
    assertThat(events).extracting(e -> e.getAttributes().get(CabAttributes.OUTPUT_DATA))
        .containsExactly("$ cargo build\n", "warning: unused\n", "test result: ok\n");
    assertThat(events).extracting(e -> e.getAttributes().get(CabAttributes.OUTPUT_STREAM))
        .containsExactly("stdout", "stderr", "stdout");
    assertThat(events).extracting(EventData::getEpochNanos)
        .containsExactly(1_000_000_000L, 1_250_000_000L, 1_750_000_000L);
    assertThat(console.toString(StandardCharsets.UTF_8)).isEqualTo("$ cargo build\ntest result: ok\n");
    assertThat(span.getAttributes().get(CabAttributes.TERMINAL_COLUMNS)).isEqualTo(120L);
    assertThat(span.getAttributes().get(CabAttributes.TERMINAL_ROWS)).isEqualTo(40L);
  }

  @Test
  void outputPastTheCapIsDroppedAndMarkedOnce() throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (CellSpan container = tracer.container("c");
        TerminalRecorder output = TerminalRecorder.builder(container).setMaxBytes(10).build()) {
      OutputStream stdout = output.stdout(console);
      stdout.write("0123456".getBytes(StandardCharsets.US_ASCII));
      stdout.write("789abcdef".getBytes(StandardCharsets.US_ASCII));
      stdout.write("ghij".getBytes(StandardCharsets.US_ASCII));
      assertThat(output.recordedBytes()).isEqualTo(10);
      assertThat(output.droppedBytes()).isEqualTo(10);
    }
    List<EventData> events = exporter.getFinishedSpanItems().get(0).getEvents();
    assertThat(events).extracting(EventData::getName)
        .containsExactly(CabAttributes.OUTPUT_EVENT, CabAttributes.OUTPUT_EVENT, CabAttributes.OUTPUT_TRUNCATED_EVENT);
    assertThat(events.get(0).getAttributes().get(CabAttributes.OUTPUT_DATA)).isEqualTo("0123456");
    assertThat(events.get(1).getAttributes().get(CabAttributes.OUTPUT_DATA)).isEqualTo("789");
    assertThat(events.get(2).getAttributes().get(CabAttributes.OUTPUT_DROPPED_BYTES)).isEqualTo(10L);
    // The console still got everything: the cap bounds the trace, not the process.
    assertThat(console.size()).isEqualTo(20);
  }

  @Test
  void aClosedRecorderRecordsNothingMoreWhileItsStreamsStillForward() throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (CellSpan container = tracer.container("c")) {
      TerminalRecorder output = TerminalRecorder.create(container);
      OutputStream stdout = output.stdout(console);
      stdout.write("before\n".getBytes(StandardCharsets.UTF_8));
      output.close();
      stdout.write("after\n".getBytes(StandardCharsets.UTF_8));
      byte[] late = "late\n".getBytes(StandardCharsets.UTF_8);
      output.record("stderr", late, 0, late.length);
      assertThat(output.recordedBytes()).isEqualTo(7);
      assertThat(output.droppedBytes()).isZero();
    }
    List<EventData> events = exporter.getFinishedSpanItems().get(0).getEvents();
    assertThat(events).extracting(e -> e.getAttributes().get(CabAttributes.OUTPUT_DATA)).containsExactly("before\n");
    assertThat(console.toString(StandardCharsets.UTF_8)).isEqualTo("before\nafter\n");
  }

  @Test
  void bytesThatAreNotUtf8SurviveAsBase64() throws IOException {
    byte[] binary = {(byte) 0xff, (byte) 0xfe, 0x00, 0x41, (byte) 0x80};
    try (CellSpan container = tracer.container("c");
        TerminalRecorder output = TerminalRecorder.create(container)) {
      output.pty(null).write(binary);
    }
    EventData event = exporter.getFinishedSpanItems().get(0).getEvents().get(0);
    assertThat(event.getAttributes().get(CabAttributes.OUTPUT_ENCODING)).isEqualTo("base64");
    assertThat(event.getAttributes().get(CabAttributes.OUTPUT_STREAM)).isEqualTo("pty");
    assertThat(Base64.getDecoder().decode(event.getAttributes().get(CabAttributes.OUTPUT_DATA)))
        .isEqualTo(binary);
  }

  @Test
  void aCharacterSplitAcrossWritesStaysText() throws IOException {
    byte[] text = "é世界!".getBytes(StandardCharsets.UTF_8);
    try (CellSpan container = tracer.container("c");
        TerminalRecorder output = TerminalRecorder.create(container)) {
      OutputStream stdout = output.stdout(null);
      // Split inside the two-byte é and inside the three-byte 世.
      stdout.write(text, 0, 1);
      stdout.write(text, 1, 2);
      stdout.write(text, 3, text.length - 3);
      stdout.close();
    }
    List<EventData> events = exporter.getFinishedSpanItems().get(0).getEvents();
    assertThat(events).allSatisfy(e -> assertThat(e.getAttributes().get(CabAttributes.OUTPUT_ENCODING)).isNull());
    StringBuilder joined = new StringBuilder();
    events.forEach(e -> joined.append(e.getAttributes().get(CabAttributes.OUTPUT_DATA)));
    assertThat(joined.toString()).isEqualTo("é世界!");
  }

  @Test
  void closingTheRecorderRecordsWhatAStreamHeldBackAsItIs() throws IOException {
    try (CellSpan container = tracer.container("c");
        TerminalRecorder output = TerminalRecorder.create(container)) {
      // Never closed, as with transferTo: the start of a character that never came is held back.
      output.stdout(null).write(new byte[] {'o', 'k', (byte) 0xe2, (byte) 0x82});
      assertThat(output.recordedBytes()).isEqualTo(2);
      output.close();
      assertThat(output.recordedBytes()).isEqualTo(4);
      assertThat(output.droppedBytes()).isZero();
    }
    List<EventData> events = exporter.getFinishedSpanItems().get(0).getEvents();
    assertThat(events).extracting(e -> e.getAttributes().get(CabAttributes.OUTPUT_STREAM))
        .containsExactly("stdout", "stdout");
    assertThat(events.get(0).getAttributes().get(CabAttributes.OUTPUT_DATA)).isEqualTo("ok");
    assertThat(events.get(1).getAttributes().get(CabAttributes.OUTPUT_ENCODING)).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(events.get(1).getAttributes().get(CabAttributes.OUTPUT_DATA)))
        .containsExactly(0xe2, 0x82);
  }

  @Test
  void incompleteTailDetection() {
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // e2 82 ac
    assertThat(TerminalRecorder.incompleteUtf8Tail(euro, 0, 1)).isEqualTo(1);
    assertThat(TerminalRecorder.incompleteUtf8Tail(euro, 0, 2)).isEqualTo(2);
    assertThat(TerminalRecorder.incompleteUtf8Tail(euro, 0, 3)).isZero();
    assertThat(TerminalRecorder.incompleteUtf8Tail("ab".getBytes(StandardCharsets.UTF_8), 0, 2)).isZero();
  }
}
