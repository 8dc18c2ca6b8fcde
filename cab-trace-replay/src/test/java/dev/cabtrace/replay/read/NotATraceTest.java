package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that is not a trace, or not one as written, is named for what it is, not by what its parse tripped on. */
class NotATraceTest {

  private static final String LINE = HostileInputTest.line("0000000000000001", null, "a", 1000, 2000);

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void aFileOfOneJsonScalarSaysWhichItIs() throws IOException {
    for (String[] scalar : new String[][] {{"\"hello\"", "a string"}, {"42", "a number"}, {"true", "a boolean"},
        {"null", "null"}}) {
      Path file = file("scalar.json", scalar[0] + "\n");
      assertThatThrownBy(() -> TraceReader.create().read(file)).isInstanceOf(TraceReadException.class)
          .hasMessage(file + ": no spans found; line 1: not a trace (" + scalar[1] + ", not a JSON object or array); skipped");
    }
  }

  @Test
  void resourceSpansThatAreNotAnArraySaySo() throws IOException {
    Path file = file("object.json", "{\"resourceSpans\":{}}\n");
    assertThatThrownBy(() -> TraceReader.create().read(file))
        .hasMessage(file + ": no spans found; line 1: resourceSpans is an object, not an array; ignored");
  }

  @Test
  void anArrayOfOtlpDocumentsIsReadDocumentByDocument() throws IOException {
    String second = LINE.replace("0000000000000001", "0000000000000002").replace("\"name\":\"a\"", "\"name\":\"b\"");
    Path oneLine = file("documents.json", "[" + LINE + "," + second + "]\n");
    Path pretty = file("pretty.json", "[\n  " + LINE + ",\n  7,\n  " + second + "\n]\n");
    for (Path file : new Path[] {oneLine, pretty}) {
      Timeline timeline = TraceReader.create().read(file);
      assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("a", "b");
      assertThat(timeline.warnings()).extracting(LoadWarning::message)
          .containsExactlyElementsOf(file == pretty ? java.util.List.of("a document in the array of OTLP documents that"
              + " is not an object; skipped") : java.util.List.of());
    }
  }

  @Test
  void aCompressedFileSaysToDecompressItFirst() throws IOException {
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
      out.write((LINE + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Path gzip = Files.write(dir.resolve("cell.jsonl.gz"), gzipped.toByteArray());
    assertThatThrownBy(() -> TraceReader.create().read(gzip)).isInstanceOf(TraceReadException.class)
        .hasMessageStartingWith(gzip + ": gzip-compressed: decompress it first (gunzip it");
    assertThatThrownBy(() -> TraceReader.create().read(new ByteArrayInputStream(gzipped.toByteArray()), "<stdin>"))
        .hasMessageStartingWith("<stdin>: gzip-compressed: decompress it first");
    Path zstd = Files.write(dir.resolve("cell.jsonl.zst"), new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0, 0, 1});
    assertThatThrownBy(() -> TraceReader.create().read(zstd)).hasMessageStartingWith(zstd + ": zstd-compressed: decompress it first");
  }

  @Test
  void anOtlpProtobufFileSaysItIsBinaryAndWhatIsRead() throws IOException {
    Span span = Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[16]))
        .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, 1})).setName("a")
        .setStartTimeUnixNano(1_700_000_000_000_000_000L).setEndTimeUnixNano(1_700_000_001_000_000_000L).build();
    TracesData data = TracesData.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build();
    Path pb = Files.write(dir.resolve("trace.pb"), data.toByteArray());
    assertThatThrownBy(() -> TraceReader.create().read(pb)).isInstanceOf(TraceReadException.class)
        .hasMessageStartingWith(pb + ": no spans found; line ")
        .hasMessageContaining(": binary, not JSON text (OTLP protobuf? cab-trace reads OTLP, Jaeger and Zipkin JSON); skipped");
    // A line of text that is not JSON is still named by what the parse found.
    Timeline timeline = TraceReader.create().read(file("log.jsonl", LINE + "\n\u001b[31mERROR\u001b[0m oops\n"));
    assertThat(timeline.warnings()).singleElement().extracting(LoadWarning::message).asString().startsWith("not JSON (");
  }
}
