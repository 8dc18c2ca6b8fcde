package dev.cabtrace.replay.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void medianIsTheMiddleValueOrTheMeanOfTheMiddleTwo() {
    assertThat(Percentiles.median(new long[] {5, 1, 3})).isEqualTo(3.0);
    assertThat(Percentiles.median(new long[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(Percentiles.median(new long[] {7})).isEqualTo(7.0);
    assertThat(Percentiles.median(new long[] {Long.MAX_VALUE - 1, Long.MAX_VALUE - 1})).isEqualTo((double) (Long.MAX_VALUE - 1));
  }

  @Test
  void p90IsTheNearestRank() {
    long[] ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    assertThat(Percentiles.nearestRank(ten, 90)).isEqualTo(9);   // rank ceil(9.0) = 9
    long[] eleven = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    assertThat(Percentiles.nearestRank(eleven, 90)).isEqualTo(10); // rank ceil(9.9) = 10
    assertThat(Percentiles.nearestRank(new long[] {42}, 90)).isEqualTo(42);
    assertThat(Percentiles.nearestRank(new long[] {1, 2}, 90)).isEqualTo(2);
  }
}
