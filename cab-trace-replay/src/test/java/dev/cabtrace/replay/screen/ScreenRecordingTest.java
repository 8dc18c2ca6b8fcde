package dev.cabtrace.replay.screen;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScreenRecordingTest {

  private static final class Chunk {
    final long offset;
    final byte[] bytes;

    Chunk(long offset, byte[] bytes) {
      this.offset = offset;
      this.bytes = bytes;
    }
  }

  private static List<Chunk> randomChunks(Random random, int totalBytes) {
    byte[] stream = RandomStreams.realistic(random, totalBytes);
    List<Chunk> chunks = new ArrayList<>();
    long offset = 1_000;
    for (int position = 0; position < stream.length; ) {
      int length = Math.min(stream.length - position, random.nextInt(300));
      chunks.add(new Chunk(offset, Arrays.copyOfRange(stream, position, position + length)));
      position += length;
      // Some chunks share an offset.
      offset += random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(1_000_000);
    }
    return chunks;
  }

  /** The screen of a fresh emulator fed every chunk at or before {@code t}. */
  private static Screen reference(List<Chunk> chunks, int columns, int rows, long t) {
    TerminalEmulator terminal = TerminalEmulator.create(columns, rows);
    for (Chunk chunk : chunks) {
      if (chunk.offset <= t) {
        terminal.feed(chunk.bytes);
      }
    }
    return terminal.screen();
  }

  private static ScreenRecording record(List<Chunk> chunks, int columns, int rows, int interval) {
    ScreenRecording.Builder builder = ScreenRecording.builder(columns, rows).setKeyframeIntervalBytes(interval);
    for (Chunk chunk : chunks) {
      builder.append(chunk.offset, chunk.bytes);
    }
    return builder.build();
  }

  @Test
  void screenAtMatchesAFreshEmulatorForwardsAndBackwards() {
    Random random = new Random(42);
    List<Chunk> chunks = randomChunks(random, 20_000);
    int columns = 24;
    int rows = 8;
    ScreenRecording recording = record(chunks, columns, rows, 100);
    long last = chunks.get(chunks.size() - 1).offset;

    List<Long> times = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      times.add((long) (random.nextDouble() * (last + 2_000)));
    }
    List<Long> forwards = new ArrayList<>(times.subList(0, 50));
    forwards.sort(null);
    List<Long> backwards = new ArrayList<>(times.subList(50, 100));
    backwards.sort((a, b) -> Long.compare(b, a));
    List<Long> queries = new ArrayList<>(forwards);
    queries.addAll(backwards);
    queries.addAll(times.subList(100, 150));
    // Exactly at chunk offsets, and just before them.
    for (int i = 0; i < 30; i++) {
      long offset = chunks.get(random.nextInt(chunks.size())).offset;
      queries.add(offset);
      queries.add(offset - 1);
    }

    for (long t : queries) {
      Screen expected = reference(chunks, columns, rows, t);
      Screen actual = recording.screenAt(t);
      assertThat(actual.text()).as("text at %d", t).isEqualTo(expected.text());
      assertThat(actual).as("screen at %d", t).isEqualTo(expected);
    }
  }

  @Test
  void everyKeyframeIntervalGivesTheSameScreens() {
    Random random = new Random(7);
    List<Chunk> chunks = randomChunks(random, 3_000);
    ScreenRecording everyByte = record(chunks, 10, 4, 1);
    ScreenRecording everyChunkOrSo = record(chunks, 10, 4, 97);
    ScreenRecording defaultInterval = record(chunks, 10, 4, 64 * 1024);
    for (Chunk chunk : chunks) {
      Screen expected = reference(chunks, 10, 4, chunk.offset);
      assertThat(everyByte.screenAt(chunk.offset)).isEqualTo(expected);
      assertThat(everyChunkOrSo.screenAt(chunk.offset)).isEqualTo(expected);
      assertThat(defaultInterval.screenAt(chunk.offset)).isEqualTo(expected);
    }
  }

  @Test
  void beforeTheFirstChunkTheScreenIsBlank() {
    ScreenRecording recording =
        ScreenRecording.builder(5, 2)
            .append(100, "abc".getBytes(UTF_8))
            .append(100, "d".getBytes(UTF_8))
            .append(250, "\r\nxyz".getBytes(UTF_8))
            .build();
    assertThat(recording.screenAt(99)).isEqualTo(TerminalEmulator.create(5, 2).screen());
    assertThat(recording.screenAt(Long.MIN_VALUE).lines()).containsExactly("", "");
    assertThat(recording.screenAt(100).lines()).containsExactly("abcd", "");
    assertThat(recording.screenAt(249).lines()).containsExactly("abcd", "");
    assertThat(recording.screenAt(250).lines()).containsExactly("abcd", "xyz");
    assertThat(recording.screenAt(Long.MAX_VALUE).lines()).containsExactly("abcd", "xyz");
    assertThat(recording.chunkOffsets()).containsExactly(100L, 100L, 250L);
    assertThat(recording.totalBytes()).isEqualTo(9);
    assertThat(recording.columns()).isEqualTo(5);
    assertThat(recording.rows()).isEqualTo(2);
  }

  @Test
  void aSequenceSplitAcrossChunksAndKeyframesStillActs() {
    byte[] stream = ("ab\u001b[31mc\u4e16d\u001b]0;title\u0007e").getBytes(UTF_8);
    ScreenRecording.Builder builder = ScreenRecording.builder(10, 1).setKeyframeIntervalBytes(1);
    for (int i = 0; i < stream.length; i++) {
      builder.append(i, new byte[] {stream[i]});
    }
    ScreenRecording recording = builder.build();
    Screen end = recording.screenAt(stream.length);
    assertThat(end.lines()).containsExactly("abc\u4e16de");
    assertThat(end.cell(0, 2).style().foreground()).isEqualTo(1);
    assertThat(end.title()).isEqualTo("title");
    assertThat(recording.screenAt(3).lines()).containsExactly("ab");
  }

  @Test
  void builderChecksItsInput() {
    ScreenRecording.Builder builder = ScreenRecording.builder(5, 2).append(10, new byte[0]);
    assertThatThrownBy(() -> builder.append(9, new byte[1])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.append(11, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.setKeyframeIntervalBytes(0)).isInstanceOf(IllegalArgumentException.class);
    ScreenRecording empty = ScreenRecording.builder(0, 5000).build();
    assertThat(empty.columns()).isEqualTo(1);
    assertThat(empty.rows()).isEqualTo(1000);
    assertThat(empty.chunkOffsets()).isEmpty();
    assertThat(empty.screenAt(0).lines()).hasSize(1000);
  }

  @Test
  void appendedBytesAreCopied() {
    byte[] bytes = "abc".getBytes(UTF_8);
    ScreenRecording.Builder builder = ScreenRecording.builder(5, 1).append(0, bytes);
    bytes[0] = 'x';
    assertThat(builder.build().screenAt(0).lines()).containsExactly("abc");
  }
}
