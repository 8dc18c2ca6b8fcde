package dev.cabtrace.sdk.proxy;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.brotli.dec.BrotliInputStream;

/**
 * The HTTP content codings the proxy can read a response in: gzip, deflate (zlib-wrapped, or raw
 * as some servers send it), br and zstd; identity needs none. Decoders are pure Java and pull from
 * the stream they wrap, so they never hold back bytes that are on their way to the client.
 */
final class ContentDecoding {

  private ContentDecoding() {}

  /** Whether a response in {@code contentEncoding} (the header's value, or null) can be decoded. */
  static boolean supports(String contentEncoding) {
    String coding = normalize(contentEncoding);
    switch (coding) {
      case "":
      case "identity":
      case "gzip":
      case "x-gzip":
      case "deflate":
      case "br":
      case "zstd":
        return true;
      default:
        return false;
    }
  }

  /** Whether the coding is anything but identity. */
  static boolean isEncoded(String contentEncoding) {
    String coding = normalize(contentEncoding);
    return !coding.isEmpty() && !coding.equals("identity");
  }

  /** {@code in} decoded; call only when {@link #supports} is true. */
  static InputStream decoding(String contentEncoding, InputStream in) throws IOException {
    switch (normalize(contentEncoding)) {
      case "gzip":
      case "x-gzip":
        return new GZIPInputStream(in, 8192);
      case "deflate":
        return inflating(in);
      case "br":
        return new BrotliInputStream(in);
      case "zstd":
        return new ZstdInputStream(in);
      default:
        return in;
    }
  }

  private static InputStream inflating(InputStream in) throws IOException {
    PushbackInputStream peek = new PushbackInputStream(in, 2);
    byte[] head = peek.readNBytes(2);
    peek.unread(head);
    boolean zlib = head.length == 2 && (head[0] & 0x0F) == 8 && (((head[0] & 0xFF) << 8) | (head[1] & 0xFF)) % 31 == 0;
    return new InflaterInputStream(peek, new Inflater(!zlib), 8192);
  }

  private static String normalize(String contentEncoding) {
    return contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
  }
}
