package dev.cabtrace.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

final class DefaultModelCallSpan extends DefaultCellSpan implements ModelCallSpan {

  DefaultModelCallSpan(Span span, Context parent) {
    super(span, parent);
  }

  // CellSpan's setters, returning this span as a ModelCallSpan.

  @Override
  public <T> ModelCallSpan setAttribute(AttributeKey<T> key, T value) {
    super.setAttribute(key, value);
    return this;
  }

  @Override
  public ModelCallSpan setAttribute(String key, String value) {
    super.setAttribute(key, value);
    return this;
  }

  @Override
  public ModelCallSpan setAttribute(String key, long value) {
    super.setAttribute(key, value);
    return this;
  }

  @Override
  public ModelCallSpan setAttribute(String key, double value) {
    super.setAttribute(key, value);
    return this;
  }

  @Override
  public ModelCallSpan setAttribute(String key, boolean value) {
    super.setAttribute(key, value);
    return this;
  }

  @Override
  public ModelCallSpan setAttribute(String key, List<String> values) {
    super.setAttribute(key, values);
    return this;
  }

  @Override
  public ModelCallSpan addEvent(String name, Attributes attributes) {
    super.addEvent(name, attributes);
    return this;
  }

  @Override
  public ModelCallSpan recordFailure(Throwable failure) {
    super.recordFailure(failure);
    return this;
  }

  @Override
  public ModelCallSpan setError(String description) {
    super.setError(description);
    return this;
  }

  @Override
  public ModelCallSpan setResponseModel(String responseModel) {
    setAttribute(CabAttributes.GEN_AI_RESPONSE_MODEL, responseModel);
    return this;
  }

  @Override
  public ModelCallSpan setUsage(TokenUsage usage) {
    if (usage != null) {
      setAttribute(CabAttributes.GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens());
      setAttribute(CabAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens());
      setAttribute(CabAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadInputTokens());
      setAttribute(
          CabAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningOutputTokens());
    }
    return this;
  }

  @Override
  public ModelCallSpan setFinishReasons(List<String> finishReasons) {
    if (finishReasons != null) {
      // Copied inside the guard: a list holding null must not throw into the adapter.
      guard(() -> setAttribute(CabAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.copyOf(finishReasons)));
    }
    return this;
  }

  @Override
  public ModelCallSpan setRequestBody(byte[] requestBody) {
    if (requestBody != null) {
      setRequestHash(sha256Hex(requestBody));
    }
    return this;
  }

  @Override
  public ModelCallSpan setRequestHash(String sha256Hex) {
    setAttribute(CabAttributes.REQUEST_HASH, sha256Hex);
    return this;
  }

  /** Lowercase hex sha-256 of {@code bytes}. */
  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256.
      throw new IllegalStateException(e);
    }
  }

  static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }
}
