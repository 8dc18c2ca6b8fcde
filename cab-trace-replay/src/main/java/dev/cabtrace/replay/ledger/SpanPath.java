package dev.cabtrace.replay.ledger;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;

/**
 * A span's path in {@link TimelineDiff}: its parent's path and its own segment. Each path holds
 * only its segment and a link to its parent, so a tree of n spans n levels deep takes n segments,
 * not n²; the text of a whole path is built only when asked for. One object per path, shared by
 * both cells, so that a span of B finds its match in A by the path's identity.
 */
final class SpanPath {

  /** A child's segment, {@code kind:name}, and which of the siblings with that segment it is. */
  private record Step(String segment, int occurrence) {}

  private final SpanPath parent;
  private final String segment;
  private final int depth;
  private Map<Step, SpanPath> children;

  private SpanPath(SpanPath parent, String segment, int depth) {
    this.parent = parent;
    this.segment = segment;
    this.depth = depth;
  }

  /** The parent of every root: no segment. */
  static SpanPath root() {
    return new SpanPath(null, null, 0);
  }

  /** The path of this path's {@code occurrence}-th child (from 1) with {@code kind:name} {@code segment}. */
  SpanPath child(String segment, int occurrence) {
    if (children == null) {
      children = new HashMap<>();
    }
    return children.computeIfAbsent(new Step(segment, occurrence), step -> {
      String text = escaped(segment);
      return new SpanPath(this, occurrence == 1 ? text : text + "#" + occurrence, depth + 1);
    });
  }

  /**
   * {@code segment} with each {@code \} written {@code \\} and each {@code #} {@code \#}, so that
   * only an occurrence reads {@code #2}: a span named {@code x#2} is {@code x\#2}.
   */
  private static String escaped(String segment) {
    if (segment.indexOf('#') < 0 && segment.indexOf('\\') < 0) {
      return segment;
    }
    return segment.replace("\\", "\\\\").replace("#", "\\#");
  }

  /** The segments, root first, read from the path when asked for. */
  List<String> segments() {
    return new Segments(this);
  }

  private String[] toArray() {
    String[] segments = new String[depth];
    for (SpanPath path = this; path.parent != null; path = path.parent) {
      segments[path.depth - 1] = path.segment;
    }
    return segments;
  }

  /** A path as an unmodifiable list; iterating it walks the path once. */
  private static final class Segments extends AbstractList<String> {
    private final SpanPath path;

    Segments(SpanPath path) {
      this.path = path;
    }

    @Override
    public String get(int index) {
      if (index < 0 || index >= path.depth) {
        throw new IndexOutOfBoundsException("index " + index + " of a path of " + path.depth);
      }
      SpanPath at = path;
      while (at.depth > index + 1) {
        at = at.parent;
      }
      return at.segment;
    }

    @Override
    public int size() {
      return path.depth;
    }

    @Override
    public Iterator<String> iterator() {
      return listIterator(0);
    }

    @Override
    public ListIterator<String> listIterator(int index) {
      return List.of(path.toArray()).listIterator(index);
    }
  }
}
