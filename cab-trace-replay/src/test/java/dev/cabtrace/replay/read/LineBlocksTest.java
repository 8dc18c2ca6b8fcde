package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineBlocksTest {

  /** A line as the blocks hand it out: its text (null when skipped as too long) and where it starts. */
  private record Line(String text, long offset) {}

  @Test
  void everyLineComesOutWholeAtItsOffsetWhateverTheBlockSizeAndTheReadSizes() throws IOException {
    Random random = new Random(17);
    for (int round = 0; round < 300; round++) {
      int maxLineBytes = 40 + random.nextInt(60);
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      List<Line> expected = new ArrayList<>();
      int lines = random.nextInt(40);
      boolean lastHasNewline = random.nextBoolean();
      for (int i = 0; i < lines; i++) {
        int length = random.nextInt(10) == 0 ? maxLineBytes + 1 + random.nextInt(200) : random.nextInt(maxLineBytes + 1);
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < length; k++) {
          text.append((char) ('a' + random.nextInt(26)));
        }
        boolean newline = i < lines - 1 || lastHasNewline;
        if (length == 0 && !newline) {
          continue; // an empty last line without a newline is no line
        }
        expected.add(new Line(length > maxLineBytes ? null : text.toString(), file.size()));
        file.writeBytes(text.toString().getBytes(StandardCharsets.US_ASCII));
        if (newline) {
          file.write('\n');
        }
      }
      int blockBytes = 8 + random.nextInt(64);
      InputStream in = new Trickle(new ByteArrayInputStream(file.toByteArray()), random);
      assertThat(lines(new LineBlocks(in, maxLineBytes, blockBytes), maxLineBytes, blockBytes))
          .as("round %d, block %d bytes, lines up to %d", round, blockBytes, maxLineBytes)
          .isEqualTo(expected);
    }
  }

  @Test
  void aLineLongerThanTheLimitIsSkippedWithoutBeingHeld() throws IOException {
    byte[] huge = new byte[5 << 20];
    java.util.Arrays.fill(huge, (byte) 'x');
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes("first\n".getBytes(StandardCharsets.US_ASCII));
    file.writeBytes(huge);
    file.writeBytes("\nlast\n".getBytes(StandardCharsets.US_ASCII));
    LineBlocks blocks = new LineBlocks(new ByteArrayInputStream(file.toByteArray()), 1024, 4096);
    LineBlocks.Block block = new LineBlocks.Block(4096);
    int largest = 0;
    List<Line> found = new ArrayList<>();
    while (blocks.next(block)) {
      largest = Math.max(largest, block.data.length);
      collect(block, 1024, found);
    }
    assertThat(found).containsExactly(
        new Line("first", 0), new Line(null, 6), new Line("last", 6 + huge.length + 1));
    assertThat(largest).as("the block grew only to the limit").isLessThanOrEqualTo(4096);
  }

  @Test
  void theLargestLimitStillGrowsTheBlockForALongLine() throws IOException {
    String line = "x".repeat(100);
    byte[] file = (line + "\n" + line).getBytes(StandardCharsets.US_ASCII);
    assertThat(lines(new LineBlocks(new ByteArrayInputStream(file), Integer.MAX_VALUE, 16), Integer.MAX_VALUE, 16))
        .containsExactly(new Line(line, 0), new Line(line, 101));
  }

  private static List<Line> lines(LineBlocks blocks, int maxLineBytes, int blockBytes) throws IOException {
    List<Line> found = new ArrayList<>();
    LineBlocks.Block block = new LineBlocks.Block(blockBytes);
    while (blocks.next(block)) {
      collect(block, maxLineBytes, found);
    }
    return found;
  }

  /** The lines of one block, split as the reader splits them. */
  private static void collect(LineBlocks.Block block, int maxLineBytes, List<Line> found) {
    if (block.tooLong) {
      found.add(new Line(null, block.offset));
      return;
    }
    int start = 0;
    while (start < block.length) {
      int newline = LineBlocks.newline(block.data, start, block.length);
      int length = newline - start;
      found.add(new Line(length > maxLineBytes ? null : new String(block.data, start, length, StandardCharsets.US_ASCII),
          block.offset + start));
      start = newline + 1;
    }
  }

  /** Hands out a few bytes per read, as pipes and sockets do. */
  private static final class Trickle extends FilterInputStream {
    private final Random random;

    Trickle(InputStream in, Random random) {
      super(in);
      this.random = random;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return super.read(buffer, offset, Math.min(length, 1 + random.nextInt(20)));
    }
  }
}
