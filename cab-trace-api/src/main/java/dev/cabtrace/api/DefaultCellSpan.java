package dev.cabtrace.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

class DefaultCellSpan implements CellSpan {

  /** The cab-trace span a context was made current for, beside its OpenTelemetry span. */
  private static final ContextKey<DefaultCellSpan> CELL_SPAN = ContextKey.named("dev.cabtrace.cell-span");

  final Span span;
  /** What the span was started under: current again once it is closed. */
  private final Context parent;
  private final Thread opener = Thread.currentThread();
  private final Scope scope;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Makes {@code span}, started under {@code parent}, current on the calling thread. */
  DefaultCellSpan(Span span, Context parent) {
    this.span = span;
    this.parent = parent;
    this.scope = parent.with(span).with(CELL_SPAN, this).makeCurrent();
  }

  /**
   * {@code context}, or, when its span is a cab-trace span already closed, what that span was
   * started under, as many times as it takes. OpenTelemetry leaves a span current when it is closed
   * on another thread than the one that opened it, or out of nesting order; a span started there
   * must not become the child of a span that has ended.
   */
  static Context liveParent(Context context) {
    Context live = context;
    for (DefaultCellSpan cell = live.get(CELL_SPAN);
        cell != null && cell.closed.get() && Span.fromContext(live) == cell.span;
        cell = live.get(CELL_SPAN)) {
      live = cell.parent;
    }
    return live;
  }

  @Override
  public CellSpan setAttribute(String key, String value) {
    if (key != null && value != null) {
      guard(() -> span.setAttribute(key, value));
    }
    return this;
  }

  @Override
  public CellSpan setAttribute(String key, long value) {
    if (key != null) {
      guard(() -> span.setAttribute(key, value));
    }
    return this;
  }

  @Override
  public CellSpan setAttribute(String key, double value) {
    if (key != null) {
      guard(() -> span.setAttribute(key, value));
    }
    return this;
  }

  @Override
  public CellSpan setAttribute(String key, boolean value) {
    if (key != null) {
      guard(() -> span.setAttribute(key, value));
    }
    return this;
  }

  @Override
  public CellSpan setAttribute(String key, List<String> values) {
    if (key != null && values != null) {
      guard(() -> span.setAttribute(AttributeKey.stringArrayKey(key), List.copyOf(values)));
    }
    return this;
  }

  @Override
  public <T> CellSpan setAttribute(AttributeKey<T> key, T value) {
    if (key != null && value != null) {
      guard(() -> span.setAttribute(key, value));
    }
    return this;
  }

  @Override
  public CellSpan addEvent(String name, Attributes attributes) {
    if (name != null) {
      guard(() -> span.addEvent(name, attributes == null ? Attributes.empty() : attributes));
    }
    return this;
  }

  @Override
  public CellSpan recordFailure(Throwable failure) {
    if (failure == null) {
      guard(() -> span.setStatus(StatusCode.ERROR));
      return this;
    }
    // Apart: an exception event that fails (its message throws) must not leave the status unset.
    guard(() -> span.recordException(failure));
    guard(() -> span.setStatus(StatusCode.ERROR, describe(failure)));
    return this;
  }

  /** The failure's message; its type when it has none, or none that can be read, not "null". */
  private static String describe(Throwable failure) {
    try {
      String message = failure.getMessage();
      if (message != null) {
        return message;
      }
    } catch (RuntimeException e) {
      // described by its type
    }
    return failure.getClass().getName();
  }

  @Override
  public CellSpan setError(String description) {
    guard(() -> span.setStatus(StatusCode.ERROR, description == null ? "" : description));
    return this;
  }

  @Override
  public SpanContext spanContext() {
    return span.getSpanContext();
  }

  @Override
  public Span span() {
    return span;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // A scope is its opening thread's. Closed on another thread that runs in this span's context (a
    // callback wrapped with it), OpenTelemetry would hand that thread this span's parent context.
    // The opening thread keeps this span current until it closes another span; spans started there
    // meanwhile skip it (liveParent).
    if (Thread.currentThread() == opener) {
      try {
        scope.close();
        Context current = Context.current();
        Context live = liveParent(current);
        if (live != current) {
          // What was restored is the context of a span closed out of order or elsewhere, whose own
          // scope cannot be closed now: the live context goes over it, never to be closed.
          live.makeCurrent();
        }
      } catch (RuntimeException e) {
        TracingFailures.report("could not restore the previous span", e);
      }
    }
    guard(span::end);
  }

  final void guard(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      TracingFailures.report("tracing failed on span " + safeName(), e);
    }
  }

  private String safeName() {
    try {
      return span.getSpanContext().getSpanId();
    } catch (RuntimeException e) {
      return "?";
    }
  }
}
