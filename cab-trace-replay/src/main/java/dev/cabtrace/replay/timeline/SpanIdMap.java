package dev.cabtrace.replay.timeline;

/** Span ids to positions, open addressing on primitive arrays: a million spans, no boxing. */
final class SpanIdMap {

  private long[] traceHigh = new long[32];
  private long[] traceLow = new long[32];
  private long[] spanIds = new long[32];
  private int[] values = new int[32];
  private int size;

  int get(long high, long low, long spanId) {
    int mask = spanIds.length - 1;
    for (int slot = hash(low, spanId) & mask; ; slot = (slot + 1) & mask) {
      if (values[slot] == 0) {
        return -1;
      }
      if (spanIds[slot] == spanId && traceLow[slot] == low && traceHigh[slot] == high) {
        return values[slot] - 1;
      }
    }
  }

  void put(long high, long low, long spanId, int value) {
    if ((size + 1) * 2 > spanIds.length) {
      grow();
    }
    insert(high, low, spanId, value + 1);
    size++;
  }

  private void insert(long high, long low, long spanId, int storedValue) {
    int mask = spanIds.length - 1;
    int slot = hash(low, spanId) & mask;
    while (values[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    traceHigh[slot] = high;
    traceLow[slot] = low;
    spanIds[slot] = spanId;
    values[slot] = storedValue;
  }

  private void grow() {
    long[] oldHigh = traceHigh;
    long[] oldLow = traceLow;
    long[] oldIds = spanIds;
    int[] oldValues = values;
    int capacity = oldIds.length * 2;
    traceHigh = new long[capacity];
    traceLow = new long[capacity];
    spanIds = new long[capacity];
    values = new int[capacity];
    for (int i = 0; i < oldIds.length; i++) {
      if (oldValues[i] != 0) {
        insert(oldHigh[i], oldLow[i], oldIds[i], oldValues[i]);
      }
    }
  }

  private static int hash(long low, long spanId) {
    long h = (spanId ^ (low * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }
}
