package dev.cabtrace.replay.timeline;

import dev.cabtrace.replay.internal.SeededHash;
import java.util.Arrays;

/**
 * Span ids to positions, open addressing on primitive arrays: a million spans, no boxing. Each
 * trace (numbered as first seen) has a table of its own, a slot two longs side by side (the span
 * id; the position, or for a streaming builder, which keeps no positions, a fingerprint of the
 * span to compare a repeat with), or the id alone in a map that keeps no values (its tables are
 * then all it holds of a million spans). Spans come a trace at a time, so in a file of many traces the
 * table in use stays in the CPU's caches, where one table for all the spans of a million-span
 * file (32 MB) cost a cache and a TLB miss a lookup; a file of one big trace is one big table, as
 * before. The last trace id looked up is remembered.
 */
final class SpanIdMap {

  // A new trace's table is made big enough for as many spans as the trace before it had (the
  // traces of a file are alike), so that it rarely grows; within these bounds: two slots for a
  // file of one-span traces, 4 KB at most for a trace that turns out small. A file's first trace
  // gets room for a cell's dozen spans: a sweep reads ten thousand files of one trace each.
  private static final int FIRST_SLOTS = 2;
  private static final int FIRST_TRACE_SLOTS = 16;
  private static final int MAX_FIRST_SLOTS = 256;

  private long[][] tables = new long[4][]; // by trace number: span id (0: empty), position if kept
  // log2 of a slot's longs: 1 (id, position), or 0 (the id alone: no positions kept)
  private final int slotShift;
  private int[] sizes = new int[4];

  private long[] traceIds = new long[2 * 4]; // high, low
  private int[] traceNumbers = new int[4]; // number + 1 (0: empty)
  private int traces;
  private long lastHigh;
  private long lastLow;
  private int lastNumber = -1;

  /** A map of ids to positions. */
  SpanIdMap() {
    this(true);
  }

  /** With {@code positions} false, a set: {@link #get} gives 0 for every id in it. */
  SpanIdMap(boolean positions) {
    this.slotShift = positions ? 1 : 0;
  }

  int get(long high, long low, long spanId) {
    if (spanId == 0) {
      return -1;
    }
    int trace = trace(high, low, false);
    if (trace < 0) {
      return -1;
    }
    long[] table = tables[trace];
    int shift = slotShift;
    int mask = (table.length >> shift) - 1;
    for (int slot = hash(spanId) & mask; ; slot = (slot + 1) & mask) {
      long stored = table[slot << shift];
      if (stored == 0) {
        return -1;
      }
      if (stored == spanId) {
        return shift == 0 ? 0 : (int) table[(slot << 1) + 1];
      }
    }
  }

  /** Maps a span id, which must not be 0 (an invalid id) and must not be in yet. */
  void put(long high, long low, long spanId, int value) {
    if (spanId == 0) {
      throw new IllegalArgumentException("span id 0 is invalid");
    }
    int trace = trace(high, low, true);
    long[] table = tables[trace];
    // At most three slots in four full, so a probe always ends at an empty one.
    if ((sizes[trace] + 1) * 4L > (table.length >> slotShift) * 3L) {
      table = grown(table);
      tables[trace] = table;
    }
    insert(table, spanId, value);
    sizes[trace]++;
  }

  private void insert(long[] table, long spanId, long value) {
    int shift = slotShift;
    int mask = (table.length >> shift) - 1;
    int slot = hash(spanId) & mask;
    while (table[slot << shift] != 0) {
      slot = (slot + 1) & mask;
    }
    table[slot << shift] = spanId;
    if (shift != 0) {
      table[(slot << 1) + 1] = value;
    }
  }

  private long[] grown(long[] old) {
    long[] table = new long[old.length * 2];
    int step = 1 << slotShift;
    for (int at = 0; at < old.length; at += step) {
      if (old[at] != 0) {
        insert(table, old[at], step == 1 ? 0 : old[at + 1]);
      }
    }
    return table;
  }

  /** The trace's number; -1 when it is new and {@code add} is false. */
  private int trace(long high, long low, boolean add) {
    if (lastNumber >= 0 && high == lastHigh && low == lastLow) {
      return lastNumber;
    }
    int mask = traceNumbers.length - 1;
    int slot = traceHash(high, low) & mask;
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
    int number = traces - 1;
    if (number == tables.length) {
      tables = Arrays.copyOf(tables, 2 * number);
      sizes = Arrays.copyOf(sizes, 2 * number);
    }
    tables[number] = new long[(number == 0 ? FIRST_TRACE_SLOTS : firstSlots(sizes[number - 1])) << slotShift];
    return remember(high, low, number);
  }

  /** Slots enough for {@code spans} at most three in four full, within the bounds above. */
  private static int firstSlots(int spans) {
    int slots = FIRST_SLOTS;
    while (slots < MAX_FIRST_SLOTS && spans * 4L > slots * 3L) {
      slots *= 2;
    }
    return slots;
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
        int slot = traceHash(oldIds[2 * i], oldIds[2 * i + 1]) & mask;
        while (traceNumbers[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        traceIds[2 * slot] = oldIds[2 * i];
        traceIds[2 * slot + 1] = oldIds[2 * i + 1];
        traceNumbers[slot] = oldNumbers[i];
      }
    }
  }

  // Ids come from the traced program: seeded hashes, so that ids made to collide (or that share
  // their low bits) do not pile up in a few slots, where every lookup would probe them all.
  private static int hash(long id) {
    return (int) SeededHash.of(id);
  }

  private static int traceHash(long high, long low) {
    return (int) SeededHash.mix(low ^ SeededHash.of(high));
  }

  /** The most slots one lookup of an id in the table can probe; for the tests. */
  int longestProbe() {
    int longest = 0;
    for (int t = 0; t < traces; t++) {
      long[] table = tables[t];
      int slots = table.length >> slotShift;
      for (int slot = 0; slot < slots; slot++) {
        if (table[slot << slotShift] != 0) {
          int home = hash(table[slot << slotShift]) & (slots - 1);
          longest = Math.max(longest, ((slot - home) & (slots - 1)) + 1);
        }
      }
    }
    return longest;
  }
}
