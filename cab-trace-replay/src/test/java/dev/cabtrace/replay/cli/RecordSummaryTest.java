package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.record.RecordResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What {@code record} prints on stderr at the end. A refusal by the receiver cannot be provoked
 * on purpose through {@code record} (it takes a capture queue that stays full), so the summary is
 * checked from results; {@code OtlpReceiverTest} checks that refusals are counted.
 */
class RecordSummaryTest {

  private static final String REFUSED = "cab-trace record: warning: the OTLP receiver refused 3 export request(s) while"
      + " the capture queue was full (HTTP 429 / gRPC RESOURCE_EXHAUSTED); the command's exporter may have retried"
      + " them or dropped their spans";

  private static String summary(RecordResult result) {
    StringWriter err = new StringWriter();
    RecordCommand.summarize(result, Path.of("cell.jsonl"), "agent", new PrintWriter(err, true));
    return err.toString();
  }

  @Test
  void requestsTheReceiverRefusedAreOneWarningLineAfterTheSummary() {
    assertThat(summary(new RecordResult(0, false, 12, 0, 7, 3, "abc", null)).lines()).containsExactly(
        "cab-trace record: exit code 0; captured 12 spans (7 from the command's own OpenTelemetry SDK), trace abc,"
            + " in cell.jsonl",
        REFUSED);
    assertThat(summary(new RecordResult(0, false, 12, 2, 7, 3, "abc", null)).lines()).containsExactly(
        "cab-trace record: 2 span(s) could not be written to cell.jsonl; see the warnings above", REFUSED);
  }

  @Test
  void requestsCutOffAtTheEndOfTheGraceAreAWarningLine() {
    assertThat(summary(new RecordResult(0, false, 12, 0, 7, 0, 2, "abc", null)).lines()).containsExactly(
        "cab-trace record: exit code 0; captured 12 spans (7 from the command's own OpenTelemetry SDK), trace abc,"
            + " in cell.jsonl",
        "cab-trace record: warning: the OTLP receiver cut off 2 export request(s) still arriving when --otlp-grace"
            + " ended; their spans are not in the capture (a longer --otlp-grace waits for them)");
  }

  @Test
  void aStoppedRecordSaysSoAndExitsWithTheCommandsStatusNotAsOneThatCouldNotStart() {
    RecordResult stopped = new RecordResult(143, false, 5, 0, 0, 0, "abc",
        new IllegalStateException("record was stopped (a signal); the command's processes were killed"));
    assertThat(stopped.exitStatus()).isEqualTo(143);
    assertThat(summary(stopped).lines()).containsExactly("cab-trace record: exit code 143: record was stopped (a"
        + " signal); the command's processes were killed; captured 5 spans, trace abc, in cell.jsonl");

    RecordResult notStarted = new RecordResult(-1, false, 5, 0, 0, 0, "abc", new java.io.IOException("No such file"));
    assertThat(notStarted.exitStatus()).isEqualTo(RecordResult.NOT_STARTED);
    assertThat(summary(notStarted)).startsWith("cab-trace record: could not run agent: No such file");
  }

  @Test
  void withoutRefusalsThereIsNoWarning() {
    assertThat(summary(new RecordResult(4, true, 12, 0, 7, 0, "abc", null)).lines()).containsExactly(
        "cab-trace record: exit code 4 (killed at the timeout); captured 12 spans (7 from the command's own"
            + " OpenTelemetry SDK), trace abc, in cell.jsonl");
  }
}
