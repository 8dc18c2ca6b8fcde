package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
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
  void threadsReadingDifferentPartsOfTheFileEachGetTheirBytes() throws Exception {
    byte[] content = new byte[8 << 20];
    new Random(7).nextBytes(content);
    Path file = dir.resolve("trace.jsonl");
    Files.write(file, content);
    FileSlices slices = new FileSlices(file, new LazyAttributes.Decoder(1 << 20));
    int threads = 4;
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(threads);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.List<java.util.concurrent.Future<Integer>> readers = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int part = t;
        readers.add(pool.submit(() -> {
          Random random = new Random(part);
          long position = (long) part * (content.length / threads);
          int checked = 0;
          together.await();
          for (int read = 0; read < 3_000; read++) {
            // Each walks its own quarter forward, as a chunk of show's lines walks its spans.
            position = Math.min(position + random.nextInt(3_000), content.length - 2_000);
            int at = (int) position;
            int size = 1 + random.nextInt(2_000);
            byte[] got = slices.read(position, size, (bytes, offset, n) -> Arrays.copyOfRange(bytes, offset, offset + n));
            if (!Arrays.equals(got, Arrays.copyOfRange(content, at, at + size))) {
              throw new AssertionError("thread " + part + ", read " + read + ": not the file's " + size + " bytes at " + at);
            }
            checked++;
          }
          return checked;
        }));
      }
      for (java.util.concurrent.Future<Integer> reader : readers) {
        assertThat(reader.get()).isEqualTo(3_000);
      }
    } finally {
      pool.shutdownNow();
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
}
