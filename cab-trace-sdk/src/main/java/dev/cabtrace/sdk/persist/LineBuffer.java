package dev.cabtrace.sdk.persist;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** A reusable byte buffer whose contents can be written without a copy. */
final class LineBuffer extends ByteArrayOutputStream {

  LineBuffer(int initialSize) {
    super(initialSize);
  }

  ByteBuffer asByteBuffer() {
    return ByteBuffer.wrap(buf, 0, count);
  }
}
