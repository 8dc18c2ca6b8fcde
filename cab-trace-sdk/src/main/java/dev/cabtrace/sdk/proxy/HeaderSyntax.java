package dev.cabtrace.sdk.proxy;

/**
 * What an HTTP/1.1 header line may hold (RFC 9110 section 5): a name of token characters, a value
 * without control characters but tab. Checked on what the proxy did not get from an HTTP parser (a
 * cassette), where a CR or LF would end the line and start a header of the file's choosing.
 */
final class HeaderSyntax {

  private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

  private HeaderSyntax() {}

  /** Whether {@code name} is a token: one or more letters, digits or {@code !#$%&'*+-.^_`|~}. */
  static boolean isName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alphanumeric && TOKEN_SYMBOLS.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code value} holds no control character (CR, LF, NUL, DEL...) but tab. */
  static boolean isValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** {@code text} with each control character written as a Java escape (a backslash, u, four hex digits), for a log line. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
