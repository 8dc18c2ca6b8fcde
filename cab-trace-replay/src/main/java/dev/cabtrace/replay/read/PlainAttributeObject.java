package dev.cabtrace.replay.read;

import dev.cabtrace.replay.internal.PlainAttributeVisitor;
import dev.cabtrace.replay.internal.Utf8Line;
import java.io.IOException;

/**
 * A span's plain attributes handed to a visitor ({@link LazyAttributes#visitPlain}): taken first
 * as the compact object {@link PlainAttributeJson} makes, which checks them whole (a list found not
 * plain at its last attribute hands nothing on), then told from that object. Its text needs no
 * parser: every string in it is printable ASCII with no quote or backslash. One a thread.
 */
final class PlainAttributeObject {

  /** A buffer grown past this by a long list is not kept for the next one. */
  private static final int KEPT_BYTES = 1 << 20;

  private final PlainAttributeJson json = new PlainAttributeJson();
  private final ByteStrings keys = new ByteStrings();
  private Utf8Line object = new Utf8Line();
  private boolean visiting;

  /**
   * Takes the plain list {@code b[from, to)} (its hot values {@code hot}, {@code hotBits}), without
   * the attribute named {@code leftOut}, for {@link #tell}: false when it is not plain. Copies what
   * it needs, so that the bytes (a file's window, under its lock) are let go before the visitor,
   * which writes output, is told anything.
   */
  boolean take(byte[] b, int from, int to, byte[] leftOut, Object[] hot, int hotBits) {
    if (visiting) {
      throw new IllegalStateException("a visitor of plain attributes asked for attributes itself");
    }
    object.clear();
    boolean plain = json.write(b, from, to, leftOut, hot, hotBits, object, Integer.MAX_VALUE) >= 0;
    if (!plain) {
      forgetIfLarge(); // part of a long list may have been written before it failed
    }
    return plain;
  }

  /** Tells {@code visitor} the list taken last. */
  void tell(PlainAttributeVisitor visitor) throws IOException {
    visiting = true;
    try {
      tell(object.bytes(), visitor);
    } finally {
      visiting = false;
      forgetIfLarge();
    }
  }

  private void forgetIfLarge() {
    if (object.bytes().length > KEPT_BYTES) {
      object = new Utf8Line();
    }
  }

  /** Tells {@code visitor} the object {@code {"key":value,...}} at the start of {@code o}. */
  private void tell(byte[] o, PlainAttributeVisitor visitor) throws IOException {
    int i = 1;
    if (o[i] == '}') {
      return;
    }
    while (true) {
      int keyEnd = quote(o, i + 1);
      visitor.key(keys.get(o, i + 1, keyEnd));
      i = keyEnd + 2; // past the quote and the colon
      byte c = o[i];
      if (c == '"') {
        int end = quote(o, i + 1);
        visitor.string(o, i + 1, end);
        i = end + 1;
      } else if (c == '[') {
        visitor.startList();
        i++;
        while (o[i] != ']') {
          int end = quote(o, i + 1);
          visitor.string(o, i + 1, end);
          i = o[end + 1] == ',' ? end + 2 : end + 1;
        }
        visitor.endList();
        i++;
      } else if (c == 't') {
        visitor.bool(true);
        i += 4;
      } else if (c == 'f') {
        visitor.bool(false);
        i += 5;
      } else {
        long value = 0;
        for (; o[i] >= '0' && o[i] <= '9'; i++) {
          value = value * 10 + (o[i] - '0');
        }
        visitor.number(value);
      }
      if (o[i] == '}') {
        return;
      }
      i++; // the comma
    }
  }

  /** The position of the quote that ends the string whose text starts at {@code i}. */
  private static int quote(byte[] o, int i) {
    while (o[i] != '"') {
      i++;
    }
    return i;
  }
}
