package dev.cabtrace.replay.internal;

/**
 * One line of text built as UTF-8 bytes, with its length in chars (UTF-16 units, as a {@link
 * String} counts them) for the padding of table columns: {@code show} writes a million lines, and
 * building them as bytes spares encoding each one again. Text is encoded as the JDK's UTF-8 encoder
 * encodes it: an unpaired surrogate becomes {@code ?}. Internal: shared by cab-trace's own packages,
 * not part of its API; it may change without notice.
 */
public final class Utf8Line {

  private byte[] bytes = new byte[512];
  private int length;
  private int chars;

  /** Empties the line. */
  public Utf8Line clear() {
    length = 0;
    chars = 0;
    return this;
  }

  /** Its bytes: the first {@link #length()} of them. */
  public byte[] bytes() {
    return bytes;
  }

  /** Its length in bytes. */
  public int length() {
    return length;
  }

  /** Its length in chars, as {@link String#length()} counts them. */
  public int chars() {
    return chars;
  }

  /** Cuts the line back to {@code length} bytes holding {@code chars} chars (a length it had before). */
  public void truncate(int length, int chars) {
    this.length = length;
    this.chars = chars;
  }

  /** Room for {@code more} bytes. */
  public void ensure(int more) {
    if (bytes.length - length < more) {
      bytes = java.util.Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + more));
    }
  }

  /** Appends an ASCII character. */
  public Utf8Line ascii(char c) {
    ensure(1);
    bytes[length++] = (byte) c;
    chars++;
    return this;
  }

  /** Appends {@code count} spaces. */
  public Utf8Line spaces(int count) {
    if (count > 0) {
      ensure(count);
      java.util.Arrays.fill(bytes, length, length + count, (byte) ' ');
      length += count;
      chars += count;
    }
    return this;
  }

  /** Appends {@code b[from, to)}, which the caller knows to be ASCII. */
  public Utf8Line ascii(byte[] b, int from, int to) {
    int n = to - from;
    ensure(n);
    System.arraycopy(b, from, bytes, length, n);
    length += n;
    chars += n;
    return this;
  }

  /** Appends UTF-8 bytes already encoded, which hold {@code charCount} chars. */
  public Utf8Line utf8(byte[] b, int charCount) {
    ensure(b.length);
    System.arraycopy(b, 0, bytes, length, b.length);
    length += b.length;
    chars += charCount;
    return this;
  }

  /** Appends a number's decimal text. */
  public Utf8Line number(long value) {
    if (value < 0) {
      if (value == Long.MIN_VALUE) {
        return text(Long.toString(value));
      }
      ascii('-');
      value = -value;
    }
    int digits = 1;
    for (long rest = value; rest >= 10; rest /= 10) {
      digits++;
    }
    ensure(digits);
    for (int p = length + digits - 1; p >= length; p--) {
      bytes[p] = (byte) ('0' + value % 10);
      value /= 10;
    }
    length += digits;
    chars += digits;
    return this;
  }

  /** Appends any text, encoded. */
  public Utf8Line text(CharSequence text) {
    int n = text.length();
    ensure(3 * n);
    byte[] b = bytes;
    int p = length;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (!Character.isSurrogate(c)) {
        b[p++] = (byte) (0xe0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        int code = Character.toCodePoint(c, text.charAt(++i));
        b[p++] = (byte) (0xf0 | (code >> 18));
        b[p++] = (byte) (0x80 | ((code >> 12) & 0x3f));
        b[p++] = (byte) (0x80 | ((code >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (code & 0x3f));
      } else {
        b[p++] = '?';
      }
    }
    length = p;
    chars += n;
    return this;
  }

  /** Removes trailing whitespace ({@link Character#isWhitespace}). */
  public void trimTrailingWhitespace() {
    while (length > 0) {
      int last = length - 1;
      int b = bytes[last] & 0xff;
      if (b < 0x80) {
        if (!Character.isWhitespace(b)) {
          return;
        }
        length--;
        chars--;
        continue;
      }
      int lead = last;
      while (lead > 0 && (bytes[lead] & 0xc0) == 0x80) {
        lead--;
      }
      int code = bytes[lead] & (0x7f >> (last - lead + 1));
      for (int k = lead + 1; k <= last; k++) {
        code = (code << 6) | (bytes[k] & 0x3f);
      }
      if (!Character.isWhitespace(code)) {
        return; // no whitespace is outside the Basic Multilingual Plane: one char
      }
      length = lead;
      chars--;
    }
  }
}
