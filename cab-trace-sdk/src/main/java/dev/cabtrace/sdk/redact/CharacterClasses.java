package dev.cabtrace.sdk.redact;

/**
 * What {@link SecretScanner} needs to know of each ASCII character, as bits: letters, digits and
 * the punctuation of credentials; the separators it looks back from anywhere; the letters a
 * credential shape starts with. Anything not ASCII has no class.
 */
final class CharacterClasses {

  private static final char ESC = 0x1b;

  static final int UPPER = 1;
  static final int LOWER = 2;
  static final int DIGIT = 4;
  static final int UNDERSCORE = 8;
  static final int DASH = 16;
  /** The rest of a bearer token's characters (RFC 6750 token68): {@code . ~ + / =}. */
  static final int TOKEN_PUNCTUATION = 32;
  /** {@code = : -}: what assignments, headers, flags and PEM blocks turn on; checked anywhere. */
  static final int ANYWHERE = 64;
  /** What a credential shape starts with, checked at the start of a word. */
  static final int WORD_START = 128;
  /** Not a letter, digit or underscore: a word starts after it. One bit above {@link #WORD_START}. */
  static final int NOT_WORD = WORD_START << 1;

  static final int ALNUM = UPPER | LOWER | DIGIT;
  static final int URL_SAFE = ALNUM | UNDERSCORE | DASH;
  static final int TOKEN68 = URL_SAFE | TOKEN_PUNCTUATION;

  /** The classes of each ASCII character; anything else has none. */
  static final int[] CLASSES = new int[128];

  static {
    for (char c = 'A'; c <= 'Z'; c++) {
      CLASSES[c] = UPPER;
      CLASSES[c + ('a' - 'A')] = LOWER;
    }
    for (char c = '0'; c <= '9'; c++) {
      CLASSES[c] = DIGIT;
    }
    CLASSES['_'] = UNDERSCORE;
    CLASSES['-'] = DASH | ANYWHERE;
    for (char c : new char[] {'.', '~', '+', '/', '='}) {
      CLASSES[c] = TOKEN_PUNCTUATION;
    }
    CLASSES['='] |= ANYWHERE;
    CLASSES[':'] = ANYWHERE;
    // A terminal color sequence ends with a letter: the word after it starts where it ends.
    CLASSES[ESC] = ANYWHERE;
    for (char c : "srgAhxeBbnp".toCharArray()) {
      CLASSES[c] |= WORD_START;
    }
    for (char c = 0; c < 128; c++) {
      if ((CLASSES[c] & (ALNUM | UNDERSCORE)) == 0) {
        CLASSES[c] |= NOT_WORD;
      }
    }
  }

  private CharacterClasses() {}
}
