package dev.cabtrace.replay.internal;

import java.io.IOException;

/**
 * What is told of a span's plain attributes ({@link AttributeBytes#visitPlain}), one call a key,
 * value or list bound, in recorded order: each key, then its value, a list's strings between
 * {@link #startList} and {@link #endList}. Text comes as its bytes, printable ASCII with no quote
 * or backslash. Internal: shared by cab-trace's own packages, not part of its API; it may change
 * without notice.
 */
public interface PlainAttributeVisitor {

  /** An attribute's key. */
  void key(String key) throws IOException;

  /** A string value, or a list's item: the text {@code b[start, end)}. */
  void string(byte[] b, int start, int end) throws IOException;

  /** An integer value, never negative. */
  void number(long value) throws IOException;

  /** A boolean value. */
  void bool(boolean value) throws IOException;

  /** A list value begins: its strings follow. */
  void startList() throws IOException;

  /** The list value ends. */
  void endList() throws IOException;
}
