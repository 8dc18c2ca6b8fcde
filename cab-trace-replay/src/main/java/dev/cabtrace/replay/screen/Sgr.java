package dev.cabtrace.replay.screen;

/**
 * SELECT GRAPHIC RENDITION ({@code CSI ... m}) applied to a packed style. Unknown codes are
 * ignored; an extended colour with missing or out-of-range parts is ignored along with the rest
 * of the sequence, as xterm does.
 */
final class Sgr {

  private static final int NO_COLOR = Integer.MIN_VALUE;

  private Sgr() {}

  static long apply(long style, CsiParams params) {
    int count = params.count();
    if (count == 0) {
      return PackedStyle.DEFAULT;
    }
    int flags = PackedStyle.flags(style);
    int foreground = PackedStyle.foreground(style);
    int background = PackedStyle.background(style);
    int i = 0;
    while (i < count) {
      int code = params.raw(i);
      int groupEnd = i + 1;
      while (groupEnd < count && params.isSubParameter(groupEnd)) {
        groupEnd++;
      }
      if (groupEnd > i + 1) {
        // Colon form: the sub-parameters belong to this code alone.
        if (code == 38 || code == 48) {
          int color = colonColor(params, i + 1, groupEnd);
          if (color != NO_COLOR && code == 38) {
            foreground = color;
          } else if (color != NO_COLOR) {
            background = color;
          }
        } else if (code == 4) {
          flags = params.raw(i + 1) == 0 ? flags & ~CellStyle.UNDERLINE : flags | CellStyle.UNDERLINE;
        }
        i = groupEnd;
        continue;
      }
      if (code == 38 || code == 48 || code == 58) {
        int kind = params.raw(i + 1);
        int color = NO_COLOR;
        int used;
        if (kind == 5 && i + 2 < count) {
          color = indexColor(params.raw(i + 2));
          used = 3;
        } else if (kind == 2 && i + 4 < count) {
          color = rgbColor(params.raw(i + 2), params.raw(i + 3), params.raw(i + 4));
          used = 5;
        } else {
          break;
        }
        if (color != NO_COLOR && code == 38) {
          foreground = color;
        } else if (color != NO_COLOR && code == 48) {
          background = color;
        }
        i += used;
        continue;
      }
      switch (code) {
        case 0:
          flags = 0;
          foreground = CellStyle.DEFAULT_COLOR;
          background = CellStyle.DEFAULT_COLOR;
          break;
        case 1:
          flags |= CellStyle.BOLD;
          break;
        case 2:
          flags |= CellStyle.DIM;
          break;
        case 3:
          flags |= CellStyle.ITALIC;
          break;
        case 4:
        case 21: // ECMA-48 and xterm: doubly underlined, kept as underlined
          flags |= CellStyle.UNDERLINE;
          break;
        case 5:
        case 6:
          flags |= CellStyle.BLINK;
          break;
        case 7:
          flags |= CellStyle.INVERSE;
          break;
        case 8:
          flags |= CellStyle.HIDDEN;
          break;
        case 9:
          flags |= CellStyle.STRIKETHROUGH;
          break;
        case 22:
          flags &= ~(CellStyle.BOLD | CellStyle.DIM);
          break;
        case 23:
          flags &= ~CellStyle.ITALIC;
          break;
        case 24:
          flags &= ~CellStyle.UNDERLINE;
          break;
        case 25:
          flags &= ~CellStyle.BLINK;
          break;
        case 27:
          flags &= ~CellStyle.INVERSE;
          break;
        case 28:
          flags &= ~CellStyle.HIDDEN;
          break;
        case 29:
          flags &= ~CellStyle.STRIKETHROUGH;
          break;
        case 39:
          foreground = CellStyle.DEFAULT_COLOR;
          break;
        case 49:
          background = CellStyle.DEFAULT_COLOR;
          break;
        default:
          if (code >= 30 && code <= 37) {
            foreground = code - 30;
          } else if (code >= 40 && code <= 47) {
            background = code - 40;
          } else if (code >= 90 && code <= 97) {
            foreground = code - 90 + 8;
          } else if (code >= 100 && code <= 107) {
            background = code - 100 + 8;
          }
          break;
      }
      i++;
    }
    return PackedStyle.pack(flags, foreground, background);
  }

  // After "38:": "5:n", "2:r:g:b", or "2:colorspace:r:g:b".
  private static int colonColor(CsiParams params, int from, int end) {
    int kind = params.raw(from);
    int parts = end - from;
    if (kind == 5 && parts >= 2) {
      return indexColor(params.raw(from + 1));
    }
    if (kind == 2 && parts == 4) {
      return rgbColor(params.raw(from + 1), params.raw(from + 2), params.raw(from + 3));
    }
    if (kind == 2 && parts >= 5) {
      return rgbColor(params.raw(from + 2), params.raw(from + 3), params.raw(from + 4));
    }
    return NO_COLOR;
  }

  private static int indexColor(int index) {
    return index <= 255 ? index : NO_COLOR;
  }

  private static int rgbColor(int red, int green, int blue) {
    if (red > 255 || green > 255 || blue > 255) {
      return NO_COLOR;
    }
    return CellStyle.rgbColor(red, green, blue);
  }
}
