package dev.cabtrace.replay.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
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
   * {@code LinkedHashMap.put} does.
   */
  public static CompactAttributes of(Object[] keysAndValues, int length) {
    if (length == 0) {
      return EMPTY;
    }
    int kept = 0;
    Object[] out = new Object[length];
    for (int i = 0; i < length; i += 2) {
      int existing = indexOf(out, kept, keysAndValues[i]);
      if (existing >= 0) {
        out[existing + 1] = keysAndValues[i + 1];
      } else {
        out[kept++] = keysAndValues[i];
        out[kept++] = keysAndValues[i + 1];
      }
    }
    if (kept < out.length) {
      Object[] trimmed = new Object[kept];
      System.arraycopy(out, 0, trimmed, 0, kept);
      out = trimmed;
    }
    return new CompactAttributes(out);
  }

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
            Entry<String, Object> entry =
                Map.entry((String) keysAndValues[next], keysAndValues[next + 1]);
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
