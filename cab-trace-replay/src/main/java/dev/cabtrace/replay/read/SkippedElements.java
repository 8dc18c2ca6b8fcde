package dev.cabtrace.replay.read;

import com.fasterxml.jackson.core.JsonToken;

/**
 * The elements of a JSON list that are not what the list holds (a number among Zipkin spans),
 * skipped and told in one warning naming the first, not one per element.
 */
final class SkippedElements {

  private int count;
  private String first;

  /** Notes that element {@code index}, which starts with {@code token}, is skipped. */
  void skip(int index, JsonToken token) {
    if (count++ == 0) {
      first = "element " + index + ", " + describe(token);
    }
  }

  /** Warns, when any was skipped, that they are not {@code what} of {@code list}. */
  void warn(ReadContext context, String list, String what) {
    if (count > 0) {
      context.warn(count + " element(s) of " + list + " are not " + what + " and were skipped (the first: " + first + ")");
    }
  }

  /** A JSON value's kind as a warning names it: {@code a number}, {@code an array}. */
  static String describe(JsonToken token) {
    switch (token) {
      case START_ARRAY:
        return "an array";
      case START_OBJECT:
        return "an object";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return String.valueOf(token);
    }
  }
}
