package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import dev.cabtrace.replay.read.FileSlices.SliceReader;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slices read back from a file through its window: always the file's bytes, whichever way the
 * reads go (forward, a little back as tree order goes, far back, longer than the window), and a
 * file cut short since is said to have changed.
 */
class FileSlicesTest {

  @TempDir Path dir;

  @Test
  void everySliceIsTheFilesBytesWhicheverWayTheReadsGo() throws IOException {
    byte[] content = new byte[5 << 20];
    Random random = new Random(5);
    random.nextBytes(content);
    Path file = dir.resolve("trace.jsonl");
    Files.write(file, content);
    FileSlices slices = new FileSlices(file, new LazyAttributes.Decoder(1 << 20));
    long position = 0;
    for (int read = 0; read < 20_000; read++) {
      int length = random.nextInt(50) == 0 ? 1 + random.nextInt(3 << 20) : 1 + random.nextInt(2_000);
      switch (random.nextInt(4)) {
        case 0 -> position += random.nextInt(4_000); // on, in file order
        case 1 -> position -= random.nextInt(200 << 10); // back a little: children after their parent
        case 2 -> position = random.nextInt(content.length); // anywhere
        default -> position += random.nextInt(2 << 20); // far on
      }
      position = Math.max(0, Math.min(position, content.length - 1));
      int at = (int) position;
      int size = Math.min(length, content.length - at);
      byte[] expected = Arrays.copyOfRange(content, at, at + size);
      byte[] got = slices.read(position, size, (bytes, offset, n) -> Arrays.copyOfRange(bytes, offset, offset + n));
      assertThat(got).as("read %d: %d bytes at %d", read, size, at).isEqualTo(expected);
    }
  }

  @Test
  void aSliceThatTheFileNoLongerHoldsIsAChangedTrace() throws IOException {
    Path file = dir.resolve("trace.jsonl");
    Files.write(file, new byte[3 << 20]);
    FileSlices slices = new FileSlices(file, new LazyAttributes.Decoder(1 << 20));
    assertThat(slices.<Integer>read(100, 10, (bytes, offset, n) -> n)).isEqualTo(10);
    Files.write(file, new byte[2 << 20]);
    assertThatThrownBy(() -> slices.read((2 << 20) + 500_000, 10, (bytes, offset, n) -> n))
        .isInstanceOf(TraceChangedException.class).hasMessageContaining("at byte " + ((2 << 20) + 500_000));
    assertThatThrownBy(() -> slices.read((2 << 20) - 5, 10, (bytes, offset, n) -> n))
        .isInstanceOf(TraceChangedException.class);
    // Still in the file: read as it is now.
    assertThat(slices.<Integer>read(1_000, 10, (bytes, offset, n) -> n)).isEqualTo(10);
  }

  @Test
  void anInterruptedReaderDoesNotCloseTheFileForLaterReads() throws IOException {
    byte[] content = new byte[3 << 20];
    new Random(7).nextBytes(content);
    Path file = dir.resolve("trace.jsonl");
    Files.write(file, content);
    FileSlices slices = new FileSlices(file, new LazyAttributes.Decoder(1 << 20));
    SliceReader<byte[]> copy = (bytes, offset, n) -> Arrays.copyOfRange(bytes, offset, offset + n);
    assertThat(slices.read(10, 5, copy)).isEqualTo(Arrays.copyOfRange(content, 10, 15));

    Thread.currentThread().interrupt(); // a read with the flag set closes a FileChannel
    byte[] interrupted = slices.read(2 << 20, 5, copy);
    assertThat(Thread.interrupted()).as("the interrupt kept").isTrue();
    byte[] after = slices.read(1 << 20, 5, copy);

    assertThat(interrupted).isEqualTo(Arrays.copyOfRange(content, 2 << 20, (2 << 20) + 5));
    assertThat(after).isEqualTo(Arrays.copyOfRange(content, 1 << 20, (1 << 20) + 5));
  }
}
