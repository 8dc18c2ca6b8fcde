package dev.cabtrace.replay.read;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attribute values that many spans have, made once: a million spans keep their token counts and
 * finish reasons, and most are a few values. One per reader for the lists; the counts are shared
 * by every reader.
 */
final class SharedValues {

  // Token counts: one Long per value below 65,536, shared by every reader (a Long is immutable, so
  // a race only makes two equal ones), instead of one per span.
  private static final Long[] COUNTS = new Long[1 << 16];
  private static final int MAX_SINGLETONS = 64;

  // Finish reasons are nearly always one of a few: one list per distinct single reason.
  private final Map<String, List<Object>> singletons = new IdentityHashMap<>();

  /** {@code value} as a Long, the same one for every count below 65,536. */
  static Long count(long value) {
    if (value < 0 || value >= COUNTS.length) {
      return value;
    }
    Long count = COUNTS[(int) value];
    if (count == null) {
      count = value;
      COUNTS[(int) value] = count;
    }
    return count;
  }

  /** An immutable copy of {@code values}, strings (interned by the reader), the same for a single reason seen before. */
  List<Object> list(List<Object> values) {
    if (values.size() != 1) {
      return List.copyOf(values);
    }
    List<Object> one = singletons.get(values.get(0));
    if (one == null) {
      one = List.of(values.get(0));
      if (singletons.size() < MAX_SINGLETONS) {
        singletons.put((String) values.get(0), one);
      }
    }
    return one;
  }
}
