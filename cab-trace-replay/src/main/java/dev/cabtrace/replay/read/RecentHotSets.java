package dev.cabtrace.replay.read;

/**
 * The hot attribute values of the spans a reader read lately, kept once per distinct set: spans
 * keep these arrays, and most spans' sets are a few (a tool call's kind), while a model call's set
 * (its token counts) is usually new. A set is given as a reader holds it: values by their key's
 * bit, and the bits of the keys present ({@link LazyAttributes#HOT_KEYS}). One per reader: not
 * thread-safe.
 */
final class RecentHotSets {

  private static final int SLOTS = 256;

  private final Object[][] sets = new Object[SLOTS][];
  private final int[] hashes = new int[SLOTS];
  private final int[] bits = new int[SLOTS];
  // The hot-only map made of a slot's set, once a ledger's stream asks for one.
  private final LazyAttributes[] maps = new LazyAttributes[SLOTS];

  /**
   * The values present in {@code byBit} (as {@code present} says), in the order of their bits: the
   * same array as for an equal set seen lately.
   */
  Object[] shared(Object[] byBit, int present) {
    return sets[slot(byBit, present)];
  }

  /** The set as all of a span's attributes (a ledger's stream): the same map for an equal set seen lately. */
  LazyAttributes onlyHot(Object[] byBit, int present) {
    int slot = slot(byBit, present);
    LazyAttributes map = maps[slot];
    if (map == null || map.hotArray() != sets[slot]) {
      map = new LazyAttributes(null, sets[slot], present);
      maps[slot] = map;
    }
    return map;
  }

  /** The slot that holds the set, put there if it was not. */
  private int slot(Object[] byBit, int present) {
    // Multiplied by an odd constant with its high bits set, not 31: with 31, token counts differing
    // by one and by 31 collide (a model call's set), and a rare equal hash of unequal sets costs
    // the compiled scanner a recompilation, its code having never seen one.
    int hash = present;
    for (int left = present; left != 0; left &= left - 1) {
      hash = (hash + byBit[Integer.numberOfTrailingZeros(left)].hashCode()) * 0x9E3779B9;
    }
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    // The hash first: a set seen long ago is far away in memory, and most model calls' sets are new.
    Object[] cached = sets[slot];
    if (cached == null || hashes[slot] != hash || bits[slot] != present || !sameValues(cached, byBit, present)) {
      sets[slot] = compact(byBit, present);
      hashes[slot] = hash;
      bits[slot] = present;
    }
    return slot;
  }

  private static boolean sameValues(Object[] cached, Object[] byBit, int present) {
    int k = 0;
    for (int left = present; left != 0; left &= left - 1) {
      if (!same(cached[k++], byBit[Integer.numberOfTrailingZeros(left)])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether two hot values are equal: the same instance (shared strings and counts), or counts
   * and strings compared as what they are. One {@code equals} call for values of every type would
   * see a third type late in a load and send the compiled reader back to the interpreter.
   */
  private static boolean same(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a instanceof Long) {
      return b instanceof Long && ((Long) a).longValue() == ((Long) b).longValue();
    }
    if (a instanceof String) {
      return ((String) a).equals(b);
    }
    return a.equals(b);
  }

  private static Object[] compact(Object[] byBit, int present) {
    Object[] values = new Object[Integer.bitCount(present)];
    int k = 0;
    for (int left = present; left != 0; left &= left - 1) {
      values[k++] = byBit[Integer.numberOfTrailingZeros(left)];
    }
    return values;
  }
}
