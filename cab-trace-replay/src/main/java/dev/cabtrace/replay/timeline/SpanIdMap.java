package dev.cabtrace.replay.timeline;

/**
 * Span ids to positions, open addressing on primitive arrays: a million spans, no boxing. Trace
 * ids are numbered as they are first seen, so a slot is two longs side by side (the span id; the
 * trace's number and the position): a lookup in a table far larger than the CPU's caches costs one
 * cache miss, and a million spans 32 MB. Spans come a trace at a time, so the last trace id looked
 * up is remembered.
 */
final class SpanIdMap {

  private long[] slots = new long[2 * 32]; // span id (0: empty), trace number << 32 | position
  private int size;

  private long[] traceIds = new long[2 * 4]; // high, low
  private int[] traceNumbers = new int[4]; // number + 1 (0: empty)
  private int traces;
  private long lastHigh;
  private long lastLow;
  private int lastNumber = -1;

  int get(long high, long low, long spanId) {
    if (spanId == 0) {
      return -1;
    }
    int trace = trace(high, low, false);
    if (trace < 0) {
      return -1;
    }
    long[] table = slots;
    int mask = table.length / 2 - 1;
    for (int slot = hash(spanId, trace) & mask; ; slot = (slot + 1) & mask) {
      long stored = table[2 * slot];
      if (stored == 0) {
        return -1;
      }
      long packed = table[2 * slot + 1];
      if (stored == spanId && (int) (packed >>> 32) == trace) {
        return (int) packed;
      }
    }
  }

  /** Maps a span id, which must not be 0 (an invalid id) and must not be in yet. */
  void put(long high, long low, long spanId, int value) {
    if (spanId == 0) {
      throw new IllegalArgumentException("span id 0 is invalid");
    }
    if ((size + 1) * 2 > slots.length / 2) {
      grow();
    }
    int trace = trace(high, low, true);
    insert(slots, spanId, ((long) trace << 32) | (value & 0xFFFFFFFFL), trace);
    size++;
  }

  private static void insert(long[] table, long spanId, long packed, int trace) {
    int mask = table.length / 2 - 1;
    int slot = hash(spanId, trace) & mask;
    while (table[2 * slot] != 0) {
      slot = (slot + 1) & mask;
    }
    table[2 * slot] = spanId;
    table[2 * slot + 1] = packed;
  }

  /** Makes room for {@code entries} in all, at most half the slots full, in one table. */
  void ensureCapacity(int entries) {
    long slotsNeeded = Math.max(32, Long.highestOneBit(Math.max(1, 2L * entries - 1)) << 1);
    if (2 * slotsNeeded > slots.length && 2 * slotsNeeded <= 1 << 30) {
      rehash(2 * (int) slotsNeeded);
    }
  }

  private void grow() {
    rehash(slots.length * 2);
  }

  private void rehash(int length) {
    long[] old = slots;
    long[] table = new long[length];
    for (int at = 0; at < old.length; at += 2) {
      if (old[at] != 0) {
        insert(table, old[at], old[at + 1], (int) (old[at + 1] >>> 32));
      }
    }
    slots = table;
  }

  /** The trace's number; -1 when it is new and {@code add} is false. */
  private int trace(long high, long low, boolean add) {
    if (lastNumber >= 0 && high == lastHigh && low == lastLow) {
      return lastNumber;
    }
    int mask = traceNumbers.length - 1;
    int slot = hash(low, (int) high) & mask;
    while (traceNumbers[slot] != 0) {
      if (traceIds[2 * slot] == high && traceIds[2 * slot + 1] == low) {
        return remember(high, low, traceNumbers[slot] - 1);
      }
      slot = (slot + 1) & mask;
    }
    if (!add) {
      return -1;
    }
    if ((traces + 1) * 2 > traceNumbers.length) {
      growTraces();
      return trace(high, low, true);
    }
    traceIds[2 * slot] = high;
    traceIds[2 * slot + 1] = low;
    traceNumbers[slot] = ++traces;
    return remember(high, low, traces - 1);
  }

  private int remember(long high, long low, int number) {
    lastHigh = high;
    lastLow = low;
    lastNumber = number;
    return number;
  }

  private void growTraces() {
    long[] oldIds = traceIds;
    int[] oldNumbers = traceNumbers;
    traceIds = new long[oldIds.length * 2];
    traceNumbers = new int[oldNumbers.length * 2];
    int mask = traceNumbers.length - 1;
    for (int i = 0; i < oldNumbers.length; i++) {
      if (oldNumbers[i] != 0) {
        int slot = hash(oldIds[2 * i + 1], (int) oldIds[2 * i]) & mask;
        while (traceNumbers[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        traceIds[2 * slot] = oldIds[2 * i];
        traceIds[2 * slot + 1] = oldIds[2 * i + 1];
        traceNumbers[slot] = oldNumbers[i];
      }
    }
  }

  private static int hash(long id, int trace) {
    long h = (id ^ (trace * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }
}
