package dev.cabtrace.sdk.proxy;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.sdk.redact.Redaction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One stored exchange, one line of a cassette: what identifies the request, and the response as
 * the client got it, its body in chunks timed from the start of the request. Read from a line by
 * {@link CassetteLineReader}; written with {@link #toLine}, which leaves out credentials and masks
 * what {@link Redaction#defaults()} masks.
 */
final class CassetteRecord {

  static final int VERSION = 1;

  /** Headers never stored, in either direction: credentials, and framing the proxy sets itself. */
  static final Set<String> NEVER_STORED =
      Set.of("authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie",
          "content-length", "transfer-encoding");
  /** Request headers whose name holds one of these are left out too (an {@code x-goog-api-key}). */
  private static final String[] SECRET_HEADER_WORDS = {
    "key", "token", "secret", "auth", "cookie", "password", "credential", "session", "signature"
  };

  /**
   * The latest a recorded time (to first byte, or of a chunk) may be, in ms from the request: a
   * line with a later one is not a stored exchange. Far over what a model call takes, and a bound
   * on how long a replay can keep a client waiting.
   */
  static final long MAX_RECORDED_MILLIS = 60 * 60 * 1000;

  /** Bytes of the body that reached the client together, {@code offsetNanos} after the request. */
  record Chunk(long offsetNanos, byte[] bytes) {}

  final String method;
  final String target;
  final String hash;
  final int status;
  final Map<String, List<String>> headers;
  /** The body's length when the upstream sent a Content-Length, else -1 (sent chunked). */
  final long contentLength;
  final long timeToFirstByteNanos;
  final List<Chunk> chunks;
  /** Whether redaction changed the response when it was stored: the replay is then not exact. */
  final boolean redacted;

  CassetteRecord(String method, String target, String hash, int status, Map<String, List<String>> headers,
      long contentLength, long timeToFirstByteNanos, List<Chunk> chunks, boolean redacted) {
    this.method = method;
    this.target = target;
    this.hash = hash;
    this.status = status;
    this.headers = headers;
    this.contentLength = contentLength;
    this.timeToFirstByteNanos = timeToFirstByteNanos;
    this.chunks = chunks;
    this.redacted = redacted;
  }

  String key() {
    return CassetteRequest.key(method, target, hash);
  }

  /** The first value of the response header {@code name} (any case), or null. */
  String header(String name) {
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
        return header.getValue().get(0);
      }
    }
    return null;
  }

  long bodyLength() {
    long length = 0;
    for (Chunk chunk : chunks) {
      length += chunk.bytes.length;
    }
    return length;
  }

  /**
   * This answer without its content coding, for a client that does not accept it, or null when it
   * cannot be decoded. Chunks keep their times: what the decoder gives once a chunk is fed to it
   * is sent at that chunk's offset, so a compressed stream is still replayed at its pace.
   */
  CassetteRecord withoutContentCoding() {
    String encoding = header("content-encoding");
    if (!ContentDecoding.supports(encoding)) {
      return null;
    }
    Map<String, List<String>> identityHeaders = new LinkedHashMap<>(headers);
    identityHeaders.keySet().removeIf(name -> name.equalsIgnoreCase("content-encoding"));
    List<Chunk> decoded = new ArrayList<>();
    long length = 0;
    if (bodyLength() > 0) {
      CassetteReplayBody fed = new CassetteReplayBody(chunks, 0, CassetteTiming.FAST);
      ByteArrayOutputStream[] byChunk = new ByteArrayOutputStream[chunks.size()];
      try (InputStream in = ContentDecoding.decoding(encoding, fed)) {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
          int chunk = Math.min(fed.chunkIndex(), chunks.size() - 1);
          if (byChunk[chunk] == null) {
            byChunk[chunk] = new ByteArrayOutputStream();
          }
          byChunk[chunk].write(buffer, 0, n);
          length += n;
          if (length > CassetteRecording.MAX_STORED_BYTES) {
            return null; // a decompression bomb
          }
        }
      } catch (IOException | RuntimeException e) {
        return null;
      }
      for (int i = 0; i < byChunk.length; i++) {
        if (byChunk[i] != null) {
          decoded.add(new Chunk(chunks.get(i).offsetNanos, byChunk[i].toByteArray()));
        }
      }
    }
    return new CassetteRecord(method, target, hash, status, identityHeaders, contentLength >= 0 ? length : -1,
        timeToFirstByteNanos, List.copyOf(decoded), redacted);
  }

  // ---- writing ----

  /** The line for this exchange (ending in LF), of {@code request}, recorded at {@code recordedAt}. */
  byte[] toLine(CassetteRequest request, Instant recordedAt) throws IOException {
    Redaction redaction = Redaction.defaults();
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(1024 + bodyLength() * 2, 1 << 20));
    try (JsonGenerator json = CassetteJson.FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("version", VERSION);
      json.writeStringField("recorded_at", recordedAt.toString());

      json.writeObjectFieldStart("request");
      json.writeStringField("method", method);
      json.writeStringField("target", target);
      json.writeStringField("hash", hash);
      json.writeObjectFieldStart("headers");
      HopByHop hops = HopByHop.of(request.headers.entrySet());
      for (Map.Entry<String, List<String>> header : request.headers.entrySet()) {
        if (!hops.isHopByHop(header.getKey()) && storedRequestHeader(header.getKey())) {
          writeValues(json, header.getKey(), header.getValue(), redaction);
        }
      }
      json.writeEndObject();
      if (request.json != null) {
        json.writeFieldName("json");
        // Field names count as they do in attributes: "api_key": "..." is masked whole.
        // Field names count as attribute names do: "api_key": "..." is masked whole.
        CassetteJson.write(json, request.json, redaction::redact, redaction::isSecretName);
      } else if (request.body.length > 0) {
        String text = utf8(request.body);
        if (text != null) {
          json.writeStringField("text", redaction.redact(text));
        } else {
          json.writeNumberField("bytes", request.body.length);
        }
      }
      json.writeEndObject();

      Stored stored = stored(redaction);
      json.writeObjectFieldStart("response");
      json.writeNumberField("status", status);
      json.writeObjectFieldStart("headers");
      for (Map.Entry<String, List<String>> header : stored.headers.entrySet()) {
        writeValues(json, header.getKey(), header.getValue(), null);
      }
      json.writeEndObject();
      if (contentLength >= 0) {
        long length = 0;
        for (Chunk chunk : stored.chunks) {
          length += chunk.bytes.length;
        }
        json.writeNumberField("content_length", length);
      }
      json.writeFieldName("ttfb_ms");
      json.writeNumber(millis(timeToFirstByteNanos));
      json.writeBooleanField("redacted", stored.redacted);
      json.writeArrayFieldStart("chunks");
      for (Chunk chunk : stored.chunks) {
        json.writeStartObject();
        json.writeFieldName("t_ms");
        json.writeNumber(millis(chunk.offsetNanos));
        String text = stored.encoded ? null : utf8(chunk.bytes);
        if (text != null) {
          json.writeStringField("text", text);
        } else {
          json.writeStringField("base64", Base64.getEncoder().encodeToString(chunk.bytes));
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndObject();
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static void writeValues(JsonGenerator json, String name, List<String> values, Redaction redaction)
      throws IOException {
    json.writeArrayFieldStart(name);
    for (String value : values) {
      json.writeString(redaction == null ? value : redaction.redact(value));
    }
    json.writeEndArray();
  }

  /** Whether a request header that is not hop-by-hop is stored. */
  static boolean storedRequestHeader(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (NEVER_STORED.contains(lower)) {
      return false;
    }
    for (String word : SECRET_HEADER_WORDS) {
      if (lower.contains(word)) {
        return false;
      }
    }
    return true;
  }

  /** The response as it is stored: headers and body redacted, and whether that changed them. */
  private record Stored(Map<String, List<String>> headers, List<Chunk> chunks, boolean encoded, boolean redacted) {}

  private Stored stored(Redaction redaction) {
    boolean changed = false;
    Map<String, List<String>> storedHeaders = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (NEVER_STORED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        continue;
      }
      // A header the name rule calls a secret (an upstream's x-goog-api-key, x-request-token) is
      // masked whole, as an attribute of that name is: its value need not look like a key.
      boolean secret = redaction.isSecretName(header.getKey());
      List<String> values = new ArrayList<>();
      for (String value : header.getValue()) {
        String masked = secret ? Redaction.MASK : redaction.redact(value);
        changed |= !masked.equals(value);
        values.add(masked);
      }
      storedHeaders.put(header.getKey(), values);
    }
    long last = chunks.isEmpty() ? timeToFirstByteNanos : chunks.get(chunks.size() - 1).offsetNanos;
    String encoding = header("content-encoding");
    byte[] all = concatenate(chunks);
    if (ContentDecoding.isEncoded(encoding)) {
      // Stored as sent (base64), unless the decoded body holds something to mask: then it is
      // stored decoded and masked, and replayed without its content coding.
      byte[] decoded = decoded(encoding, all);
      byte[] masked = decoded == null ? null : masked(decoded, redaction);
      if (masked != null) {
        storedHeaders.keySet().removeIf(name -> name.equalsIgnoreCase("content-encoding"));
        return new Stored(storedHeaders, List.of(new Chunk(last, masked)), false, true);
      }
      return new Stored(storedHeaders, chunks, true, changed);
    }
    if (utf8(all) == null) {
      // Not UTF-8: stored as base64, masked where it holds something to mask all the same.
      byte[] masked = masked(all, redaction);
      return masked == null ? new Stored(storedHeaders, chunks, false, changed)
          : new Stored(storedHeaders, List.of(new Chunk(last, masked)), false, true);
    }
    List<CassetteBodyRedaction.Replacement> replacements = CassetteBodyRedaction.replacements(all, redaction);
    if (replacements.isEmpty()) {
      return new Stored(storedHeaders, chunks, false, changed);
    }
    return new Stored(storedHeaders, CassetteBodyRedaction.apply(chunks, replacements), false, true);
  }

  /**
   * {@code body} with what redaction masks in it masked ({@link CassetteBodyRedaction}), or null
   * when it holds nothing to mask. Bytes that are not UTF-8 are masked as text read one byte a
   * character (ISO-8859-1): credentials and secret names are ASCII, and every other byte comes
   * back as it was.
   */
  private static byte[] masked(byte[] body, Redaction redaction) {
    if (utf8(body) != null) {
      List<CassetteBodyRedaction.Replacement> replacements = CassetteBodyRedaction.replacements(body, redaction);
      return replacements.isEmpty() ? null : CassetteBodyRedaction.apply(body, replacements);
    }
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String masked = redaction.redact(text);
    return masked.equals(text) ? null : masked.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The body without its content coding, or null when it cannot be decoded. */
  private static byte[] decoded(String encoding, byte[] body) {
    if (!ContentDecoding.supports(encoding)) {
      return null;
    }
    try (InputStream in = ContentDecoding.decoding(encoding, new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static byte[] concatenate(List<Chunk> chunks) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Chunk chunk : chunks) {
      all.writeBytes(chunk.bytes);
    }
    return all.toByteArray();
  }

  /** {@code bytes} as text when they are valid UTF-8, else null. */
  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Milliseconds with microsecond precision, as a JSON number. */
  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
