package dev.cabtrace.sdk.redact;

import java.util.Arrays;

/** The ranges of a text to mask, as they are found, in any order and overlapping. */
final class MaskedRanges {

  private long[] ranges;
  private int count;

  /** Adds {@code [start, end)}. */
  void add(int start, int end) {
    if (ranges == null) {
      ranges = new long[8];
    } else if (count == ranges.length) {
      ranges = Arrays.copyOf(ranges, count * 2);
    }
    ranges[count++] = ((long) start << 32) | end;
  }

  /** The ranges sorted and merged, as {@link SecretScanner#find} gives them. */
  int[] merged() {
    if (count == 0) {
      return SecretScanner.NONE;
    }
    Arrays.sort(ranges, 0, count);
    int[] out = new int[2 * count];
    int size = 0;
    for (int i = 0; i < count; i++) {
      int start = (int) (ranges[i] >>> 32);
      int end = (int) ranges[i];
      if (size > 0 && start <= out[size - 1]) {
        out[size - 1] = Math.max(out[size - 1], end);
      } else {
        out[size++] = start;
        out[size++] = end;
      }
    }
    return size == out.length ? out : Arrays.copyOf(out, size);
  }
}
