package dev.cabtrace.replay.read;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a stream line by line as bytes, without decoding: the JSON parser reads UTF-8 itself. A
 * line longer than the limit is skipped to its end and reported, never held in memory whole.
 */
final class LineReader {

  private final InputStream in;
  private final int maxLineBytes;

  private final byte[] buffer;
  private int position;
  private int limit;
  private byte[] line = new byte[1 << 12];
  private int lineLength;
  private long lineNumber;
  private boolean endedWithNewline;
  private boolean tooLong;
  private long bytesRead;
  private long lineOffset;

  LineReader(InputStream in, int maxLineBytes) {
    this(in, maxLineBytes, 1 << 16);
  }

  /** With a read buffer of {@code bufferBytes}: a small file needs no 64 KiB of it. */
  LineReader(InputStream in, int maxLineBytes, int bufferBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.buffer = new byte[bufferBytes];
  }

  /** Reads the next line; false at the end of the stream. */
  boolean next() throws IOException {
    lineOffset = bytesRead - (limit - position);
    lineLength = 0;
    tooLong = false;
    boolean any = false;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer, 0, buffer.length);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          endedWithNewline = false;
          if (any) {
            lineNumber++;
          }
          return any;
        }
        bytesRead += limit;
      }
      any = true;
      int start = position;
      position = LineBlocks.newline(buffer, position, limit);
      append(start, position - start);
      if (position < limit) {
        position++; // the newline
        lineNumber++;
        endedWithNewline = true;
        return true;
      }
    }
  }


  private void append(int start, int length) {
    if (tooLong || length == 0) {
      return;
    }
    if (lineLength + length > maxLineBytes) {
      tooLong = true;
      lineLength = 0;
      return;
    }
    if (lineLength + length > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
    }
    System.arraycopy(buffer, start, line, lineLength, length);
    lineLength += length;
  }

  /** The bytes not yet returned as lines, then the rest of the stream. */
  InputStream remainder() {
    java.io.InputStream buffered = new java.io.ByteArrayInputStream(buffer, position, limit - position);
    position = limit;
    return new java.io.SequenceInputStream(buffered, in);
  }

  byte[] bytes() {
    return line;
  }

  int length() {
    // A CRLF file: the parser does not mind the CR, but blank-line checks should.
    return lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
  }

  long lineNumber() {
    return lineNumber;
  }

  boolean endedWithNewline() {
    return endedWithNewline;
  }

  boolean tooLong() {
    return tooLong;
  }

  /** Where the line starts in the stream. */
  long lineOffset() {
    return lineOffset;
  }

  long bytesRead() {
    return bytesRead;
  }

  boolean isBlank() {
    for (int i = 0; i < length(); i++) {
      byte b = line[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
