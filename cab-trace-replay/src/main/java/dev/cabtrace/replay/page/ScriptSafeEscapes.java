package dev.cabtrace.replay.page;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.cabtrace.replay.internal.Utf8JsonFactory;

/**
 * JSON string escapes for a document embedded in a script element: {@code < > &} and U+2028/U+2029
 * are written as {@code \}{@code uXXXX}, so that no string from the trace can close the element or
 * end a JavaScript line. They can only occur inside strings, where the escape means the same
 * character.
 */
final class ScriptSafeEscapes extends CharacterEscapes {

  private static final long serialVersionUID = 1L;

  private static final ScriptSafeEscapes INSTANCE = new ScriptSafeEscapes();

  private final int[] asciiEscapes;

  private ScriptSafeEscapes() {
    asciiEscapes = standardAsciiEscapesForJSON();
    asciiEscapes['<'] = ESCAPE_CUSTOM;
    asciiEscapes['>'] = ESCAPE_CUSTOM;
    asciiEscapes['&'] = ESCAPE_CUSTOM;
  }

  /** A factory whose generators write UTF-8 bytes with these escapes. */
  static JsonFactory jsonFactory() {
    return Utf8JsonFactory.withEscapes(INSTANCE);
  }

  @Override
  public int[] getEscapeCodesForAscii() {
    return asciiEscapes;
  }

  @Override
  public SerializableString getEscapeSequence(int c) {
    switch (c) {
      case '<':
        return LESS_THAN;
      case '>':
        return GREATER_THAN;
      case '&':
        return AMPERSAND;
      case '\u2028':
        return LINE_SEPARATOR;
      case '\u2029':
        return PARAGRAPH_SEPARATOR;
      default:
        return null;
    }
  }

  private static final SerializedString LESS_THAN = new SerializedString("\\u003c");
  private static final SerializedString GREATER_THAN = new SerializedString("\\u003e");
  private static final SerializedString AMPERSAND = new SerializedString("\\u0026");
  private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
  private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");
}
