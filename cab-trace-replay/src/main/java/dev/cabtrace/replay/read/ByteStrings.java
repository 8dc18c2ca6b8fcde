package dev.cabtrace.replay.read;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings made from UTF-8 bytes, one instance per distinct short string: span names and attribute
 * values repeat across a million spans, so a repeat costs a hash of its bytes and no allocation.
 */
final class ByteStrings {

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private static final int MAX_LENGTH = 128;
  private static final int MAX_CAPACITY = 1 << 14;

  private byte[][] keys = new byte[64][];
  private String[] values = new String[64];
  private int size;

  /** The string of the bytes from {@code start} to {@code end}, which are well-formed UTF-8. */
  String get(byte[] b, int start, int end) {
    int length = end - start;
    if (length > MAX_LENGTH) {
      return new String(b, start, length, StandardCharsets.UTF_8);
    }
    int hash = hash(b, start, end);
    if (size * 2 >= keys.length && keys.length < MAX_CAPACITY) {
      grow();
    }
    int mask = keys.length - 1;
    for (int slot = slot(hash, mask), probes = 0; probes < 8; slot = (slot + 1) & mask, probes++) {
      byte[] key = keys[slot];
      if (key == null) {
        String value = new String(b, start, length, StandardCharsets.UTF_8);
        if (size * 2 < MAX_CAPACITY) {
          keys[slot] = Arrays.copyOfRange(b, start, end);
          values[slot] = value;
          size++;
        }
        return value;
      }
      if (key.length == length && Arrays.equals(key, 0, length, b, start, end)) {
        return values[slot];
      }
    }
    return new String(b, start, length, StandardCharsets.UTF_8);
  }

  // Not seeded: a lookup probes at most 8 slots, so strings made to collide only go uninterned.
  private static int hash(byte[] b, int start, int end) {
    long hash = 0x9E3779B97F4A7C15L ^ (end - start);
    int i = start;
    for (; i + 8 <= end; i += 8) {
      hash = (hash ^ (long) LONGS.get(b, i)) * 0xBF58476D1CE4E5B9L;
    }
    for (; i < end; i++) {
      hash = (hash ^ b[i]) * 0x94D049BB133111EBL;
    }
    return (int) (hash ^ (hash >>> 29));
  }

  private static int slot(int hash, int mask) {
    return (hash ^ (hash >>> 16)) & mask;
  }

  private void grow() {
    byte[][] oldKeys = keys;
    String[] oldValues = values;
    keys = new byte[oldKeys.length * 2][];
    values = new String[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        int slot = slot(hash(oldKeys[i], 0, oldKeys[i].length), mask);
        while (keys[slot] != null) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        values[slot] = oldValues[i];
      }
    }
  }
}
