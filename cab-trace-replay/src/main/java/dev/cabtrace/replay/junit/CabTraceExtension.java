package dev.cabtrace.replay.junit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method a {@link CellCapture} parameter: an in-memory capture wired to a cell tracer,
 * closed after the test (with any proxy it started, see {@link CellCapture#replayModelCalls}).
 *
 * <pre>{@code
 * @ExtendWith(CabTraceExtension.class)
 * class MyAdapterTest {
 *   @Test
 *   void containerRunsWhileModelCallsFinish(CellCapture capture) {
 *     new MyAdapter(capture.tracer()).runCell();
 *     assertThat(capture.timeline()).at(Duration.ofMillis(1200))
 *         .hasActiveSpanOfKind(CabSpanKind.CONTAINER).hasFinishedModelCalls(3);
 *   }
 * }
 * }</pre>
 */
public final class CabTraceExtension implements ParameterResolver, AfterEachCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(CabTraceExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == CellCapture.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(
        "capture", key -> new InMemoryCellCapture(context.getDisplayName()), InMemoryCellCapture.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    InMemoryCellCapture capture = context.getStore(NAMESPACE).remove("capture", InMemoryCellCapture.class);
    if (capture != null) {
      capture.close();
    }
  }
}
