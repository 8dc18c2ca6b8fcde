package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.timeline.Timeline;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid traces (byte flips, truncation, duplication, splicing) thousands of times: every
 * load must end in a timeline or in the reader's own error, with no other exception. (How fast a
 * load is belongs to {@code ReplayBenchmark}, not to a unit test.)
 */
class TraceReaderFuzzTest {

  private static final int RUNS = 4_000;

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = TraceReaderFuzzTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void mutatedTracesLoadOrFailCleanly() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (String name : List.of("seed-cell.otlp.jsonl", "aider-cell.official-otlp-stdout-1.63.jsonl",
        "seed-cell.tempo-v1.json", "seed-cell.tempo-v2.json", "seed-cell.jaeger.json", "seed-cell.zipkin.json")) {
      seeds.add(resource(name));
    }
    Random random = new Random(20261124L);
    int loaded = 0;
    int rejected = 0;
    for (int run = 0; run < RUNS; run++) {
      byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), seeds.get(random.nextInt(seeds.size())), random);
      try {
        Timeline timeline = TraceReader.create().read(new ByteArrayInputStream(input), "fuzz-" + run);
        assertThat(timeline.size()).isPositive();
        // The loaded timeline must be usable: frames anywhere, a cursor to the end.
        timeline.frame(timeline.durationNanos() / 2);
        timeline.cursor().end().stepSpanBack().tickForward();
        loaded++;
      } catch (TraceReadException expected) {
        assertThat(expected.getMessage()).isNotBlank().doesNotContain("\n");
        rejected++;
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        throw new AssertionError("run " + run + " threw " + e + " on input: "
            + new String(input, 0, Math.min(400, input.length), java.nio.charset.StandardCharsets.ISO_8859_1), e);
      }
    }
    assertThat(loaded + rejected).isEqualTo(RUNS);
    assertThat(loaded).as("most mutations still hold spans").isGreaterThan(RUNS / 4);
    assertThat(rejected).as("some mutations leave nothing to load").isPositive();
  }

  static byte[] mutate(byte[] seed, byte[] other, Random random) {
    byte[] out = seed.clone();
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      switch (random.nextInt(5)) {
        case 0: // flip bytes
          for (int i = 0, n = 1 + random.nextInt(8); i < n && out.length > 0; i++) {
            out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
          }
          break;
        case 1: // truncate
          out = java.util.Arrays.copyOf(out, random.nextInt(out.length + 1));
          break;
        case 2: { // duplicate a slice
          if (out.length == 0) {
            break;
          }
          int from = random.nextInt(out.length);
          int length = random.nextInt(Math.min(2000, out.length - from) + 1);
          byte[] grown = new byte[out.length + length];
          System.arraycopy(out, 0, grown, 0, from + length);
          System.arraycopy(out, from, grown, from + length, out.length - from);
          out = grown;
          break;
        }
        case 3: { // splice in part of another trace
          int cut = random.nextInt(out.length + 1);
          int otherFrom = random.nextInt(other.length + 1);
          byte[] spliced = new byte[cut + other.length - otherFrom];
          System.arraycopy(out, 0, spliced, 0, cut);
          System.arraycopy(other, otherFrom, spliced, cut, other.length - otherFrom);
          out = spliced;
          break;
        }
        default: // random garbage in place
          for (int i = 0, n = random.nextInt(64); i < n && out.length > 0; i++) {
            out[random.nextInt(out.length)] = (byte) random.nextInt(256);
          }
      }
    }
    return out;
  }
}
