package dev.cabtrace.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.List;

/** What a tracer hands out when it could not open a real span. */
enum NoopCellSpan implements ModelCallSpan {
  INSTANCE;

  @Override
  public <T> ModelCallSpan setAttribute(AttributeKey<T> key, T value) {
    return this;
  }

  @Override
  public ModelCallSpan addEvent(String name, Attributes attributes) {
    return this;
  }

  @Override
  public ModelCallSpan recordFailure(Throwable failure) {
    return this;
  }

  @Override
  public ModelCallSpan setError(String description) {
    return this;
  }

  @Override
  public SpanContext spanContext() {
    return SpanContext.getInvalid();
  }

  @Override
  public Span span() {
    return Span.getInvalid();
  }

  @Override
  public void close() {}

  @Override
  public ModelCallSpan setResponseModel(String responseModel) {
    return this;
  }

  @Override
  public ModelCallSpan setUsage(TokenUsage usage) {
    return this;
  }

  @Override
  public ModelCallSpan setFinishReasons(List<String> finishReasons) {
    return this;
  }

  @Override
  public ModelCallSpan setRequestBody(byte[] requestBody) {
    return this;
  }

  @Override
  public ModelCallSpan setRequestHash(String sha256Hex) {
    return this;
  }
}
