package dev.cabtrace.replay.internal;

/**
 * A span's attributes still held as the bytes they were read from, which can be written as JSON
 * without being decoded. Internal: shared by cab-trace's own packages, not part of its API; it may
 * change without notice.
 */
public interface AttributeBytes {

  /**
   * Appends the attributes to {@code out} as one compact JSON object ({@code {"key":"text","n":1}},
   * in recorded order, without the attribute named by the ASCII bytes {@code leftOut}), keeping at
   * most {@code limit} bytes of it, when they are plain: every key and string printable ASCII with
   * no quote or backslash, numbers non-negative integers, booleans, lists of such strings, no key
   * twice. Returns the length of the whole object, or -1 when they are not plain; {@code out} may
   * then hold part of it, and the caller writes the decoded map instead.
   */
  int appendPlainJson(Utf8Line out, byte[] leftOut, int limit);

  /**
   * Hands the attributes to {@code visitor}, in recorded order and without the one named by the
   * ASCII bytes {@code leftOut} (none when null), when they are plain as {@link #appendPlainJson}
   * has it; returns false, having handed it nothing, when they are not, and the caller writes the
   * decoded map instead. The visitor must not ask for attributes of its own meanwhile.
   */
  boolean visitPlain(byte[] leftOut, PlainAttributeVisitor visitor) throws java.io.IOException;
}
