package dev.cabtrace.replay.internal;

import java.util.List;
import java.util.Locale;

/**
 * A list shown in one line of a table or a page's facts, cut to its first few items and a count of
 * the rest: a sweep-sized trace holds thousands of trace ids, which as one line are hundreds of
 * kilobytes. Internal: shared by cab-trace's own packages, not part of its API; it may change
 * without notice.
 */
public final class ShortList {

  private ShortList() {}

  /** {@code a, b, c}, or, past {@code shown} items, the first {@code shown} and {@code and N more}. */
  public static String of(List<String> items, int shown) {
    if (items.size() <= shown) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, shown))
        + String.format(Locale.ROOT, " and %,d more", items.size() - shown);
  }
}
