package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import java.nio.charset.StandardCharsets;

/**
 * Walks JSON in a byte array object by object and array by array, handing each member or element
 * to a reader that knows what it means: what {@link OtlpLineScanner} and {@link
 * HotAttributeReader} share. Every method returns the position after what it read, or {@link
 * JsonBytes#FAIL}.
 */
abstract class JsonWalker {

  /** The bytes walked, and where they end. */
  byte[] b;
  int end;

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads a JSON array at {@code i} element by element. */
  final int array(int i, Element element) {
    i = JsonBytes.skipWhitespace(b, i + 1, end);
    if (i < end && b[i] == ']') {
      return i + 1;
    }
    while (true) {
      if (i >= end) {
        return FAIL;
      }
      i = afterMember(element.read(i), ']');
      if (i == FAIL) {
        return FAIL;
      }
      if (b[i - 1] == ']') {
        return i;
      }
    }
  }

  /** Reads a JSON object at {@code i} member by member. */
  final int object(int i, Member member) {
    if (i >= end || b[i] != '{') {
      return FAIL;
    }
    i = JsonBytes.skipWhitespace(b, i + 1, end);
    if (i < end && b[i] == '}') {
      return i + 1;
    }
    while (true) {
      int nameEnd = key(i);
      int value = nameEnd == FAIL ? FAIL : valueAfter(nameEnd);
      if (value == FAIL) {
        return FAIL;
      }
      i = afterMember(member.read(i + 1, nameEnd, value), '}');
      if (i == FAIL) {
        return FAIL;
      }
      if (b[i - 1] == '}') {
        return i;
      }
    }
  }

  interface Element {
    int read(int i);
  }

  /** Reads the value of the member named by the bytes from {@code name} to {@code nameEnd}. */
  interface Member {
    int read(int name, int nameEnd, int value);
  }

  /** A plain (escape-free) member name at {@code i}: the position of its closing quote. */
  final int key(int i) {
    if (i >= end || b[i] != '"') {
      return FAIL;
    }
    // Names are short ASCII: a plain loop beats word-at-a-time here.
    for (int j = i + 1; j < end; j++) {
      byte c = b[j];
      if (c == '"') {
        return j;
      }
      if (c == '\\' || c < 0x20) {
        break; // an escape, a control character, or not ASCII (negative)
      }
    }
    return JsonBytes.plainStringEnd(b, i, end);
  }

  final int valueAfter(int keyEnd) {
    return JsonBytes.valueAfterName(b, keyEnd, end);
  }

  final int afterMember(int i, char close) {
    return JsonBytes.afterMember(b, i, end, (byte) close);
  }
}
