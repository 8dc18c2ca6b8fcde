package dev.cabtrace.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.List;

/**
 * A {@code model_call} span: one request to a model endpoint and its token record. Every setter
 * returns a {@code ModelCallSpan}, so calls chain in any order: {@code
 * call.setAttribute("retry", 1).setUsage(usage)}.
 */
public interface ModelCallSpan extends CellSpan {

  @Override
  <T> ModelCallSpan setAttribute(AttributeKey<T> key, T value);

  // As CellSpan's, returning this span as a ModelCallSpan.

  @Override
  default ModelCallSpan setAttribute(String key, String value) {
    CellSpan.super.setAttribute(key, value);
    return this;
  }

  @Override
  default ModelCallSpan setAttribute(String key, long value) {
    CellSpan.super.setAttribute(key, value);
    return this;
  }

  @Override
  default ModelCallSpan setAttribute(String key, double value) {
    CellSpan.super.setAttribute(key, value);
    return this;
  }

  @Override
  default ModelCallSpan setAttribute(String key, boolean value) {
    CellSpan.super.setAttribute(key, value);
    return this;
  }

  @Override
  default ModelCallSpan setAttribute(String key, List<String> values) {
    CellSpan.super.setAttribute(key, values);
    return this;
  }

  @Override
  default ModelCallSpan setExitCode(long exitCode) {
    CellSpan.super.setExitCode(exitCode);
    return this;
  }

  @Override
  default ModelCallSpan setTimedOut(boolean timedOut) {
    CellSpan.super.setTimedOut(timedOut);
    return this;
  }

  @Override
  default ModelCallSpan setPass(boolean pass) {
    CellSpan.super.setPass(pass);
    return this;
  }

  @Override
  ModelCallSpan addEvent(String name, Attributes attributes);

  @Override
  ModelCallSpan recordFailure(Throwable failure);

  @Override
  ModelCallSpan setError(String description);

  /** Records {@code gen_ai.response.model}, the model that answered. */
  ModelCallSpan setResponseModel(String responseModel);

  /** Records the token counts; counts that are unknown are left out, never guessed. */
  ModelCallSpan setUsage(TokenUsage usage);

  /** Records {@code gen_ai.response.finish_reasons}. */
  ModelCallSpan setFinishReasons(List<String> finishReasons);

  /** Records {@code cab.request_hash} as the sha-256 of the request body. */
  ModelCallSpan setRequestBody(byte[] requestBody);

  /** Records {@code cab.request_hash} when the hash is already known (lowercase hex sha-256). */
  ModelCallSpan setRequestHash(String sha256Hex);
}
