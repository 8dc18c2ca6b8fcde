package dev.cabtrace.sdk.proxy;

import java.io.IOException;
import java.io.InputStream;

/** A stream that reads only in arrays: a single byte is read as an array of one. */
abstract class ArrayReadingInputStream extends InputStream {

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public abstract int read(byte[] buffer, int offset, int length) throws IOException;
}
