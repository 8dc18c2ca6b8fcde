package dev.cabtrace.replay.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 bytes written to picocli's writer, so JSON goes where the command's output goes. */
final class WriterOutputStream extends OutputStream {

  private final PrintWriter writer;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final ByteBuffer pending = ByteBuffer.allocate(8192);
  private final CharBuffer chars = CharBuffer.allocate(8192);

  WriterOutputStream(PrintWriter writer) {
    this.writer = writer;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      int n = Math.min(length, pending.remaining());
      pending.put(bytes, offset, n);
      offset += n;
      length -= n;
      drain(false);
    }
  }

  private void drain(boolean end) {
    pending.flip();
    while (true) {
      var result = decoder.decode(pending, chars, end);
      chars.flip();
      writer.append(chars);
      chars.clear();
      if (!result.isOverflow()) {
        break;
      }
    }
    pending.compact();
  }

  @Override
  public void flush() {
    drain(false);
    writer.flush();
  }

  @Override
  public void close() {
    drain(true);
    writer.flush();
  }
}
