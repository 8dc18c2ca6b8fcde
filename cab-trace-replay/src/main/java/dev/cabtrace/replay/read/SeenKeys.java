package dev.cabtrace.replay.read;

import dev.cabtrace.replay.internal.SeededHash;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The keys of the attribute list being read, as runs of its bytes, to find one written twice
 * (which the Jackson reader warns about: the line is its to read). A list of a few keys, as nearly
 * every span's, compares a key's fingerprint (its length and first and last eight bytes) with
 * those before it; past {@link #SCANNED} keys, they go into a table by a seeded hash of all their
 * bytes, so that a list of 300,000 keys costs 300,000 lookups, not their squares.
 */
final class SeenKeys {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int SCANNED = 16;
  /** A table grown past this for one huge list is not kept for the next. */
  private static final int KEPT_TABLE = 1 << 10;

  private int[] starts = new int[SCANNED];
  private int[] ends = new int[SCANNED];
  private int[] prints = new int[SCANNED];
  private int count;
  // Past SCANNED keys: each key's index + 1 in its hash's slot, and each key's hash.
  private int[] table;
  private int[] hashes;

  /** Forgets the keys of the list read before. */
  void clear() {
    if (count > SCANNED) {
      if (table.length > KEPT_TABLE) {
        table = null;
        hashes = null;
        starts = new int[SCANNED];
        ends = new int[SCANNED];
        prints = new int[SCANNED];
      } else {
        Arrays.fill(table, 0);
      }
    }
    count = 0;
  }

  /** Notes the key {@code b[start, end)}; whether the list had it already. */
  boolean add(byte[] b, int start, int end) {
    if (count < SCANNED) {
      int print = fingerprint(b, start, end);
      for (int k = 0; k < count; k++) {
        if (prints[k] == print && Arrays.equals(b, starts[k], ends[k], b, start, end)) {
          return true;
        }
      }
      starts[count] = start;
      ends[count] = end;
      prints[count++] = print;
      return false;
    }
    if (count == SCANNED) {
      grow(b);
    }
    int hash = (int) SeededHash.of(b, start, end);
    int mask = table.length - 1;
    int slot = hash & mask;
    for (int entry; (entry = table[slot]) != 0; slot = (slot + 1) & mask) {
      int k = entry - 1;
      if (hashes[k] == hash && Arrays.equals(b, starts[k], ends[k], b, start, end)) {
        return true;
      }
    }
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, 2 * count);
      ends = Arrays.copyOf(ends, 2 * count);
      hashes = Arrays.copyOf(hashes, 2 * count);
    }
    starts[count] = start;
    ends[count] = end;
    hashes[count] = hash;
    table[slot] = ++count;
    if (2 * count > table.length) {
      grow(b);
    }
    return false;
  }

  /** A table twice the keys' number or more, holding them all. */
  private void grow(byte[] b) {
    int size = Math.max(4 * SCANNED, Integer.highestOneBit(4 * count));
    if (table == null || table.length < size) {
      table = new int[size];
    } else {
      Arrays.fill(table, 0);
    }
    if (hashes == null || hashes.length < starts.length) {
      hashes = new int[starts.length];
    }
    int mask = table.length - 1;
    for (int k = 0; k < count; k++) {
      if (count == SCANNED) {
        hashes[k] = (int) SeededHash.of(b, starts[k], ends[k]); // first past the scanned few
      }
      int slot = hashes[k] & mask;
      while (table[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      table[slot] = k + 1;
    }
  }

  /** The key's length and its first and last eight bytes, mixed: equal keys have equal ones. */
  private static int fingerprint(byte[] b, int start, int end) {
    int length = end - start;
    long first;
    long last;
    if (length >= 8) {
      first = (long) LONGS.get(b, start);
      last = (long) LONGS.get(b, end - 8);
    } else {
      first = 0;
      for (int k = start; k < end; k++) {
        first = first << 8 | (b[k] & 0xFF);
      }
      last = 0;
    }
    long h = (first ^ Long.rotateLeft(last, 29) ^ length) * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32);
  }
}
