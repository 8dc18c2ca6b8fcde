package dev.cabtrace.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

class DefaultCellSpan implements CellSpan {

  final Span span;
  private final Scope scope;
  private final AtomicBoolean closed = new AtomicBoolean();

  DefaultCellSpan(Span span, Scope scope) {
    this.span = span;
    this.scope = scope;
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
    guard(
        () -> {
          if (failure != null) {
            span.recordException(failure);
            // An exception without a message is described by its type, not by "null".
            span.setStatus(StatusCode.ERROR,
                failure.getMessage() != null ? failure.getMessage() : failure.getClass().getName());
          } else {
            span.setStatus(StatusCode.ERROR);
          }
        });
    return this;
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
    try {
      scope.close();
    } catch (RuntimeException e) {
      TracingFailures.report("could not restore the previous span", e);
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
