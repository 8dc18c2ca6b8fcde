package dev.cabtrace.sdk.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.api.testing.LoggedMessages;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class OtlpJsonLinesFileExporterTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private LoggedMessages log;
  private List<LogRecord> warnings;

  @TempDir Path dir;

  @BeforeEach
  void captureLog() {
    log = LoggedMessages.of(OtlpJsonLinesFileExporter.class);
    warnings = log.records();
  }

  @AfterEach
  void releaseLog() {
    log.close();
  }

  @Test
  void eachBatchIsOneWholeLineAppendedToTheFile() throws IOException {
    Path file = dir.resolve("nested/dir/cell.jsonl");
    OtlpJsonLinesFileExporter exporter = OtlpJsonLinesFileExporter.create(file);

    assertThat(exporter.export(TestSpans.cell()).isSuccess()).isTrue();
    assertThat(exporter.export(TestSpans.cell().subList(0, 1)).isSuccess()).isTrue();
    assertThat(exporter.shutdown().isSuccess()).isTrue();

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(spanCount(lines.get(0))).isEqualTo(4);
    assertThat(spanCount(lines.get(1))).isEqualTo(1);
    assertThat(Files.readString(file)).endsWith("\n");
    assertThat(exporter.writtenSpans()).isEqualTo(5);
    assertThat(exporter.failedSpans()).isZero();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aFullDiskIsCountedAndLoggedOnceNeverThrown() {
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    OtlpJsonLinesFileExporter exporter = OtlpJsonLinesFileExporter.create(Path.of("/dev/full"));

    CompletableResultCode first = exporter.export(TestSpans.cell());
    CompletableResultCode second = exporter.export(TestSpans.cell());

    assertThat(first.isSuccess()).isFalse();
    assertThat(second.isSuccess()).isFalse();
    assertThat(exporter.failedSpans()).isEqualTo(8);
    assertThat(exporter.writtenSpans()).isZero();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).getMessage()).contains("/dev/full").contains("could not write 4 spans");
    assertThatCode(exporter::shutdown).doesNotThrowAnyException();
  }

  @Test
  void anUncreatableDirectoryFailsCleanly() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
    OtlpJsonLinesFileExporter exporter =
        OtlpJsonLinesFileExporter.create(notADirectory.resolve("cell.jsonl"));

    assertThat(exporter.export(TestSpans.cell()).isSuccess()).isFalse();
    assertThat(exporter.failedSpans()).isEqualTo(4);
    assertThat(warnings).singleElement().satisfies(w -> assertThat(w.getMessage()).contains("plain-file"));
  }

  @Test
  void aFileDeletedWhileOpenIsRecreatedAndSaidSo() throws IOException {
    Path file = dir.resolve("cell.jsonl");
    OtlpJsonLinesFileExporter exporter = OtlpJsonLinesFileExporter.create(file);
    exporter.export(TestSpans.cell());
    Files.delete(file);

    assertThat(exporter.export(TestSpans.cell().subList(0, 2)).isSuccess()).isTrue();

    assertThat(Files.readAllLines(file)).singleElement().satisfies(line -> assertThat(spanCount(line)).isEqualTo(2));
    assertThat(warnings).singleElement().satisfies(w -> assertThat(w.getMessage()).contains("deleted"));
  }

  @Test
  void exportAfterShutdownFailsAndShutdownIsIdempotent() throws IOException {
    Path file = dir.resolve("cell.jsonl");
    OtlpJsonLinesFileExporter exporter = OtlpJsonLinesFileExporter.create(file);
    exporter.export(TestSpans.cell());
    assertThat(exporter.shutdown().isSuccess()).isTrue();
    assertThat(exporter.shutdown().isSuccess()).isTrue();

    assertThat(exporter.export(TestSpans.cell()).isSuccess()).isFalse();
    assertThat(exporter.failedSpans()).isEqualTo(4);
    assertThat(Files.readAllLines(file)).hasSize(1);
  }

  @Test
  void appendsToAnExistingCaptureWithoutTouchingItsLines() throws IOException {
    Path file = dir.resolve("cell.jsonl");
    String earlier = "{\"resourceSpans\":[]}\n";
    Files.writeString(file, earlier);
    OtlpJsonLinesFileExporter exporter = OtlpJsonLinesFileExporter.create(file);
    exporter.export(TestSpans.cell());
    exporter.shutdown();

    assertThat(Files.readString(file)).startsWith(earlier);
    assertThat(Files.readAllLines(file)).hasSize(2);
  }

  @Test
  void appendsAfterATornLastLineOnLinesOfItsOwn() throws IOException {
    // A run killed mid-write left half a line and no newline.
    Path file = dir.resolve("cell.jsonl");
    String torn = "{\"resourceSpans\":[{\"reso";
    Files.writeString(file, torn);
    OtlpJsonLinesFileExporter exporter = OtlpJsonLinesFileExporter.create(file);

    assertThat(exporter.export(TestSpans.cell()).isSuccess()).isTrue();
    assertThat(exporter.export(TestSpans.cell().subList(0, 1)).isSuccess()).isTrue();
    exporter.shutdown();

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo(torn);
    assertThat(spanCount(lines.get(1))).isEqualTo(4);
    assertThat(spanCount(lines.get(2))).isEqualTo(1);
    assertThat(exporter.writtenSpans()).isEqualTo(5);
  }

  @Test
  void aNullArrayElementCostsNoSpanOfItsBatch() throws IOException {
    Path file = dir.resolve("cell.jsonl");
    List<SpanData> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(span(i, Attributes.empty()));
    }
    batch.add(span(5, Attributes.of(AttributeKey.longArrayKey("n"), Arrays.asList(1L, null))));
    for (int i = 6; i < 11; i++) {
      batch.add(span(i, Attributes.empty()));
    }
    OtlpJsonLinesFileExporter exporter = OtlpJsonLinesFileExporter.create(file);

    assertThat(exporter.export(batch).isSuccess()).isTrue();
    exporter.shutdown();

    assertThat(exporter.writtenSpans()).isEqualTo(11);
    assertThat(exporter.failedSpans()).isZero();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(1);
    assertThat(spanCount(lines.get(0))).isEqualTo(11);
    assertThat(MAPPER.readTree(lines.get(0)).at("/resourceSpans/0/scopeSpans/0/spans/5/attributes/0/value").toString())
        .isEqualTo("{\"arrayValue\":{\"values\":[{\"intValue\":\"1\"},{}]}}");
  }

  @Test
  void aSpanThatCannotBeEncodedIsLeftOutCountedAndTheRestOfItsBatchWritten() throws IOException {
    Path file = dir.resolve("cell.jsonl");
    OtlpJsonLinesFileExporter exporter = OtlpJsonLinesFileExporter.create(file);
    List<SpanData> around = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      around.add(i == 5 ? unencodable(i) : span(i, Attributes.empty()));
    }

    assertThat(exporter.export(around).isSuccess()).isTrue();
    assertThat(exporter.export(List.of(unencodable(20), span(21, Attributes.empty()))).isSuccess()).isTrue();
    assertThat(exporter.export(List.of(span(30, Attributes.empty()), unencodable(31))).isSuccess()).isTrue();
    assertThat(exporter.export(List.of(unencodable(40))).isSuccess()).isTrue();
    exporter.shutdown();

    assertThat(exporter.writtenSpans()).isEqualTo(12);
    assertThat(exporter.spansLeftOut()).isEqualTo(4);
    assertThat(exporter.failedSpans()).isZero();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).extracting(OtlpJsonLinesFileExporterTest::spanCount).containsExactly(10, 1, 1);
    assertThat(Files.readString(file)).doesNotContain("unencodable");
    assertThat(warnings).extracting(LogRecord::getMessage)
        .anySatisfy(m -> assertThat(m).contains("could not encode a span").contains("1 span(s) left out"));
  }

  /** A span whose kind cannot be read: the encoder gets as far as its name. */
  private static SpanData unencodable(int index) {
    return new DelegatingSpanData(span(index, Attributes.empty())) {
      @Override
      public String getName() {
        return "unencodable";
      }

      @Override
      public SpanKind getKind() {
        throw new IllegalStateException("no kind");
      }
    };
  }

  private static SpanData span(int index, Attributes attributes) {
    return TestSpanData.builder()
        .setSpanContext(SpanContext.create(
            TestSpans.TRACE_ID, String.format("%016x", index + 1), TraceFlags.getSampled(), TraceState.getDefault()))
        .setName("span " + index)
        .setKind(SpanKind.INTERNAL)
        .setStartEpochNanos(TestSpans.T0 + index)
        .setEndEpochNanos(TestSpans.T0 + index + 1)
        .setAttributes(attributes)
        .setTotalAttributeCount(attributes.size())
        .setStatus(StatusData.unset())
        .setHasEnded(true)
        .setResource(TestSpans.RESOURCE)
        .setInstrumentationScopeInfo(TestSpans.SCOPE)
        .build();
  }

  private static int spanCount(String line) {
    try {
      int count = 0;
      for (JsonNode resourceSpans : MAPPER.readTree(line).get("resourceSpans")) {
        for (JsonNode scopeSpans : resourceSpans.get("scopeSpans")) {
          count += scopeSpans.get("spans").size();
        }
      }
      return count;
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
