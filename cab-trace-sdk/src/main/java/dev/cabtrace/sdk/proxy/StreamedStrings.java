package dev.cabtrace.sdk.proxy;

import dev.cabtrace.sdk.redact.Redaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The strings of an event stream's JSON documents ({@link CassetteJson} trees), read as the texts
 * a model streams in parts: the strings at one place, document after document, are one text. A
 * place is a string's path, except that an object with an integer {@code index} or {@code ..._index}
 * member is named by those members, and an array element that is such an object by them rather
 * than by its position: each chunk of OpenAI's chat stream holds the choice it continues at
 * position 0, its {@code index} saying which, and Anthropic's content blocks and the Responses
 * API's output items are told apart the same way. A key sent as {@code "OPENAI_AP"}, {@code
 * "I_KEY=sk-proj-Zq8v"}, {@code "LmN3..."} in three {@code delta.content}s is found in the text
 * they make, which no one of them holds.
 */
final class StreamedStrings {

  private static final char MEMBER = '\u0000';
  private static final char INDEX = '\u0001';
  private static final char ELEMENT = '\u0002';

  private final Predicate<String> secretName;
  private final List<Object> documents = new ArrayList<>();
  private final Map<String, List<Slot>> places = new LinkedHashMap<>();

  /** Strings under a member that {@code secretName} accepts are left out: they are masked whole. */
  StreamedStrings(Predicate<String> secretName) {
    this.secretName = secretName;
  }

  /** Adds the next document; {@link #mask} may change it. */
  void add(Object document) {
    documents.add(document);
    add(document, new StringBuilder(), documents, documents.size() - 1);
  }

  /** The {@code number}-th document added, masked once {@link #mask} ran. */
  Object document(int number) {
    return documents.get(number);
  }

  /** Masks the text of each place ({@link Redaction#redactPieces}) and puts its pieces back. */
  void mask(Redaction redaction) {
    for (List<Slot> slots : places.values()) {
      List<String> pieces = new ArrayList<>(slots.size());
      for (Slot slot : slots) {
        pieces.add(slot.value());
      }
      List<String> masked = redaction.redactPieces(pieces);
      if (masked != pieces) {
        for (int i = 0; i < slots.size(); i++) {
          slots.get(i).set(masked.get(i));
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void add(Object node, StringBuilder place, Object container, Object key) {
    int length = place.length();
    if (node instanceof Map) {
      Map<String, Object> object = (Map<String, Object>) node;
      appendIndices(object, place);
      int named = place.length();
      for (Map.Entry<String, Object> member : object.entrySet()) {
        if (!secretName.test(member.getKey())) {
          add(member.getValue(), place.append(MEMBER).append(member.getKey()), object, member.getKey());
          place.setLength(named);
        }
      }
    } else if (node instanceof List) {
      List<Object> array = (List<Object>) node;
      for (int i = 0; i < array.size(); i++) {
        Object element = array.get(i);
        place.append(ELEMENT);
        if (!(element instanceof Map && hasIndex((Map<String, Object>) element))) {
          place.append(i);
        }
        add(element, place, array, i);
        place.setLength(length);
      }
    } else if (node instanceof String) {
      places.computeIfAbsent(place.toString(), p -> new ArrayList<>())
          .add(new Slot(container, key, (String) node));
    }
    place.setLength(length);
  }

  private static boolean hasIndex(Map<String, Object> object) {
    for (Map.Entry<String, Object> member : object.entrySet()) {
      if (isIndex(member)) {
        return true;
      }
    }
    return false;
  }

  private static void appendIndices(Map<String, Object> object, StringBuilder place) {
    for (Map.Entry<String, Object> member : object.entrySet()) {
      if (isIndex(member)) {
        place.append(INDEX).append(member.getKey()).append('=')
            .append(((CassetteJson.JsonNumber) member.getValue()).text());
      }
    }
  }

  private static boolean isIndex(Map.Entry<String, Object> member) {
    return (member.getKey().equals("index") || member.getKey().endsWith("_index"))
        && member.getValue() instanceof CassetteJson.JsonNumber;
  }

  /** Where a string is in its document: a member of an object or an element of an array. */
  private record Slot(Object container, Object key, String value) {
    @SuppressWarnings("unchecked")
    void set(String masked) {
      if (container instanceof Map) {
        ((Map<String, Object>) container).put((String) key, masked);
      } else {
        ((List<Object>) container).set((Integer) key, masked);
      }
    }
  }
}
