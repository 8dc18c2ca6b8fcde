package dev.cabtrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a builder refuses at once, rather than build an SDK that loses every span later. */
class CabTraceSdkBuilderTest {

  @TempDir Path dir;

  @Test
  void aCaptureFileNoSpanCouldBeWrittenToIsRefusedWhenBuilt() throws IOException {
    assertThatThrownBy(() -> CabTraceSdk.builder().setEnvironment(Map.of()).setCaptureFile(dir).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("capture file " + dir + " is a directory");
    Path file = Files.writeString(dir.resolve("notes.txt"), "a file");
    assertThatThrownBy(() -> CabTraceSdk.builder().setEnvironment(Map.of())
        .setCaptureFile(file.resolve("sub/cell.jsonl")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capture file " + file.resolve("sub/cell.jsonl") + " is under " + file + ", which is not a directory");
    assertThatThrownBy(() -> CabTraceSdk.builder().setCaptureFile(Path.of("")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("capture file \"\" has no file name");
    assertThat(dir.resolveSibling(dir.getFileName() + ".journal")).as("no journal beside the directory").doesNotExist();
    assertThat(Path.of(".journal")).as("none in the working directory").doesNotExist();
  }

  @Test
  void nullsAreRefusedByNameBeforeAnythingIsTaken() throws IOException {
    java.util.Map<String, String> environment = new java.util.HashMap<>();
    environment.put("OTEL_SERVICE_NAME", null);
    assertThatThrownBy(() -> CabTraceSdk.builder().setEnvironment(environment))
        .isInstanceOf(NullPointerException.class).hasMessage("environment variable OTEL_SERVICE_NAME is null");
    Path file = dir.resolve("cell.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setEnvironment(Map.of()).setCaptureFile(file).build()) {
      assertThatThrownBy(() -> sdk.ingest(null)).isInstanceOf(NullPointerException.class).hasMessage("spans");
      assertThatThrownBy(() -> sdk.ingest(java.util.Arrays.asList((io.opentelemetry.sdk.trace.data.SpanData) null)))
          .isInstanceOf(NullPointerException.class).hasMessage("spans holds a null span");
      assertThat(sdk.flush()).isTrue();
    }
    assertThat(dev.cabtrace.sdk.persist.CrashJournal.pathFor(file)).as("nothing journaled, so nothing kept").doesNotExist();
  }

  @Test
  void aCaptureFileInDirectoriesNotYetMadeIsBuilt() {
    Path file = dir.resolve("runs/today/cell.jsonl");
    try (CabTraceSdk sdk = CabTraceSdk.builder().setEnvironment(Map.of()).setCaptureFile(file).build()) {
      sdk.cellTracer().toolCall("ls").close();
      assertThat(sdk.flush()).isTrue();
    }
    assertThat(file).isNotEmptyFile();
  }

  @Test
  void aBuilderBuildsOneSdkWhoseExportersNoOtherCloses() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    CabTraceSdkBuilder builder = CabTraceSdk.builder().setEnvironment(Map.of()).addSpanExporter(exporter);
    try (CabTraceSdk sdk = builder.build()) {
      assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
          .hasMessage("this CabTraceSdkBuilder has built its SDK; take a new builder for another");
      sdk.cellTracer().toolCall("ls").close();
      assertThat(sdk.flush()).isTrue();
      assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    }
  }
}
