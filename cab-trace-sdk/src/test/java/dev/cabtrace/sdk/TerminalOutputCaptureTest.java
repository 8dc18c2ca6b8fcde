package dev.cabtrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CellSpan;
import dev.cabtrace.api.TerminalRecorder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.InputStream;
import java.io.OutputStream;
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
