package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.api.CabAttributes;
import dev.cabtrace.sdk.CabTraceSdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/** The proxy tests' wait for the model_call spans a test's calls make. */
final class FinishedModelCalls {

  private FinishedModelCalls() {}

  /**
   * The model_call spans {@code spans} got, in start order, once {@code expected} of them have
   * ended: a span ends just after the client has its last byte, so this polls, with a bound.
   */
  static List<SpanData> await(CabTraceSdk sdk, InMemorySpanExporter spans, int expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<SpanData> calls;
    do {
      sdk.flush();
      calls = spans.getFinishedSpanItems().stream()
          .filter(s -> "model_call".equals(s.getAttributes().get(CabAttributes.SPAN_KIND)))
          .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
          .toList();
    } while (calls.size() < expected && System.nanoTime() < deadline);
    assertThat(calls).hasSize(expected);
    return calls;
  }
}
