package dev.cabtrace.replay.read;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings made from UTF-8 bytes, one instance per distinct short string: span names and attribute
 * values repeat across a million spans, so a repeat costs a hash of its bytes and no allocation.
 */
final class ByteStrings {

  private static final int MAX_LENGTH = 128;
  private static final int CAPACITY = 1 << 14;

  private final byte[][] keys = new byte[CAPACITY][];
  private final String[] values = new String[CAPACITY];
  private int size;

  /** The string of the bytes from {@code start} to {@code end}, which are well-formed UTF-8. */
  String get(byte[] b, int start, int end) {
    int length = end - start;
    if (length > MAX_LENGTH) {
      return new String(b, start, length, StandardCharsets.UTF_8);
    }
    int hash = 0x9E3779B9;
    for (int i = start; i < end; i++) {
      hash = (hash ^ b[i]) * 0x01000193;
    }
    int mask = CAPACITY - 1;
    for (int slot = (hash ^ (hash >>> 16)) & mask, probes = 0; probes < 8; slot = (slot + 1) & mask, probes++) {
      byte[] key = keys[slot];
      if (key == null) {
        String value = new String(b, start, length, StandardCharsets.UTF_8);
        if (size < CAPACITY / 2) {
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
}
