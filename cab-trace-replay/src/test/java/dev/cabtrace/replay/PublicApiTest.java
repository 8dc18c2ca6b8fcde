package dev.cabtrace.replay;

import dev.cabtrace.api.testing.PublicApi;
import dev.cabtrace.replay.read.TraceReader;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The public types of cab-trace-replay, package by package: the module's API, decided here. A type
 * that turns public (or stops being public) fails this test until the list below says so; a helper
 * that other packages need and users should not goes in an {@code internal} package instead.
 * Nested types count when they and every type around them are public.
 */
class PublicApiTest {

  private static final Map<String, Set<String>> API = Map.ofEntries(
      Map.entry("dev.cabtrace.replay.assertions", Set.of("CabTraceAssertions", "FrameAssert", "ScoreAssert", "SpanAssert", "TimelineAssert", "TimelineDiffAssert")),
      // The command line: its entry point only.
      Map.entry("dev.cabtrace.replay.cli", Set.of("CabTraceCli")),
      // Shared by cab-trace's own packages; public only because Java needs it to be.
      Map.entry("dev.cabtrace.replay.internal",
          Set.of("AttributeBytes", "CellResource", "CharEscaper", "CompactAttributes", "CompactJson", "Durations", "FileKey",
              "FileToWrite", "IoFailures", "ImmutableSpanData", "InMemoryDocument", "OtlpJsonRequest", "JsonArrayChunks", "JsonArrayChunks.Elements", "JsonArrayChunks.Generators", "JsonArrayChunks.Lead", "ParallelChunks", "ParallelChunks.Attempt", "ParallelChunks.Mapper", "ParallelChunks.Writer", "PlainAttributeVisitor", "PlainAttributeWriter", "ProtoSpans",
              "ProtoSpans.Malformed", "ProtoSpans.Received", "SaturatingSum", "SeededHash", "ShortList", "Timestamps",
              "Utf8Decoder", "Utf8JsonFactory", "Utf8Line")),
      Map.entry("dev.cabtrace.replay.junit", Set.of("CabTraceExtension", "CellCapture")),
      Map.entry("dev.cabtrace.replay.ledger", Set.of("Budget", "Budget.Builder", "BudgetCheck", "CellScore", "SweepGroup", "SweepLedger", "SweepLedger.Builder", "TimelineDiff", "TimelineDiff.Axis", "TimelineDiff.SpanChange", "TraceFacts")),
      Map.entry("dev.cabtrace.replay.page", Set.of("CellPage", "CellPage.Builder", "CellServer", "CellServer.Builder")),
      Map.entry("dev.cabtrace.replay.player", Set.of("FrameRenderer", "TerminalPlayer")),
      Map.entry("dev.cabtrace.replay.push", Set.of("CapturePusher", "CapturePusher.Result")),
      Map.entry("dev.cabtrace.replay.read", Set.of("TraceChangedException", "TraceReadException", "TraceReader", "TraceReader.Builder", "TraceReader.ProgressListener")),
      Map.entry("dev.cabtrace.replay.record", Set.of("CellRecorder", "CellRecorder.Builder", "OtlpReceiver", "RecordResult")),
      Map.entry("dev.cabtrace.replay.screen", Set.of("CellStyle", "Screen", "ScreenCell", "ScreenPlayback", "ScreenRecording", "ScreenRecording.Builder", "TerminalEmulator", "TerminalSize")),
      Map.entry("dev.cabtrace.replay.terminal", Set.of("TerminalText")),
      // TimelineBuilder and TimelineSpan.Builder make a timeline by hand (tests, the in-memory capture);
      // Ids and the crash-journal recovery are not API.
      Map.entry("dev.cabtrace.replay.timeline", Set.of("Frame", "LoadWarning", "ModelCall", "OutputChunk", "ReplayClock", "ReplayCursor", "ReplayCursor.Builder", "SpanEvent", "SpanStatus", "TerminalOutput", "Timeline", "TimelineBuilder", "TimelineSpan", "TimelineSpan.Builder", "TokenTotals")));

  @Test
  void thePublicTypesAreTheOnesDecidedOn() throws Exception {
    PublicApi.assertPublicTypes("cab-trace-replay", TraceReader.class, API);
  }
}
