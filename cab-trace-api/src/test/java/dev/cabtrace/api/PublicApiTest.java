package dev.cabtrace.api;

import dev.cabtrace.api.testing.PublicApi;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The public types of cab-trace-api, package by package: the module's API, decided here. A type
 * that turns public (or stops being public) fails this test until the list below says so; a helper
 * that other packages need and users should not goes in an {@code internal} package instead.
 * Nested types count when they and every type around them are public.
 */
class PublicApiTest {

  private static final Map<String, Set<String>> API = Map.ofEntries(
      Map.entry("dev.cabtrace.api", Set.of("CabAttributes", "CabSpanKind", "CellIdentity", "CellSpan", "CellTracer", "ModelCallSpan", "TerminalRecorder", "TerminalRecorder.Builder", "TerminalRecorder.Clock", "TokenUsage")));

  @Test
  void thePublicTypesAreTheOnesDecidedOn() throws Exception {
    PublicApi.assertPublicTypes("cab-trace-api", CellTracer.class, API);
  }
}
