package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpanCountHintTest {

  /** A sink that only notes the guesses it is given. */
  private static final class Guesses implements SpanSink {
    final List<Integer> given = new ArrayList<>();

    @Override
    public void span(dev.cabtrace.replay.timeline.TimelineSpan.Builder span, long line) {}

    @Override
    public void warn(long line, String message) {}

    @Override
    public void problem(String source, long line, String message) {}

    @Override
    public void expect(int spans) {
      given.add(spans);
    }
  }

  @Test
  void guessesTheFirstBlocksSpansPerByteTimesTheInputOnce() {
    Guesses sink = new Guesses();
    SpanCountHint hint = new SpanCountHint(10_000_000);
    hint.firstBlock(1_600, 1_000_000, sink);
    hint.firstBlock(9_999, 1_000_000, sink);
    assertThat(sink.given).containsExactly(16_000);
  }

  @Test
  void noGuessForAnInputOfOneBlockAnUnknownSizeOrABlockWithoutSpans() {
    Guesses sink = new Guesses();
    new SpanCountHint(1_000).firstBlock(10, 1_000, sink);
    new SpanCountHint(0).firstBlock(10, 1_000, sink);
    new SpanCountHint(1_000_000).firstBlock(0, 1_000, sink);
    new SpanCountHint(1_000_000).firstBlock(10, 0, sink);
    assertThat(sink.given).isEmpty();
  }

  @Test
  void aDenseFirstBlockDoesNotAskForMoreThanTheCap() {
    Guesses sink = new Guesses();
    new SpanCountHint(1L << 40).firstBlock(10_000, 1_000_000, sink);
    assertThat(sink.given).containsExactly(SpanCountHint.MAX_SPANS);
  }

  @Test
  void aFilesBytesAheadAreItsSizeLessWhatTheBlocksHandedOut(@TempDir Path dir) throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 1_000; i++) {
      text.append("line ").append(i).append('\n');
    }
    Path file = dir.resolve("lines.jsonl");
    Files.writeString(file, text, StandardCharsets.US_ASCII);
    long size = Files.size(file);
    try (InputStream in = new java.io.FileInputStream(file.toFile())) {
      LineBlocks blocks = new LineBlocks(in, 100, 1_000);
      LineBlocks.Block block = new LineBlocks.Block(1_000);
      assertThat(blocks.next(block)).isTrue();
      // The block ends at a newline: the partial line after it is carried over, and counted ahead.
      assertThat(block.length).isLessThan(1_000);
      assertThat(blocks.bytesAhead()).isEqualTo(size - block.length);
    }
  }
}
