package dev.cabtrace.replay.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

/**
 * JSON factories for documents written as UTF-8 bytes. Internal: shared by cab-trace's own
 * packages, not part of its API; it may change without notice.
 */
public final class Utf8JsonFactory {

  private Utf8JsonFactory() {}

  /**
   * A factory whose generators write with {@code escapes} and, into bytes, a character outside the
   * Basic Multilingual Plane as its four UTF-8 bytes, as a generator into text leaves it (not as two
   * escaped surrogates); a lone surrogate, which UTF-8 cannot hold, as its escape.
   */
  public static JsonFactory withEscapes(CharacterEscapes escapes) {
    return new JsonFactoryBuilder()
        .characterEscapes(escapes)
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
        .build();
  }
}
