package dev.cabtrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.TerminalRecorder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TerminalOutputCaptureTest {

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void aSubprocessPrintingFasterThanTheDiskIsNeverSlowedAndLosesNothing() throws Exception {
    Path capture = dir.resolve("cell.jsonl");
    StuckExporter stuck = new StuckExporter();
    int lines = 200_000;
    try (CabTraceSdk sdk =
        CabTraceSdk.builder().setCaptureFile(capture).addSpanExporter(stuck).build()) {
      // A span already queued on the stuck exporter: from now on that exporter takes nothing.
      try (CellSpan warmup = sdk.cellTracer().toolCall("warmup")) {
        warmup.setAttribute("k", "v");
      }
      assertThat(stuck.entered.await(10, TimeUnit.SECONDS)).isTrue();

      // The exporter stays stuck until the printer is done: had the printer waited for it, it would
      // never finish (the timeout above fails the test). No figure of speed is needed.
      try (CellSpan container = sdk.cellTracer().container("printer:run");
          TerminalRecorder output = TerminalRecorder.create(container)) {
        Process process = new ProcessBuilder("seq", "1", String.valueOf(lines)).start();
        try (InputStream from = process.getInputStream();
            OutputStream to = output.stdout(null)) {
          from.transferTo(to);
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output.droppedBytes()).isZero();
      }
      stuck.release.countDown();
    }

    String file = Files.readString(capture);
    List<String> chunks = new ArrayList<>();
    int at = 0;
    String marker = "{\"key\":\"cab.output.data\",\"value\":{\"stringValue\":\"";
    while ((at = file.indexOf(marker, at)) >= 0) {
      at += marker.length();
      chunks.add(file.substring(at, file.indexOf('"', at)).replace("\\n", "\n"));
    }
    String printed = String.join("", chunks);
    StringBuilder expected = new StringBuilder();
    for (int i = 1; i <= lines; i++) {
      expected.append(i).append('\n');
    }
    assertThat(printed).isEqualTo(expected.toString());
  }

  @Test
  @Timeout(120)
  void outputInMoreChunksThanASpanHoldsEventsIsCutAndMarkedNotLostSilently() throws Exception {
    Path capture = dir.resolve("cell.jsonl");
    int lines = 150_000; // about 1.6 MB: far under the byte cap, over the span's event limit
    StringBuilder printed = new StringBuilder();
    long recorded;
    long dropped;
    try (CabTraceSdk sdk = CabTraceSdk.builder().setCaptureFile(capture).build();
        CellSpan container = sdk.cellTracer().container("chatty:run")) {
      try (TerminalRecorder output = TerminalRecorder.create(container)) {
        OutputStream stdout = output.stdout(null);
        for (int i = 0; i < lines; i++) {
          String line = "line " + i + "\n";
          printed.append(line);
          stdout.write(line.getBytes(StandardCharsets.UTF_8));
        }
        recorded = output.recordedBytes();
        dropped = output.droppedBytes();
      }
    }
    assertThat(dropped).isPositive();
    assertThat(recorded + dropped).isEqualTo(printed.length());

    JsonNode span = onlySpan(capture, "chatty:run");
    assertThat(span.path("droppedEventsCount").asLong()).as("events the SDK dropped uncounted by the recorder").isZero();
    StringBuilder kept = new StringBuilder();
    List<JsonNode> marks = new ArrayList<>();
    for (JsonNode event : span.get("events")) {
      String name = event.get("name").asText();
      if (name.equals(CabAttributes.OUTPUT_EVENT)) {
        assertThat(marks).as("a chunk after the truncation mark").isEmpty();
        kept.append(attribute(event, CabAttributes.OUTPUT_DATA.getKey()).get("stringValue").asText());
      } else if (name.equals(CabAttributes.OUTPUT_TRUNCATED_EVENT)) {
        marks.add(event);
      }
    }
    assertThat(kept.toString()).isEqualTo(printed.substring(0, (int) recorded));
    assertThat(marks).hasSize(1);
    assertThat(attribute(marks.get(0), CabAttributes.OUTPUT_DROPPED_BYTES.getKey()).get("intValue").asLong())
        .isEqualTo(dropped);
  }

  private static JsonNode onlySpan(Path capture, String name) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> found = new ArrayList<>();
    for (String line : Files.readAllLines(capture)) {
      for (JsonNode resource : json.readTree(line).get("resourceSpans")) {
        for (JsonNode scope : resource.get("scopeSpans")) {
          for (JsonNode span : scope.get("spans")) {
            if (span.get("name").asText().equals(name)) {
              found.add(span);
            }
          }
        }
      }
    }
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private static JsonNode attribute(JsonNode event, String key) {
    for (JsonNode attribute : event.get("attributes")) {
      if (attribute.get("key").asText().equals(key)) {
        return attribute.get("value");
      }
    }
    throw new AssertionError("no attribute " + key + " in " + event);
  }

  /** An exporter whose first export hangs until released, like a disk that stopped taking writes. */
  private static final class StuckExporter implements SpanExporter {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      entered.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      release.countDown();
      return CompletableResultCode.ofSuccess();
    }
  }
}
