package dev.cabtrace.sdk;

import dev.cabtrace.api.testing.PublicApi;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The public types of cab-trace-sdk, package by package: the module's API, decided here. A type
 * that turns public (or stops being public) fails this test until the list below says so; a helper
 * that other packages need and users should not goes in an {@code internal} package instead.
 * Nested types count when they and every type around them are public.
 */
class PublicApiTest {

  private static final Map<String, Set<String>> API = Map.ofEntries(
      Map.entry("dev.cabtrace.sdk", Set.of("CabTraceSdk", "CabTraceSdkBuilder")),
      Map.entry("dev.cabtrace.sdk.capture", Set.of("BlockingBatchSpanProcessor", "BlockingBatchSpanProcessor.Builder")),
      Map.entry("dev.cabtrace.sdk.internal", Set.of("DelegatingSpanExporter", "ExportFailure", "LeavesSpansOut")),
      Map.entry("dev.cabtrace.sdk.export", Set.of("OtlpExport", "OtlpExport.Protocol")),
      Map.entry("dev.cabtrace.sdk.persist", Set.of("CrashJournal", "OtlpJsonLinesFileExporter")),
      Map.entry("dev.cabtrace.sdk.proxy", Set.of("CassetteMode", "CassetteTiming", "ModelCallRecordingProxy", "ModelCallRecordingProxy.Builder")),
      Map.entry("dev.cabtrace.sdk.redact", Set.of("Redaction", "Redaction.Builder")));

  @Test
  void thePublicTypesAreTheOnesDecidedOn() throws Exception {
    PublicApi.assertPublicTypes("cab-trace-sdk", CabTraceSdk.class, API);
  }
}
