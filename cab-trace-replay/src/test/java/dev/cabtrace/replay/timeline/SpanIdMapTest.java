package dev.cabtrace.replay.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpanIdMapTest {

  @Test
  void findsEveryIdAfterMakingRoomAheadOfTimeOrInTheMiddleOfFilling() {
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      SpanIdMap map = new SpanIdMap();
      Map<String, Integer> expected = new HashMap<>();
      int n = random.nextInt(5_000);
      int roomAt = random.nextInt(n + 1);
      int room = random.nextInt(3) == 0 ? random.nextInt(n + 1) : n + random.nextInt(10_000);
      for (int i = 0; i < n; i++) {
        if (i == roomAt) {
          map.ensureCapacity(room);
        }
        long high = random.nextInt(4);
        long low = random.nextInt(4);
        long id = 1 + random.nextInt(20_000);
        String key = high + "/" + low + "/" + id;
        if (!expected.containsKey(key)) {
          map.put(high, low, id, i);
          expected.put(key, i);
        }
      }
      for (Map.Entry<String, Integer> entry : expected.entrySet()) {
        String[] parts = entry.getKey().split("/");
        assertThat(map.get(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])))
            .as("round %d, %s", round, entry.getKey())
            .isEqualTo(entry.getValue());
      }
      assertThat(map.get(9, 9, 1)).isEqualTo(-1);
      assertThat(map.get(0, 0, 20_001)).isEqualTo(-1);
    }
  }

  @Test
  void aTimelineMadeRoomForStillDropsRepeatsAndKeepsTheFirst() {
    TimelineBuilder builder = new TimelineBuilder("hint");
    builder.add(span(1, "first"), 1);
    builder.ensureCapacity(100_000);
    builder.add(span(2, "second"), 2);
    assertThat(builder.add(span(1, "again"), 3)).isFalse();
    builder.ensureCapacity(10); // smaller than what it holds: nothing lost
    assertThat(builder.add(span(2, "again"), 4)).isFalse();
    Timeline timeline = builder.build();
    assertThat(timeline.spans()).extracting(TimelineSpan::name).containsExactly("first", "second");
  }

  private static TimelineSpan.Builder span(long id, String name) {
    return TimelineSpan.builder().setTraceId(1, 1).setSpanId(id).setName(name)
        .setStartEpochNanos(id * 1_000).setEndEpochNanos(id * 1_000 + 500);
  }
}
