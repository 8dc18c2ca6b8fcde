package dev.cabtrace.replay.screen;

import java.util.Arrays;

/**
 * One line of cells, packed: a code point (with a wide flag) per cell in an {@code int[]}, a
 * {@link PackedStyle} per cell in a {@code long[]}, and, only for cells with combining marks, the
 * cell's whole text.
 *
 * <p>Rows are copy-on-write: a row belongs to the {@code owner} that created it and only that
 * owner mutates it. Taking a snapshot gives the emulator a new owner token, so snapshots keep
 * sharing every row until the emulator writes to one, which it then copies first.
 */
final class Row {

  static final int BLANK = ' ';
  static final int WIDE = 1 << 24;
  static final int CONTINUATION = 1 << 25;
  static final int CODE_POINT_MASK = 0x1fffff;

  /** The owner of rows that no emulator may write in place, such as shared blank rows. */
  static final Object SHARED = new Object();

  // A cell gathers at most this many chars of combining marks; more are dropped.
  static final int MAX_CLUSTER_CHARS = 32;

  private static final String[] ASCII = new String[0x7f];

  static {
    for (int c = 0x20; c < 0x7f; c++) {
      ASCII[c] = String.valueOf((char) c);
    }
  }

  final Object owner;
  private final int[] cells;
  private final long[] styles;
  private String[] clusters;

  Row(int columns, long style, Object owner) {
    this.owner = owner;
    this.cells = new int[columns];
    this.styles = new long[columns];
    Arrays.fill(cells, BLANK);
    if (style != PackedStyle.DEFAULT) {
      Arrays.fill(styles, style);
    }
  }

  private Row(Row source, int columns, Object owner) {
    this.owner = owner;
    this.cells = Arrays.copyOf(source.cells, columns);
    this.styles = Arrays.copyOf(source.styles, columns);
    this.clusters = source.clusters == null ? null : Arrays.copyOf(source.clusters, columns);
    if (columns > source.cells.length) {
      Arrays.fill(cells, source.cells.length, columns, BLANK);
    }
  }

  Row copy(Object newOwner) {
    return new Row(this, cells.length, newOwner);
  }

  /** This row cut or padded to {@code columns}; a wide character cut in half becomes blank. */
  Row resized(int columns, Object newOwner) {
    Row row = new Row(this, columns, newOwner);
    row.repair(columns - 1, columns);
    return row;
  }

  int columns() {
    return cells.length;
  }

  int cell(int column) {
    return cells[column];
  }

  long style(int column) {
    return styles[column];
  }

  boolean isWide(int column) {
    return (cells[column] & WIDE) != 0;
  }

  boolean isContinuation(int column) {
    return cells[column] == CONTINUATION;
  }

  boolean isBlank(int column) {
    return cells[column] == BLANK
        && styles[column] == PackedStyle.DEFAULT
        && (clusters == null || clusters[column] == null);
  }

  /** What the cell shows: its character and marks, or "" for the right half of a wide one. */
  String text(int column) {
    if (clusters != null && clusters[column] != null) {
      return clusters[column];
    }
    int value = cells[column];
    if (value == CONTINUATION) {
      return "";
    }
    if (value >= 0x20 && value < 0x7f) {
      return ASCII[value];
    }
    return new String(Character.toChars(value & CODE_POINT_MASK));
  }

  void appendText(StringBuilder out, int column) {
    if (clusters != null && clusters[column] != null) {
      out.append(clusters[column]);
    } else if (cells[column] != CONTINUATION) {
      out.appendCodePoint(cells[column] & CODE_POINT_MASK);
    }
  }

  void set(int column, int value, long style) {
    cells[column] = value;
    styles[column] = style;
    if (clusters != null) {
      clusters[column] = null;
    }
  }

  /** Sets the cells from {@code from} to {@code to} (exclusive) to one value in one style. */
  void fill(int from, int to, int value, long style) {
    java.util.Arrays.fill(cells, from, to, value);
    java.util.Arrays.fill(styles, from, to, style);
    if (clusters != null) {
      java.util.Arrays.fill(clusters, from, to, null);
    }
  }

  void appendMark(int column, int mark) {
    if (cells[column] == CONTINUATION) {
      return;
    }
    if (clusters == null) {
      clusters = new String[cells.length];
    }
    String text = clusters[column];
    if (text == null) {
      text = new String(Character.toChars(cells[column] & CODE_POINT_MASK));
    }
    if (text.length() + Character.charCount(mark) <= MAX_CLUSTER_CHARS) {
      clusters[column] = text + new String(Character.toChars(mark));
    }
  }

  /** Blanks columns {@code from} (inclusive) to {@code to} (exclusive). */
  void erase(int from, int to, long style) {
    from = Math.max(0, from);
    to = Math.min(cells.length, to);
    if (from >= to) {
      return;
    }
    Arrays.fill(cells, from, to, BLANK);
    Arrays.fill(styles, from, to, style);
    if (clusters != null) {
      Arrays.fill(clusters, from, to, null);
    }
    repair(from - 1, to + 1);
  }

  /** Shifts the cells from {@code column} right by {@code count}; cells pushed off are lost. */
  void insertBlanks(int column, int count, long style) {
    int n = cells.length;
    count = Math.min(count, n - column);
    if (count <= 0) {
      return;
    }
    shift(column, column + count, n - column - count);
    erase(column, column + count, style);
    repair(n - 1, n);
  }

  /** Removes {@code count} cells at {@code column}, pulling the rest left and blanking the end. */
  void delete(int column, int count, long style) {
    int n = cells.length;
    count = Math.min(count, n - column);
    if (count <= 0) {
      return;
    }
    shift(column + count, column, n - column - count);
    erase(n - count, n, style);
    repair(column - 1, column + 1);
  }

  /**
   * Blanks half-characters in columns {@code from} to {@code to} (both clamped): a wide cell
   * whose right half was overwritten, or a right half whose wide cell was.
   */
  void repair(int from, int to) {
    from = Math.max(0, from);
    to = Math.min(cells.length - 1, to);
    for (int c = from; c <= to; c++) {
      if (isWide(c) && (c + 1 >= cells.length || cells[c + 1] != CONTINUATION)) {
        set(c, BLANK, styles[c]);
      } else if (cells[c] == CONTINUATION && (c == 0 || !isWide(c - 1))) {
        set(c, BLANK, styles[c]);
      }
    }
  }

  /** The row's text with trailing spaces removed. */
  String toLine() {
    StringBuilder out = new StringBuilder(cells.length);
    for (int c = 0; c < cells.length; c++) {
      appendText(out, c);
    }
    int end = out.length();
    while (end > 0 && out.charAt(end - 1) == ' ') {
      end--;
    }
    out.setLength(end);
    return out.toString();
  }

  boolean contentEquals(Row other) {
    return Arrays.equals(cells, other.cells)
        && Arrays.equals(styles, other.styles)
        && clustersEqual(clusters, other.clusters);
  }

  int contentHash() {
    return 31 * Arrays.hashCode(cells) + Arrays.hashCode(styles);
  }

  private static boolean clustersEqual(String[] a, String[] b) {
    if (a == null || b == null) {
      String[] present = a == null ? b : a;
      return present == null || Arrays.stream(present).allMatch(s -> s == null);
    }
    return Arrays.equals(a, b);
  }

  private void shift(int from, int to, int length) {
    System.arraycopy(cells, from, cells, to, length);
    System.arraycopy(styles, from, styles, to, length);
    if (clusters != null) {
      System.arraycopy(clusters, from, clusters, to, length);
    }
  }
}
