package dev.cabtrace.sdk.persist;

/**
 * The JSON text of strings written before, by identity: spans repeat the very same strings (their
 * names, a model's name, a container's image, a tool's name), and a string never changes. A string
 * is kept encoded the second time it is seen, so that the strings seen once (a request's hash, a
 * tool's arguments) cost a slot and no copy. Each slot holds the last string that fell into it.
 * Not thread-safe: one per encoder, as its buffer.
 */
final class EncodedStrings {

  /** Longer strings are written each time: a slot must not keep a tool's whole output alive. */
  private static final int MAX_LENGTH = 256;

  private record Encoded(String text, byte[] json) {}

  private final LineBuffer out;
  private final Encoded[] slots = new Encoded[1024]; // a power of two

  EncodedStrings(LineBuffer out) {
    this.out = out;
  }

  /** {@code text} as a quoted, escaped JSON string, as {@link LineBuffer#writeString} writes it. */
  void write(String text) {
    if (text.length() > MAX_LENGTH) {
      out.writeString(text);
      return;
    }
    int slot = System.identityHashCode(text) & (slots.length - 1);
    Encoded known = slots[slot];
    if (known != null && known.text() == text && known.json() != null) {
      out.write(known.json());
      return;
    }
    int start = out.size();
    out.writeString(text);
    boolean again = known != null && known.text() == text;
    slots[slot] = new Encoded(text, again ? out.copyFrom(start) : null);
  }
}
