package dev.cabtrace.replay.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.sdk.proxy.CassetteMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link CellRecorder} in code, where the CLI's checks before the run do not stand in front of it. */
@Timeout(60)
class CellRecorderTest {

  @TempDir Path dir;

  @Test
  void aProxyThatCannotStartEndsTheCellWithoutRunningTheCommandItsWorkdirRemoved() throws Exception {
    Path capture = dir.resolve("cell.jsonl");
    Path cassette = Files.writeString(dir.resolve("afile"), "x").resolve("new.cassette");
    Path ran = dir.resolve("ran");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);

    RecordResult result = CellRecorder.builder(capture)
        .setOtlpReceiver(false)
        .setModelUpstream(URI.create("http://127.0.0.1:9"))
        .setCassette(cassette, CassetteMode.RECORD)
        .setConsole(quiet, quiet)
        .build()
        .run(List.of("touch", ran.toString()));

    assertThat(ran).as("the command did not run").doesNotExist();
    assertThat(result.exitStatus()).isEqualTo(RecordResult.NOT_STARTED);
    assertThat(result.failure()).hasMessageStartingWith("the recording proxy could not start: cannot open the cassette "
        + cassette);
    assertThat(result.lostSpans()).isZero();
    Timeline timeline = TraceReader.create().read(capture);
    assertThat(timeline.spans()).extracting(TimelineSpan::kindName)
        .containsExactlyInAnyOrder("task_setup", "adapter_run", "tool_call", "container", "cleanup");
    TimelineSpan container = timeline.spans().stream().filter(s -> s.kindName().equals("container")).findFirst()
        .orElseThrow();
    assertThat(container.status()).isEqualTo(SpanStatus.ERROR);
    assertThat(container.statusMessage()).contains("the recording proxy could not start");
    TimelineSpan setup = timeline.spans().stream().filter(s -> s.kindName().equals("task_setup")).findFirst()
        .orElseThrow();
    assertThat(Path.of((String) setup.attribute("workdir"))).as("cleanup removed the workdir").doesNotExist();
  }
}
