package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * JSON string escapes for documents that may be printed to a terminal. Jackson escapes only the C0
 * controls; DEL and the C1 controls ({@code U+009B} is CSI to many terminals) would go out raw, and
 * so would the invisible and bidirectional characters that {@code TerminalText} makes visible, and
 * the line and paragraph separators that end a JavaScript line. All of them are written as
 * {@code \}{@code uXXXX}, which any JSON reader turns back into the same text.
 */
final class TerminalSafeEscapes extends CharacterEscapes {

  private static final long serialVersionUID = 1L;

  private static final TerminalSafeEscapes INSTANCE = new TerminalSafeEscapes();

  private final int[] asciiEscapes;

  private TerminalSafeEscapes() {
    asciiEscapes = standardAsciiEscapesForJSON();
    asciiEscapes[0x7f] = ESCAPE_CUSTOM;
  }

  /** A factory whose generators write with these escapes. */
  static JsonFactory jsonFactory() {
    return new JsonFactory().setCharacterEscapes(INSTANCE);
  }

  @Override
  public int[] getEscapeCodesForAscii() {
    return asciiEscapes;
  }

  @Override
  public SerializableString getEscapeSequence(int c) {
    return escaped(c) ? new SerializedString(String.format("\\u%04x", c)) : null;
  }

  private static boolean escaped(int c) {
    return (c >= 0x7f && c <= 0x9f)
        || c == 0x061c
        || (c >= 0x200b && c <= 0x200f)
        || (c >= 0x2028 && c <= 0x202e)
        || (c >= 0x2060 && c <= 0x2069)
        || c == 0xfeff;
  }
}
