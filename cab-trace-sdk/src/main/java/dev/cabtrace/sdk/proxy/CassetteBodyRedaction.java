package dev.cabtrace.sdk.proxy;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.sdk.redact.Redaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What redaction changes in a UTF-8 response body before it is stored. A JSON document, the whole
 * body or the data of an SSE {@code data:} line, is masked string by string as a request body is
 * (every string redacted, every string under a field with a secret name masked whole) and written
 * back compact: the text scanner run over the raw document would read {@code \"} as the end of a
 * value and mask "to the end of the line" through the document's own quotes and braces. The
 * strings of a stream's documents are redacted as the texts they are parts of ({@link
 * StreamedStrings}): a model streams a key it echoes in several deltas, none of which holds it. The
 * text around and between such documents is masked as text, each stretch as a whole.
 */
final class CassetteBodyRedaction {

  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

  private static boolean isJsonBlank(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  /** Bytes {@code [start, end)} of the body are stored as {@code bytes}. */
  record Replacement(int start, int end, byte[] bytes) {}

  private CassetteBodyRedaction() {}

  /** What to replace in {@code body} (valid UTF-8), in order and disjoint; empty when nothing is masked. */
  static List<Replacement> replacements(byte[] body, Redaction redaction) {
    List<Replacement> out = new ArrayList<>();
    // The document without the blanks around it, which are kept as they are (a final line break).
    int first = 0;
    int last = body.length;
    while (first < last && isJsonBlank(body[first])) {
      first++;
    }
    while (last > first && isJsonBlank(body[last - 1])) {
      last--;
    }
    Document whole = parsed(body, first, last);
    if (whole != null) {
      byte[] masked = written(whole, whole.tree, redaction::redact, redaction);
      if (masked == null) {
        maskText(body, first, last, redaction, out);
      } else {
        replace(body, first, last, masked, out);
      }
      return out;
    }
    StreamedStrings strings = new StreamedStrings(redaction::isSecretName);
    List<Document> documents = new ArrayList<>();
    int text = 0;
    for (int line = 0; line < body.length; ) {
      int end = line;
      while (end < body.length && body[end] != '\n' && body[end] != '\r') {
        end++;
      }
      if (startsWith(body, line, end, DATA)) {
        int data = line + DATA.length;
        if (data < end && body[data] == ' ') {
          data++;
        }
        Document document = parsed(body, data, end);
        if (document != null) {
          maskText(body, text, data, redaction, out);
          documents.add(document);
          strings.add(document.tree);
          text = end;
        }
      }
      line = end < body.length ? end + 1 : end;
    }
    maskText(body, text, body.length, redaction, out);
    // The documents' strings are masked as the texts they stream (each string alone too), so a
    // secret sent in parts is found; then each document is written back as one is on its own.
    strings.mask(redaction);
    for (int i = 0; i < documents.size(); i++) {
      Document document = documents.get(i);
      byte[] masked = written(document, strings.document(i), null, redaction);
      if (masked == null) {
        maskText(body, document.start, document.end, redaction, out);
      } else {
        replace(body, document.start, document.end, masked, out);
      }
    }
    out.sort(Comparator.comparingInt(Replacement::start));
    return out;
  }

  /** {@code body} with {@code replacements} made. */
  static byte[] apply(byte[] body, List<Replacement> replacements) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
    int copied = 0;
    for (Replacement replacement : replacements) {
      out.write(body, copied, replacement.start - copied);
      out.writeBytes(replacement.bytes);
      copied = replacement.end;
    }
    out.write(body, copied, body.length - copied);
    return out.toByteArray();
  }

