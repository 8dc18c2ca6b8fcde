package dev.cabtrace.replay.screen;

/**
 * The DEC Special Graphics character set ({@code ESC ( 0}): 0x5F-0x7E drawn as line-drawing and
 * other symbols, mapped to their Unicode equivalents.
 */
final class DecSpecialGraphics {

  // Indexed by (c - 0x5f), for c in '_' .. '~'.
  private static final String TABLE =
      " \u25c6\u2592\u2409\u240c\u240d\u240a\u00b0\u00b1\u2424\u240b\u2518\u2510\u250c\u2514\u253c"
          + "\u23ba\u23bb\u2500\u23bc\u23bd\u251c\u2524\u2534\u252c\u2502\u2264\u2265\u03c0\u2260"
          + "\u00a3\u00b7";

  private DecSpecialGraphics() {}

  static int map(int c) {
    return c >= 0x5f && c <= 0x7e ? TABLE.charAt(c - 0x5f) : c;
  }
}
