package dev.cabtrace.replay.screen;

/**
 * How a cell is drawn: attribute flags plus foreground and background colours.
 *
 * <p>A colour is {@link #DEFAULT_COLOR}, a palette index {@code 0..255} (0-7 the standard
 * colours, 8-15 the bright ones), or a 24-bit colour {@code 0x1000000 | 0xRRGGBB} (see {@link
 * #isRgb(int)} and {@link #rgb(int)}).
 *
 * @param flags a combination of {@link #BOLD}, {@link #DIM}, {@link #ITALIC}, {@link #UNDERLINE},
 *     {@link #BLINK}, {@link #INVERSE}, {@link #HIDDEN} and {@link #STRIKETHROUGH}
 * @param foreground the foreground colour
 * @param background the background colour
 */
public record CellStyle(int flags, int foreground, int background) {

  /** SGR 1. */
  public static final int BOLD = 1;

  /** SGR 2, faint. */
  public static final int DIM = 2;

  /** SGR 3. */
  public static final int ITALIC = 4;

  /** SGR 4 (any underline style, and the double underline of SGR 21). */
  public static final int UNDERLINE = 8;

  /** SGR 5 or 6. */
  public static final int BLINK = 16;

  /** SGR 7, foreground and background swapped when drawn. */
  public static final int INVERSE = 32;

  /** SGR 8, concealed; the text is still in the cell. */
  public static final int HIDDEN = 64;

  /** SGR 9, crossed out. */
  public static final int STRIKETHROUGH = 128;

  /** The terminal's own default colour. */
  public static final int DEFAULT_COLOR = -1;

  /** No attributes, default colours. */
  public static final CellStyle DEFAULT = new CellStyle(0, DEFAULT_COLOR, DEFAULT_COLOR);

  private static final int RGB_TAG = 0x1000000;

  /**
   * Checks the flags and colours.
   *
   * @throws IllegalArgumentException for an unknown flag or a colour outside the ranges above
   */
  public CellStyle {
    if ((flags & ~0xff) != 0) {
      throw new IllegalArgumentException("unknown style flags: " + flags);
    }
    checkColor(foreground, "foreground");
    checkColor(background, "background");
  }

  /** Whether {@code flag} (one of the flag constants) is set. */
  public boolean has(int flag) {
    return (flags & flag) != 0;
  }

  /** Whether {@code color} is a 24-bit colour rather than the default or a palette index. */
  public static boolean isRgb(int color) {
    return (color & 0xff000000) == RGB_TAG;
  }

  /** The {@code 0xRRGGBB} value of a 24-bit colour. */
  public static int rgb(int color) {
    return color & 0xffffff;
  }

  /** The 24-bit colour with components {@code red}, {@code green}, {@code blue} (each 0-255). */
  static int rgbColor(int red, int green, int blue) {
    return RGB_TAG | (red & 0xff) << 16 | (green & 0xff) << 8 | (blue & 0xff);
  }

  private static void checkColor(int color, String name) {
    if (color < DEFAULT_COLOR || (color > 255 && !isRgb(color))) {
      throw new IllegalArgumentException("not a colour for " + name + ": " + color);
    }
  }
}
