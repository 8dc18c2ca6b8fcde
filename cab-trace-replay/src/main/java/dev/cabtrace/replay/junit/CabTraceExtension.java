package dev.cabtrace.replay.junit;

import io.opentelemetry.context.Context;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method a {@link CellCapture} parameter: an in-memory capture wired to a cell tracer,
 * one a test (its {@code @BeforeEach} and {@code @AfterEach} methods get the same one), closed after
 * it (with any proxy it started, see {@link CellCapture#replayModelCalls}). A constructor or
 * {@code @BeforeAll} method cannot take one: it would be shared by every test. A span a test left
 * open does not become the parent of the next test's spans: each test starts in the context that
 * was current before it.
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
public final class CabTraceExtension implements ParameterResolver, BeforeEachCallback, AfterEachCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(CabTraceExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == CellCapture.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException("a CellCapture is one test's: take it as a parameter of the test method"
          + " (or of @BeforeEach/@AfterEach), not of " + parameter.getDeclaringExecutable());
    }
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(
        "capture", key -> new InMemoryCellCapture(context.getDisplayName()), InMemoryCellCapture.class);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NAMESPACE).put("context", Context.current());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    InMemoryCellCapture capture = context.getStore(NAMESPACE).remove("capture", InMemoryCellCapture.class);
    if (capture != null) {
      capture.close();
    }
    Context before = context.getStore(NAMESPACE).remove("context", Context.class);
    if (before != null && Context.current() != before) {
      // A span the test left open is still current on this thread. Its scope is the test's to close;
      // not closed, it would parent the next test's spans, so the context before the test is made
      // current again, its own scope left open as the test's was.
      before.makeCurrent();
    }
  }
}
