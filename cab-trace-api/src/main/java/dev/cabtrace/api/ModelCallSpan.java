package dev.cabtrace.api;

import java.util.List;

/** A {@code model_call} span: one request to a model endpoint and its token record. */
public interface ModelCallSpan extends CellSpan {

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
