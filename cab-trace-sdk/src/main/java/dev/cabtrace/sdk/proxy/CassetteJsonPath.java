package dev.cabtrace.sdk.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSONPath naming request fields a cassette leaves out when it matches requests: {@code
 * $.metadata.request_id}, {@code $.messages[*].id}, {@code $.messages[0].id}, {@code
 * $['odd.name']}, {@code $.metadata.*}. Supported: the root {@code $} followed by {@code .name},
 * {@code ['name']} or {@code ["name"]}, {@code [n]}, and {@code .*} or {@code [*]}; no recursive
 * descent, filters or slices.
 */
final class CassetteJsonPath {

  private static final Object ANY = new Object();

  private final String text;
  /** A String (member name), an Integer (array index) or {@link #ANY}. */
  private final List<Object> segments;

  private CassetteJsonPath(String text, List<Object> segments) {
    this.text = text;
    this.segments = segments;
  }

  /** Parses {@code path}; throws IllegalArgumentException, saying why, on what it does not support. */
  static CassetteJsonPath parse(String path) {
    if (!path.startsWith("$")) {
      throw invalid(path, "it must start with $");
    }
    List<Object> segments = new ArrayList<>();
    int i = 1;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        i++;
        if (i < path.length() && path.charAt(i) == '*') {
          segments.add(ANY);
          i++;
          continue;
        }
        int end = i;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        if (end == i) {
          throw invalid(path, "an empty name at " + i + " (recursive descent .. is not supported)");
        }
        segments.add(path.substring(i, end));
        i = end;
      } else if (c == '[') {
        int close = path.indexOf(']', i);
        if (close < 0) {
          throw invalid(path, "[ at " + i + " is not closed");
        }
        String inside = path.substring(i + 1, close).trim();
        if (inside.equals("*")) {
          segments.add(ANY);
        } else if (inside.length() >= 2 && (inside.charAt(0) == '\'' || inside.charAt(0) == '"')
            && inside.charAt(inside.length() - 1) == inside.charAt(0)) {
          segments.add(inside.substring(1, inside.length() - 1));
        } else {
          try {
            int index = Integer.parseInt(inside);
            if (index < 0) {
              throw invalid(path, "negative index " + index);
            }
            segments.add(index);
          } catch (NumberFormatException e) {
            throw invalid(path, "[" + inside + "] is neither a quoted name, an index nor *");
          }
        }
        i = close + 1;
      } else {
        throw invalid(path, "unexpected '" + c + "' at " + i);
      }
    }
    if (segments.isEmpty()) {
      throw invalid(path, "it names the whole body");
    }
    return new CassetteJsonPath(path, List.copyOf(segments));
  }

  private static IllegalArgumentException invalid(String path, String why) {
    return new IllegalArgumentException("cassette ignore path \"" + path + "\" is not supported: " + why);
  }

  /** Removes what the path names from {@code tree} (a {@link CassetteJson} tree, changed in place). */
  void removeFrom(Object tree) {
    remove(tree, 0);
  }

  @SuppressWarnings("unchecked")
  private void remove(Object node, int depth) {
    Object segment = segments.get(depth);
    boolean last = depth == segments.size() - 1;
    if (node instanceof Map) {
      Map<String, Object> object = (Map<String, Object>) node;
      if (segment == ANY) {
        if (last) {
          object.clear();
        } else {
          for (Object child : object.values()) {
            remove(child, depth + 1);
          }
        }
      } else if (segment instanceof String) {
        if (last) {
          object.remove(segment);
        } else if (object.containsKey(segment)) {
          remove(object.get(segment), depth + 1);
        }
      }
    } else if (node instanceof List) {
      List<Object> array = (List<Object>) node;
      if (segment == ANY) {
        if (last) {
          array.clear();
        } else {
          for (Object child : array) {
            remove(child, depth + 1);
          }
        }
      } else if (segment instanceof Integer) {
        int index = (Integer) segment;
        if (index < array.size()) {
          if (last) {
            array.remove(index);
          } else {
            remove(array.get(index), depth + 1);
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
