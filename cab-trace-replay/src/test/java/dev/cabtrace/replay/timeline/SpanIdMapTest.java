package dev.cabtrace.replay.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpanIdMapTest {

  @Test
  void findsEveryIdOfEveryTraceWhetherTheTracesComeOneAtATimeOrInterleaved() {
    findsEveryId(true);
  }

  @Test
  void aMapWithoutPositionsFindsEveryIdAsZero() {
    findsEveryId(false);
  }

  /** Random ids in random traces against a HashMap; without positions, a found id gives 0. */
  private static void findsEveryId(boolean positions) {
    Random random = new Random(7);
    for (int round = 0; round < 60; round++) {
      SpanIdMap map = new SpanIdMap(positions);
      Map<String, Integer> expected = new HashMap<>();
      int n = random.nextInt(6_000);
      int traces = 1 + random.nextInt(round % 3 == 0 ? 2 : 300);
      boolean grouped = random.nextBoolean();
      for (int i = 0; i < n; i++) {
        int trace = grouped ? (int) ((long) i * traces / Math.max(1, n)) : random.nextInt(traces);
        // Traces share halves of their ids: (0, 1) and (1, 0) are two traces, as are (1, 1) and (2, 1).
        long high = round % 2 == 0 ? trace % 3 : trace;
        long low = round % 2 == 0 ? trace / 3 : trace % 5;
        long id = 1 + random.nextInt(round % 2 == 0 ? 20_000 : Integer.MAX_VALUE);
        String key = high + "/" + low + "/" + id;
        Integer before = expected.get(key);
        assertThat(map.get(high, low, id)).as("round %d, before %s", round, key)
            .isEqualTo(before == null ? -1 : positions ? before : 0);
        if (before == null) {
          map.put(high, low, id, i);
          expected.put(key, i);
        }
      }
      for (Map.Entry<String, Integer> entry : expected.entrySet()) {
        String[] parts = entry.getKey().split("/");
        assertThat(map.get(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])))
            .as("round %d, %s", round, entry.getKey())
            .isEqualTo(positions ? entry.getValue() : 0);
      }
      assertThat(map.get(9_999, 9_999, 1)).isEqualTo(-1);
    }
  }

  @Test
  void idsMadeToCollideUnderAFixedHashDoNotPileUpInOneRunOfSlots() {
    // Under the fixed multiply-and-fold hash this map had before (h = id * C; h ^ h >>> 32), each
    // of these ids went to slot 0: a traced program could make every lookup probe them all.
    long c = 0xBF58476D1CE4E5B9L;
    long inverse = c; // C's inverse modulo 2^64, by Newton's iteration
    for (int i = 0; i < 6; i++) {
      inverse *= 2 - c * inverse;
    }
    for (boolean positions : new boolean[] {true, false}) {
      SpanIdMap map = new SpanIdMap(positions);
      for (int k = 1; k <= 20_000; k++) {
        map.put(7, 7, ((long) k << 32 | k) * inverse, k);
      }
      assertThat(map.longestProbe()).isLessThan(200);
      for (int k = 1; k <= 20_000; k++) {
        assertThat(map.get(7, 7, ((long) k << 32 | k) * inverse)).isEqualTo(positions ? k : 0);
      }
    }
  }

  @Test
  void spanIdZeroIsNeverFoundAndCannotBePut() {
    SpanIdMap map = new SpanIdMap();
    map.put(1, 1, 5, 0);
    assertThat(map.get(1, 1, 0)).isEqualTo(-1);
    assertThatThrownBy(() -> map.put(1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTraceOfManySpansAndManyTracesOfFewKeepEveryId() {
    SpanIdMap map = new SpanIdMap();
    for (int i = 0; i < 200_000; i++) {
      map.put(1, 1, 0x9E3779B97F4A7C15L * (i + 1), i);
    }
    for (int t = 0; t < 50_000; t++) {
      map.put(2, t, 1 + t % 3, t);
      if (t % 3 == 2) {
        map.put(2, t, 99, -t);
      }
    }
    for (int i = 0; i < 200_000; i++) {
      assertThat(map.get(1, 1, 0x9E3779B97F4A7C15L * (i + 1))).isEqualTo(i);
    }
    for (int t = 0; t < 50_000; t++) {
      assertThat(map.get(2, t, 1 + t % 3)).isEqualTo(t);
      assertThat(map.get(2, t, 99)).isEqualTo(t % 3 == 2 ? -t : -1);
    }
  }

  @Test
  void aTimelineKeepsTheSameSpanIdInTwoTracesAndDropsARepeatWithinOne() {
    TimelineBuilder builder = new TimelineBuilder("two traces");
    assertThat(builder.add(span(1, 1, "first"), 1)).isTrue();
    assertThat(builder.add(span(2, 1, "other trace"), 2)).isTrue();
    assertThat(builder.add(span(1, 2, "second"), 3)).isTrue();
    assertThat(builder.add(span(1, 1, "again"), 4)).isFalse();
    assertThat(builder.add(span(2, 1, "again"), 5)).isFalse();
    Timeline timeline = builder.build();
    assertThat(timeline.spans()).extracting(TimelineSpan::name)
        .containsExactlyInAnyOrder("first", "other trace", "second");
  }

  private static TimelineSpan.Builder span(long trace, long id, String name) {
    return TimelineSpan.builder().setTraceId(1, trace).setSpanId(id).setName(name)
        .setStartEpochNanos(id * 1_000).setEndEpochNanos(id * 1_000 + 500);
  }
}
