package dev.cabtrace.replay.internal;

import io.opentelemetry.api.common.AttributeKey;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The strings of one request by their bytes, and the attribute keys made of them: spans of one
 * request repeat the same keys, names and short values, so each is decoded (and each key made)
 * once. A slot holds the latest text that hashed to it.
 */
final class TextCache {
  private static final int SLOTS = 256;

  /** Whether strings are WTF-8, as {@link Wtf8} writes an OTLP/JSON request that needs it. */
  private final boolean wtf8;

  private final int[] at = new int[SLOTS];
  private final int[] lengths = new int[SLOTS];
  private final String[] texts = new String[SLOTS];
  private final AttributeKey<?>[] keys = new AttributeKey<?>[SLOTS];
  private final AnyValueKind[] keyKinds = new AnyValueKind[SLOTS];
  private byte[] source;

  TextCache(boolean wtf8) {
    this.wtf8 = wtf8;
  }

  String text(byte[] bytes, int offset, int length) throws ProtoSpans.Malformed {
    int slot = slot(bytes, offset, length);
    if (texts[slot] != null && same(bytes, offset, length, slot)) {
      return texts[slot];
    }
    String text = decode(bytes, offset, length, wtf8);
    source = bytes;
    at[slot] = offset;
    lengths[slot] = length;
    texts[slot] = text;
    keys[slot] = null;
    return text;
  }

  AttributeKey<?> key(byte[] bytes, int offset, int length, AnyValueKind kind) throws ProtoSpans.Malformed {
    String name = text(bytes, offset, length);
    int slot = slot(bytes, offset, length);
    if (texts[slot] != name) {
      return key(name, kind);
    }
    if (keys[slot] == null || keyKinds[slot] != kind) {
      keys[slot] = key(name, kind);
      keyKinds[slot] = kind;
    }
    return keys[slot];
  }

  private static AttributeKey<?> key(String name, AnyValueKind kind) {
    switch (kind) {
      case BOOL:
        return AttributeKey.booleanKey(name);
      case INT:
        return AttributeKey.longKey(name);
      case DOUBLE:
        return AttributeKey.doubleKey(name);
      case STRING_ARRAY:
        return AttributeKey.stringArrayKey(name);
      case BOOL_ARRAY:
        return AttributeKey.booleanArrayKey(name);
      case INT_ARRAY:
        return AttributeKey.longArrayKey(name);
      case DOUBLE_ARRAY:
        return AttributeKey.doubleArrayKey(name);
      default:
        return AttributeKey.stringKey(name);
    }
  }

  private boolean same(byte[] bytes, int offset, int length, int slot) {
    return source == bytes && lengths[slot] == length
        && Arrays.equals(bytes, offset, offset + length, bytes, at[slot], at[slot] + length);
  }

  private static int slot(byte[] bytes, int offset, int length) {
    int hash = length;
    for (int i = offset; i < offset + length; i++) {
      hash = 31 * hash + bytes[i];
    }
    return (hash ^ (hash >>> 16)) & (SLOTS - 1);
  }

  static String decode(byte[] bytes, int offset, int length, boolean wtf8) throws ProtoSpans.Malformed {
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] < 0) {
        if (wtf8) {
          return Wtf8.decode(bytes, offset, length);
        }
        try {
          return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
          throw new ProtoSpans.Malformed("a string field is not UTF-8");
        }
      }
    }
    return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
  }
}
