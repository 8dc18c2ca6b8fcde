package dev.cabtrace.replay.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map of a span's attributes in recorded order, kept as one array of alternating keys
 * and values: a trace of a million spans holds a million of these, and {@code show} decodes a
 * million from the file. Internal: shared by cab-trace's own packages, not part of its API; it may
 * change without notice.
 */
public final class CompactAttributes extends AbstractMap<String, Object> {

  private static final CompactAttributes EMPTY = new CompactAttributes(new Object[0]);

  private final Object[] keysAndValues;

  private CompactAttributes(Object[] keysAndValues) {
    this.keysAndValues = keysAndValues;
  }

  /**
   * The first {@code length} elements of {@code keysAndValues} (copied: the array may be reused),
   * keys at even positions; a later key replaces an earlier one's value where that one was, as
   * {@code LinkedHashMap.put} does. Linear in {@code length}: beyond a few keys, the keys seen are
   * found in a hash map, not by a scan of those before (a span of 300,000 attributes took minutes).
   */
  public static CompactAttributes of(Object[] keysAndValues, int length) {
    if (length == 0) {
      return EMPTY;
    }
    int kept = 0;
    Object[] out = new Object[length];
    if (length <= 2 * SCANNED_KEYS) {
      for (int i = 0; i < length; i += 2) {
        int existing = indexOf(out, kept, keysAndValues[i]);
        if (existing >= 0) {
          out[existing + 1] = keysAndValues[i + 1];
        } else {
          out[kept++] = keysAndValues[i];
          out[kept++] = keysAndValues[i + 1];
        }
      }
    } else {
      // Keys are strings: a HashMap keeps even keys made to share a hash apart (in a tree).
      Map<Object, Integer> positions = new HashMap<>(length);
      for (int i = 0; i < length; i += 2) {
        Object key = keysAndValues[i];
        Integer existing = key == null ? null : positions.putIfAbsent(key, kept);
        if (existing != null) {
          out[existing + 1] = keysAndValues[i + 1];
        } else {
          out[kept++] = key;
          out[kept++] = keysAndValues[i + 1];
        }
      }
    }
    if (kept < out.length) {
      Object[] trimmed = new Object[kept];
      System.arraycopy(out, 0, trimmed, 0, kept);
      out = trimmed;
    }
    return new CompactAttributes(out);
  }

  /** Up to this many keys, a key is looked for among the others by a scan: no map to make. */
  private static final int SCANNED_KEYS = 16;

  private static int indexOf(Object[] array, int length, Object key) {
    if (key == null) {
      return -1; // no attribute has a null key: absent, as a LinkedHashMap says
    }
    // Keys are interned by the readers: identity answers almost every lookup.
    for (int i = 0; i < length; i += 2) {
      if (array[i] == key) {
        return i;
      }
    }
    int hash = key.hashCode();
    for (int i = 0; i < length; i += 2) {
      if (array[i].hashCode() == hash && array[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Object get(Object key) {
    int index = indexOf(keysAndValues, keysAndValues.length, key);
    return index < 0 ? null : keysAndValues[index + 1];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(keysAndValues, keysAndValues.length, key) >= 0;
  }

  /**
   * As {@link AbstractMap#equals}, without its lookup of each key in the other map: on a map of
   * many attributes, each lookup here is a scan, and two resources of 100,000 attributes compared
   * so would take hours.
   */
  @Override
  public boolean equals(Object other) {
    if (other == this) {
      return true;
    }
    if (!(other instanceof Map<?, ?>) || ((Map<?, ?>) other).size() != size()) {
      return false;
    }
    if (size() <= SCANNED_KEYS) {
      return super.equals(other);
    }
    Map<Object, Object> mine = new HashMap<>(keysAndValues.length);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      mine.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    for (Map.Entry<?, ?> entry : ((Map<?, ?>) other).entrySet()) {
      Object value = mine.get(entry.getKey());
      if (!Objects.equals(value, entry.getValue()) || (value == null && !mine.containsKey(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int size() {
    return keysAndValues.length / 2;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keysAndValues.length;
          }

          @Override
          public Entry<String, Object> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            // Not Map.entry: a value may be null (an AnyValue with no value).
            Entry<String, Object> entry =
                new AbstractMap.SimpleImmutableEntry<>((String) keysAndValues[next], keysAndValues[next + 1]);
            next += 2;
            return entry;
          }
        };
      }

      @Override
      public int size() {
        return keysAndValues.length / 2;
      }
    };
  }
}
