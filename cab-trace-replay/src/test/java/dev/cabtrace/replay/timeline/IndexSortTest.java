package dev.cabtrace.replay.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The radix orders are stable sorts by their keys: checked against a comparator sort of boxed
 * positions (stable too).
 */
class IndexSortTest {

  private static int[] expected(long[] key) {
    // Arrays.sort on objects is stable: equal keys keep their positions' order.
    return IntStream.range(0, key.length).boxed()
        .sorted(Comparator.comparingLong(i -> key[i])).mapToInt(Integer::intValue).toArray();
  }

  @Test
  void ordersByTheKeyKeepingEqualKeysInPositionOrder() {
    Random random = new Random(20261126L);
    for (int run = 0; run < 300; run++) {
      int n = random.nextInt(3_000);
      long base = random.nextBoolean() ? 1_781_680_663_106_812_000L : -random.nextInt(1_000);
      long spread = switch (random.nextInt(4)) {
        case 0 -> 10; // many ties
        case 1 -> 1L << 20;
        case 2 -> 1_000_000_000_000L; // a long cell in nanoseconds
        default -> Long.MAX_VALUE / 4;
      };
      long[] key = new long[n];
      for (int i = 0; i < n; i++) {
        key[i] = base + Math.floorMod(random.nextLong(), spread);
      }
      assertThat(IndexSort.order(key)).as("run %d", run).containsExactly(expected(key));
    }
  }

  @Test
  void ordersByStartThenDepthThenTheLongerSpanFirst() {
    Random random = new Random(7);
    for (int run = 0; run < 300; run++) {
      int n = random.nextInt(2_000);
      long[] starts = new long[n];
      int[] depths = new int[n];
      long[] ends = new long[n];
      boolean extreme = run % 10 == 0;
      // Extreme depths and ends within runs of equal starts, short and long ones.
      boolean extremeTies = run % 10 == 1;
      long[] wild = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE};
      int[] wildDepths = {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE};
      for (int i = 0; i < n; i++) {
        starts[i] = extreme ? random.nextLong()
            : extremeTies ? random.nextInt(1 + run % 7)
            : 1_781_680_663_000_000_000L + random.nextInt(50) * 1_000L;
        depths[i] = extremeTies ? wildDepths[random.nextInt(wildDepths.length)] : random.nextInt(4);
        ends[i] = extreme && random.nextBoolean() ? random.nextLong()
            : extremeTies ? (random.nextBoolean() ? wild[random.nextInt(wild.length)] : random.nextLong())
            : starts[i] + random.nextInt(5) * 1_000L;
      }
      int[] expected = IntStream.range(0, n).boxed()
          .sorted(Comparator.<Integer>comparingLong(i -> starts[i]).thenComparingInt(i -> depths[i])
              .thenComparing(Comparator.<Integer>comparingLong(i -> ends[i]).reversed()))
          .mapToInt(Integer::intValue).toArray();
      assertThat(IndexSort.order(starts, depths, ends)).as("run %d", run).containsExactly(expected);
    }
  }

  @Test
  void keysTooFarApartForOneLongStillSort() {
    long[] key = {Long.MAX_VALUE, Long.MIN_VALUE, 0, Long.MIN_VALUE, -1, Long.MAX_VALUE};
    assertThat(IndexSort.order(key)).containsExactly(expected(key));
    assertThat(IndexSort.order(new long[0])).isEmpty();
    assertThat(IndexSort.order(new long[] {7})).containsExactly(0);
    long[] same = new long[50];
    Arrays.fill(same, 42);
    assertThat(IndexSort.order(same)).containsExactly(IntStream.range(0, 50).toArray());
  }

  @Test
  void permutesTwoArraysInPlaceAsAGatherWould() {
    Random random = new Random(26);
    for (int run = 0; run < 200; run++) {
      int n = random.nextInt(2_000);
      // Shuffled positions (cycles of every length), or in every third run only neighbours
      // swapped now and then (fixed points and short cycles).
      int[] order = IntStream.range(0, n).toArray();
      for (int i = n - 1; i > 0; i--) {
        int j = run % 3 == 0 ? i - random.nextInt(2) : random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      long[] a = random.longs(n).toArray();
      long[] b = random.longs(n).toArray();
      long[] gatheredA = new long[n];
      long[] gatheredB = new long[n];
      for (int i = 0; i < n; i++) {
        gatheredA[i] = a[order[i]];
        gatheredB[i] = b[order[i]];
      }
      IndexSort.permute(order.clone(), a, b);
      assertThat(a).as("run %d", run).containsExactly(gatheredA);
      assertThat(b).as("run %d", run).containsExactly(gatheredB);
    }
  }

  @Test
  void aRenumberedOrderIsTheStableOrderInTheNewNumbers() {
    Random random = new Random(1127);
    for (int run = 0; run < 200; run++) {
      int n = random.nextInt(1_500);
      long[] key = new long[n];
      for (int i = 0; i < n; i++) {
        key[i] = random.nextInt(run % 2 == 0 ? 5 : 1_000); // many ties, or few
      }
      List<Integer> shuffled = new java.util.ArrayList<>(IntStream.range(0, n).boxed().toList());
      java.util.Collections.shuffle(shuffled, random);
      int[] renumber = shuffled.stream().mapToInt(Integer::intValue).toArray();
      long[] keyInNewNumbers = new long[n];
      for (int p = 0; p < n; p++) {
        keyInNewNumbers[renumber[p]] = key[p];
      }
      assertThat(IndexSort.renumbered(IndexSort.order(key), renumber, keyInNewNumbers)).as("run %d", run)
          .containsExactly(expected(keyInNewNumbers));
    }
  }
}
