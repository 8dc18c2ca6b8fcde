package dev.cabtrace.replay.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The CLI's standard output as UTF-8, encoded here into one buffer and handed to the stream a
 * buffer at a time. The JDK 17 encoder behind {@link java.io.OutputStreamWriter} leaves its ASCII
 * loop at the first other character and encodes the rest of that buffer one character at a time,
 * and a span table's tree arrows put such a character on most lines; here only that character
 * leaves the loop. The bytes are those of the JDK's encoder: an unpaired surrogate becomes {@code
 * ?}, and a high surrogate that ends one write waits for the next.
 */
final class Utf8Writer extends Writer {

  private final OutputStream out;
  private final byte[] buf = new byte[1 << 16];
  private final char[] chunk = new char[1 << 12];
  private int count;
  /** A high surrogate that ended the last write, or 0. */
  private char pendingHigh;

  Utf8Writer(OutputStream out) {
    this.out = out;
  }

  /**
   * A flushing-on-println writer over {@code out} in the default charset, as {@code new
   * PrintWriter(out, true)} writes it: through this class when that charset is UTF-8.
   */
  static PrintWriter printWriter(OutputStream out) {
    return Charset.defaultCharset().equals(StandardCharsets.UTF_8)
        ? new Utf8PrintWriter(new Utf8Writer(out))
        : new CharsetPrintWriter(out);
  }

  /**
   * A stream of bytes into the stream under {@code out} as they are, for a document whose bytes are
   * its own (a page that declares itself UTF-8), whatever the charset of the text around it; the
   * bytes of {@link #utf8Bytes} for a writer this class did not make.
   */
  static OutputStream rawBytes(PrintWriter out) {
    if (out instanceof CharsetPrintWriter) {
      out.flush();
      OutputStream raw = ((CharsetPrintWriter) out).raw;
      return new java.io.FilterOutputStream(raw) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          raw.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
          flush(); // the CLI's standard output stays open
        }
      };
    }
    return utf8Bytes(out);
  }

  /**
   * A stream of UTF-8 bytes into {@code out}, for text already encoded: the bytes go straight into
   * the buffer under {@code out} when it is one this class made, else are decoded and written as
   * text. Each write must end on a whole character (a table writes whole lines).
   */
  static OutputStream utf8Bytes(PrintWriter out) {
    out.flush();
    if (out instanceof Utf8PrintWriter) {
      Utf8Writer writer = ((Utf8PrintWriter) out).utf8();
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          writer.writeUtf8(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          writer.flush();
        }
      };
    }
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        out.write(new String(b, off, len, StandardCharsets.UTF_8));
      }

      @Override
      public void flush() {
        out.flush();
      }
    };
  }

  /** Bytes already encoded, written in order with the text around them. */
  void writeUtf8(byte[] bytes, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, bytes.length);
    synchronized (lock) {
      if (pendingHigh != 0) {
        pendingHigh = 0;
        room(1);
        buf[count++] = '?'; // a high surrogate not followed by its low one, as the encoder writes it
      }
      if (len > buf.length - count) {
        drain();
        if (len > buf.length) {
          out.write(bytes, off, len);
          return;
        }
      }
      System.arraycopy(bytes, off, buf, count, len);
      count += len;
    }
  }

  /** The writer of {@code new PrintWriter(out, true)}, which knows the stream under it. */
  private static final class CharsetPrintWriter extends PrintWriter {
    private final OutputStream raw;

    CharsetPrintWriter(OutputStream raw) {
      super(raw, true);
      this.raw = raw;
    }
  }

  /** The CLI's flushing-on-println writer, which lets {@link #utf8Bytes} find the writer under it. */
  private static final class Utf8PrintWriter extends PrintWriter {
    Utf8PrintWriter(Utf8Writer out) {
      super(out, true);
    }

    Utf8Writer utf8() {
      return (Utf8Writer) out;
    }
  }

  @Override
  public void write(int c) throws IOException {
    synchronized (lock) {
      chunk[0] = (char) c;
      encode(chunk, 0, 1);
    }
  }

  @Override
  public void write(char[] chars, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, chars.length);
    synchronized (lock) {
      encode(chars, off, off + len);
    }
  }

  @Override
  public void write(String text, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, text.length());
    synchronized (lock) {
      for (int from = off, end = off + len; from < end; ) {
        int to = Math.min(end, from + chunk.length);
        text.getChars(from, to, chunk, 0);
        encode(chunk, 0, to - from);
        from = to;
      }
    }
  }

  private void encode(char[] chars, int i, int end) throws IOException {
    if (pendingHigh != 0 && i < end) {
      char high = pendingHigh;
      pendingHigh = 0;
      room(4);
      if (Character.isLowSurrogate(chars[i])) {
        count = pair(buf, count, high, chars[i++]);
      } else {
        buf[count++] = '?';
      }
    }
    while (i < end) {
      room(4);
      // ASCII up to the end of the chars or of the buffer's room but 3 bytes: then any one
      // character, or a pair, still fits after it.
      byte[] b = buf;
      int p = count;
      int limit = Math.min(end, i + (b.length - p - 3));
      while (i < limit) {
        char c = chars[i];
        if (c >= 0x80) {
          break;
        }
        b[p++] = (byte) c;
        i++;
      }
      if (i < limit) {
        char c = chars[i++];
        if (c < 0x800) {
          b[p++] = (byte) (0xc0 | (c >> 6));
          b[p++] = (byte) (0x80 | (c & 0x3f));
        } else if (!Character.isSurrogate(c)) {
          b[p++] = (byte) (0xe0 | (c >> 12));
          b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
          b[p++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c) && i == end) {
          pendingHigh = c;
        } else if (Character.isHighSurrogate(c) && Character.isLowSurrogate(chars[i])) {
          p = pair(b, p, c, chars[i++]);
        } else {
          b[p++] = '?';
        }
      }
      count = p;
    }
  }

  private static int pair(byte[] b, int p, char high, char low) {
    int code = Character.toCodePoint(high, low);
    b[p++] = (byte) (0xf0 | (code >> 18));
    b[p++] = (byte) (0x80 | ((code >> 12) & 0x3f));
    b[p++] = (byte) (0x80 | ((code >> 6) & 0x3f));
    b[p++] = (byte) (0x80 | (code & 0x3f));
    return p;
  }

  /** Makes room for {@code bytes} more, writing the buffer out when it has less. */
  private void room(int bytes) throws IOException {
    if (buf.length - count < bytes) {
      drain();
    }
  }

  private void drain() throws IOException {
    if (count > 0) {
      out.write(buf, 0, count);
      count = 0;
    }
  }

  @Override
  public void flush() throws IOException {
    synchronized (lock) {
      drain();
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      if (pendingHigh != 0) {
        pendingHigh = 0;
        room(1);
        buf[count++] = '?';
      }
      drain();
      out.close();
    }
  }
}
