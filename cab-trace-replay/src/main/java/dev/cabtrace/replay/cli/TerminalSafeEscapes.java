package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.cabtrace.replay.internal.Utf8JsonFactory;

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

  /** A factory whose generators write UTF-8 bytes with these escapes ({@link Utf8JsonFactory}). */
  static JsonFactory utf8JsonFactory() {
    return Utf8JsonFactory.withEscapes(INSTANCE);
  }

  @Override
  public int[] getEscapeCodesForAscii() {
    return asciiEscapes;
  }

  @Override
  public SerializableString getEscapeSequence(int c) {
    return escaped(c) ? new SerializedString(String.format("\\u%04x", c)) : null;
  }

  /**
   * Appends {@code text} as a JSON string, quoted and escaped as a generator of {@link
   * #utf8JsonFactory()} writes it: for output too small to pay for loading a generator (a sweep's
   * ledger), byte for byte the same once encoded.
   */
  static void appendQuoted(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        int shortEscape = c == '\b' ? 'b' : c == '\t' ? 't' : c == '\n' ? 'n' : c == '\f' ? 'f' : c == '\r' ? 'r' : 0;
        if (shortEscape != 0) {
          out.append('\\').append((char) shortEscape);
        } else {
          out.append("\\u00").append(UPPER_HEX.charAt(c >> 4)).append(UPPER_HEX.charAt(c & 0xF));
        }
      } else if (escaped(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else if (Character.isSurrogate(c) && !pairedAt(text, i)) {
        // As the byte generator writes one, which UTF-8 cannot hold.
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  /** Whether the surrogate at {@code i} is half of a pair. */
  private static boolean pairedAt(String text, int i) {
    char c = text.charAt(i);
    return Character.isHighSurrogate(c)
        ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
        : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }

  private static final String UPPER_HEX = "0123456789ABCDEF";

  private static boolean escaped(int c) {
    return (c >= 0x7f && c <= 0x9f)
        || c == 0x061c
        || (c >= 0x200b && c <= 0x200f)
        || (c >= 0x2028 && c <= 0x202e)
        || (c >= 0x2060 && c <= 0x2069)
        || c == 0xfeff;
  }
}
