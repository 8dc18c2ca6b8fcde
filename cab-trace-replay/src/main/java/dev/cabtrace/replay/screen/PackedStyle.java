package dev.cabtrace.replay.screen;

/**
 * A {@link CellStyle} packed into one {@code long}, so that a row stores styles in a {@code long[]}
 * with no table that a stream of distinct 24-bit colours could grow without bound. {@code 0} is
 * {@link CellStyle#DEFAULT}, so a fresh array is a row of default cells.
 *
 * <p>Layout: bits 0-7 flags, bits 8-33 foreground + 1, bits 34-59 background + 1.
 */
final class PackedStyle {

  static final long DEFAULT = 0L;

  private static final int COLOR_BITS = 26;
  private static final long COLOR_MASK = (1L << COLOR_BITS) - 1;
  private static final int FG_SHIFT = 8;
  private static final int BG_SHIFT = FG_SHIFT + COLOR_BITS;
  private static final long BG_MASK = COLOR_MASK << BG_SHIFT;

  private PackedStyle() {}

  static long pack(int flags, int foreground, int background) {
    return (flags & 0xffL)
        | ((foreground + 1L) & COLOR_MASK) << FG_SHIFT
        | ((background + 1L) & COLOR_MASK) << BG_SHIFT;
  }

  static long pack(CellStyle style) {
    return pack(style.flags(), style.foreground(), style.background());
  }

  static CellStyle unpack(long packed) {
    if (packed == DEFAULT) {
      return CellStyle.DEFAULT;
    }
    return new CellStyle(flags(packed), foreground(packed), background(packed));
  }

  static int flags(long packed) {
    return (int) (packed & 0xff);
  }

  static int foreground(long packed) {
    return (int) ((packed >>> FG_SHIFT) & COLOR_MASK) - 1;
  }

  static int background(long packed) {
    return (int) ((packed >>> BG_SHIFT) & COLOR_MASK) - 1;
  }

  /** What erasing leaves behind: only the background colour survives (xterm's "bce"). */
  static long eraseStyle(long packed) {
    return packed & BG_MASK;
  }
}
