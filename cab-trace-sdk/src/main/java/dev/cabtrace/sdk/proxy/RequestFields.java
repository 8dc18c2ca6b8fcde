package dev.cabtrace.sdk.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * What the proxy needs from a model request: the top-level {@code model}, {@code stream} and
 * whether {@code stream_options} is there. Read with a streaming parser that skips every other
 * value (messages, tools) without building strings, and stops once it has what it needs.
 */
final class RequestFields {

  private static final JsonFactory JSON = new JsonFactory();

  String model;
  boolean stream;
  boolean hasStreamOptions;

  static RequestFields read(byte[] body, boolean needStreamOptions) {
    RequestFields fields = new RequestFields();
    boolean sawStream = false;
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return fields;
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("model".equals(name) && value == JsonToken.VALUE_STRING) {
          fields.model = parser.getText();
        } else if ("stream".equals(name)) {
          fields.stream = value == JsonToken.VALUE_TRUE;
          sawStream = true;
        } else if ("stream_options".equals(name)) {
          fields.hasStreamOptions = true;
          parser.skipChildren();
        } else {
          parser.skipChildren();
        }
        if (fields.model != null && sawStream && !(needStreamOptions && fields.stream)) {
          break;
        }
      }
    } catch (IOException e) {
      // Not JSON, or cut short: what was read before stands.
    }
    return fields;
  }
}