  /**
   * {@code chunks} with {@code replacements} (offsets into the chunks joined) made. What replaces a
   * stretch is sent with the chunk where the stretch ended, so that no byte is sent before the
   * upstream sent it; its bytes in earlier chunks are left out, and a chunk left empty is dropped.
   */
  static List<CassetteRecord.Chunk> apply(List<CassetteRecord.Chunk> chunks, List<Replacement> replacements) {
    ByteArrayOutputStream[] out = new ByteArrayOutputStream[chunks.size()];
    int[] starts = new int[chunks.size() + 1];
    for (int i = 0; i < chunks.size(); i++) {
      out[i] = new ByteArrayOutputStream();
      starts[i + 1] = starts[i] + chunks.get(i).bytes().length;
    }
    int copied = 0;
    for (Replacement replacement : replacements) {
      copy(chunks, starts, out, copied, replacement.start);
      out[chunkAt(starts, replacement.end - 1)].writeBytes(replacement.bytes);
      copied = replacement.end;
    }
    copy(chunks, starts, out, copied, starts[chunks.size()]);
    List<CassetteRecord.Chunk> masked = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      if (out[i].size() > 0) {
        masked.add(new CassetteRecord.Chunk(chunks.get(i).offsetNanos(), out[i].toByteArray()));
      }
    }
    return List.copyOf(masked);
  }

  /** Copies bytes {@code [from, to)} of the joined chunks into the chunks they came in. */
  private static void copy(List<CassetteRecord.Chunk> chunks, int[] starts, ByteArrayOutputStream[] out,
      int from, int to) {
    while (from < to) {
      int i = chunkAt(starts, from);
      int n = Math.min(to, starts[i + 1]) - from;
      out[i].write(chunks.get(i).bytes(), from - starts[i], n);
      from += n;
    }
  }

  /** The chunk holding byte {@code offset} of the joined chunks (skipping empty ones). */
  private static int chunkAt(int[] starts, int offset) {
    int i = Arrays.binarySearch(starts, offset);
    if (i < 0) {
      return -i - 2;
    }
    while (starts[i + 1] == offset) {
      i++; // empty chunks start where the next one does
    }
    return i;
  }

  /** A JSON document at bytes {@code [start, end)} of the body, and its tree written compact. */
  private record Document(int start, int end, Object tree, byte[] compact) {}

  /**
   * The one JSON document in bytes {@code [start, end)}, or null when they are not one (or it
   * cannot be written back, a lone surrogate in a string).
   */
  private static Document parsed(byte[] body, int start, int end) {
    if (start == end) {
      return null;
    }
    // Not with a key twice: the tree keeps one value of it, and would store the document changed.
    Object tree = CassetteJson.parse(Arrays.copyOfRange(body, start, end), false, true);
    if (tree == null) {
      return null;
    }
    try {
      return new Document(start, end, tree, CassetteJson.write(tree));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * {@code tree}, the {@code document}'s tree masked or to be masked, written compact with each
   * string passed through {@code strings} when given and the values under secret names masked;
   * empty when that is the document as it was, null when it cannot be written.
   */
  private static byte[] written(Document document, Object tree, UnaryOperator<String> strings,
      Redaction redaction) {
    ByteArrayOutputStream masked = new ByteArrayOutputStream();
    try {
      try (JsonGenerator json = CassetteJson.FACTORY.createGenerator(masked)) {
        CassetteJson.write(json, tree, strings, redaction::isSecretName);
      }
      byte[] bytes = masked.toByteArray();
      return Arrays.equals(bytes, document.compact) ? new byte[0] : bytes;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Adds the replacement of bytes {@code [start, end)} masked as text, when masking changes them. */
  private static void maskText(byte[] body, int start, int end, Redaction redaction, List<Replacement> out) {
    if (start == end) {
      return;
    }
    String text = new String(body, start, end - start, StandardCharsets.UTF_8);
    String masked = redaction.redact(text);
    if (!masked.equals(text)) {
      replace(body, start, end, masked.getBytes(StandardCharsets.UTF_8), out);
    }
  }

  /**
   * Adds the replacement of bytes {@code [start, end)} by {@code masked} (none when it is empty: a
   * JSON document that masking left as it was), narrowed to the characters that differ: of a
   * stretch over several chunks, only what was masked moves to a later chunk.
   */
  private static void replace(byte[] body, int start, int end, byte[] masked, List<Replacement> out) {
    if (masked.length == 0) {
      return;
    }
    int length = end - start;
    int shorter = Math.min(length, masked.length);
    int prefix = 0;
    while (prefix < shorter && body[start + prefix] == masked[prefix]) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < shorter - prefix && body[end - 1 - suffix] == masked[masked.length - 1 - suffix]) {
      suffix++;
    }
    if (prefix + suffix == length) {
      // Nothing of the body left to replace (the mask only adds): keep one byte in the range, so
      // that it has a chunk to go with.
      if (suffix > 0) {
        suffix--;
      } else {
        prefix--;
      }
    }
    while (prefix > 0 && isContinuation(body[start + prefix])) {
      prefix--;
    }
    while (suffix > 0 && isContinuation(body[end - suffix])) {
      suffix--;
    }
    out.add(new Replacement(start + prefix, end - suffix,
        Arrays.copyOfRange(masked, prefix, masked.length - suffix)));
  }

  /** Whether a byte of UTF-8 continues a character rather than starting one. */
  private static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }

  private static boolean startsWith(byte[] body, int start, int end, byte[] prefix) {
    if (end - start < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (body[start + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
