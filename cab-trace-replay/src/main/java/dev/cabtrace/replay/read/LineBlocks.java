package dev.cabtrace.replay.read;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads a stream into blocks of whole lines, the lines read where they lie: no copy per line, and
 * the blocks are refilled, not reallocated. A file of any size touches a few blocks' worth of
 * memory, which is what a JVM pays for first (every fresh page of heap is a page fault). Only the
 * partial line at a block's end is carried over to the next block. A line that does not fit grows
 * the block, up to the line limit; a longer one is skipped to its end and handed on as a block of
 * its own, {@link Block#tooLong}.
 */
final class LineBlocks {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The largest array a JVM reliably makes. */
  private static final int MAX_BLOCK = Integer.MAX_VALUE - 8;

  private final InputStream in;
  private final int maxLineBytes;
  private final int blockBytes;
  private byte[] carry = new byte[0];
  private int carryLength;
  private long streamOffset;
  private boolean ended;

  /** Lines from {@code in}, in blocks of {@code blockBytes} (more when one line needs more). */
  LineBlocks(InputStream in, int maxLineBytes, int blockBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.blockBytes = blockBytes;
  }

  /** Bytes of whole lines, and where they came from. */
  static final class Block {
    byte[] data;
    /** The block's bytes are {@code data[0, length)}; the last line lacks its newline only at the end of the stream. */
    int length;
    /** Where {@code data[0]} lies in the stream. */
    long offset;
    /** One line longer than the limit, skipped: the block holds no bytes and stands for that line. */
    boolean tooLong;

    Block(int capacity) {
      data = new byte[capacity];
    }
  }

  /** Fills {@code block} with the next lines; false at the end of the stream. */
  boolean next(Block block) throws IOException {
    block.tooLong = false;
    block.length = 0;
    if (ended && carryLength == 0) {
      return false;
    }
    if (block.data.length < Math.max(blockBytes, carryLength + 1)) {
      block.data = new byte[Math.max(blockBytes, carryLength + 1)];
    }
    System.arraycopy(carry, 0, block.data, 0, carryLength);
    int filled = carryLength;
    block.offset = streamOffset - carryLength;
    carryLength = 0;
    while (!ended && filled < block.data.length) {
      int n = in.read(block.data, filled, block.data.length - filled);
      if (n < 0) {
        ended = true;
      } else {
        filled += n;
        streamOffset += n;
      }
      if (filled == block.data.length && !ended) {
        int lastNewline = lastNewline(block.data, filled);
        if (lastNewline >= 0) {
          keepCarry(block.data, lastNewline + 1, filled);
          block.length = lastNewline + 1;
          return true;
        }
        // One line fills the block: grow it, or skip a line over the limit.
        if (filled > maxLineBytes + 1L || filled >= MAX_BLOCK) {
          return skipLongLine(block);
        }
        block.data = Arrays.copyOf(block.data, (int) Math.min(Math.min(2L * block.data.length, maxLineBytes + 2L), MAX_BLOCK));
      }
    }
    block.length = filled;
    return filled > 0;
  }

  /** Whether every line has been handed out: the next {@link #next} is false. */
  boolean atEnd() {
    return ended && carryLength == 0;
  }

  /** What has not been handed out in blocks: the carried-over bytes, then the rest of the stream. */
  InputStream remainder() {
    InputStream carried = new ByteArrayInputStream(Arrays.copyOf(carry, carryLength));
    carryLength = 0;
    ended = true;
    return new SequenceInputStream(carried, in);
  }

  private boolean skipLongLine(Block block) throws IOException {
    byte[] scratch = block.data;
    while (true) {
      int n = in.read(scratch, 0, scratch.length);
      if (n < 0) {
        ended = true;
        block.tooLong = true;
        block.length = 0;
        return true;
      }
      streamOffset += n;
      int newline = newline(scratch, 0, n);
      if (newline < n) {
        keepCarry(scratch, newline + 1, n);
        block.tooLong = true;
        block.length = 0;
        block.data = new byte[blockBytes]; // the grown one is not kept
        return true;
      }
    }
  }

  private void keepCarry(byte[] data, int from, int to) {
    carryLength = to - from;
    if (carry.length < carryLength) {
      carry = new byte[Math.max(carryLength, 2 * carry.length)];
    }
    System.arraycopy(data, from, carry, 0, carryLength);
  }

  private static int lastNewline(byte[] b, int end) {
    for (int i = end - 1; i >= 0; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** The first newline from {@code i}, or {@code limit}: eight bytes at a time. */
  static int newline(byte[] b, int i, int limit) {
    while (i + 8 <= limit) {
      long x = (long) LONGS.get(b, i) ^ 0x0A0A0A0A0A0A0A0AL;
      long zero = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
      if (zero != 0) {
        return i + (Long.numberOfTrailingZeros(zero) >>> 3);
      }
      i += 8;
    }
    while (i < limit && b[i] != '\n') {
      i++;
    }
    return i;
  }
}
