package dev.cabtrace.replay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The JDK's own {@code Instant.toString} is the reference, over the whole range of long nanoseconds. */
class TimestampsTest {

  private static String reference(long epochNanos) {
    return Instant.ofEpochSecond(0, epochNanos).toString();
  }

  @Test
  void writesWhatInstantWritesAtTheEdges() {
    long[] edges = {
      0, 1, -1, 999, 1000, 1_000_000, 999_999_999, 1_000_000_000, -1_000_000_000, -999_999_999,
      Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1,
      1_781_680_663_106_812_000L, // the seed cell's first span
      951_782_400_000_000_000L, // 2000-02-29
      946_684_799_999_999_999L, // the last nanosecond of 1999
      4_107_542_400_000_000_000L, // 2100-03-01
      -2_208_988_800_000_000_000L, // 1900-01-01
    };
    for (long nanos : edges) {
      assertThat(Timestamps.iso(nanos)).as("%d", nanos).isEqualTo(reference(nanos));
    }
  }

  @Test
  void writesWhatInstantWritesForAMillionRandomTimes() {
    SplittableRandom random = new SplittableRandom(17);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 1_000_000; i++) {
      long nanos = random.nextLong();
      // Whole seconds, milliseconds and microseconds too: each has its own fraction length.
      switch (i % 4) {
        case 1 -> nanos -= Math.floorMod(nanos, 1_000_000_000L);
        case 2 -> nanos -= Math.floorMod(nanos, 1_000_000L);
        case 3 -> nanos -= Math.floorMod(nanos, 1000L);
        default -> { }
      }
      out.setLength(0);
      assertThat(Timestamps.appendIso(out, nanos).toString()).as("%d", nanos).isEqualTo(reference(nanos));
      assertThat(Timestamps.isoLength(nanos)).as("length at %d", nanos).isEqualTo(out.length());
    }
  }
}
