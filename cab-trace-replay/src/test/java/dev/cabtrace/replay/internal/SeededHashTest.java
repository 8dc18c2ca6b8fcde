package dev.cabtrace.replay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeededHashTest {

  @Test
  void valuesJavasHashesCollideOnGetHashesOfTheirOwn() {
    Set<Integer> javaHashes = new HashSet<>();
    Set<Long> strings = new HashSet<>();
    Set<Long> maps = new HashSet<>();
    Set<Long> longs = new HashSet<>();
    for (int variant = 0; variant < 1 << 10; variant++) {
      StringBuilder text = new StringBuilder();
      for (int pair = 0; pair < 10; pair++) {
        text.append((variant >>> pair & 1) == 0 ? "Aa" : "BB"); // one String.hashCode for all
      }
      javaHashes.add(text.toString().hashCode());
      strings.add(SeededHash.of(text.toString()));
      maps.add(SeededHash.of(Map.of("service.name", text.toString(), "cab.cell_id", "cell")));
      longs.add(SeededHash.of((long) variant << 32 | variant)); // Long.hashCode 0 for all
    }
    assertThat(javaHashes).hasSize(1);
    assertThat(strings).hasSizeGreaterThan(1_000);
    assertThat(maps).hasSizeGreaterThan(1_000);
    assertThat(longs).hasSizeGreaterThan(1_000);
  }

  @Test
  void valuesOfDifferentKindsDoNotHashAlikeWhateverTheSeed() {
    // With one seed for every kind, a one-character string c hashed as the count 1 ^ c did.
    for (char c = 'a'; c <= 'z'; c++) {
      assertThat(SeededHash.of(String.valueOf(c))).isNotEqualTo(SeededHash.of((long) (1 ^ c)));
    }
    assertThat(SeededHash.of(1.0)).isNotEqualTo(SeededHash.of(Double.doubleToLongBits(1.0)));
  }

  @Test
  void bytesJavasHashesCollideOnGetHashesOfTheirOwn() {
    // ByteBuffer's hash is 31 * h + b, from the last byte back: bytes (x, y) and (x + 31, y - 1) hash alike.
    Set<Integer> javaHashes = new HashSet<>();
    Set<Long> hashes = new HashSet<>();
    for (int variant = 0; variant < 1 << 10; variant++) {
      byte[] bytes = new byte[20];
      for (int pair = 0; pair < 10; pair++) {
        boolean shifted = (variant >>> pair & 1) != 0;
        bytes[2 * pair] = (byte) (shifted ? 95 : 64);
        bytes[2 * pair + 1] = (byte) (shifted ? 99 : 100);
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      javaHashes.add(buffer.hashCode());
      hashes.add(SeededHash.of(buffer));
    }
    assertThat(javaHashes).hasSize(1);
    assertThat(hashes).hasSizeGreaterThan(1_000);
  }

  @Test
  void equalValuesHashAlikeWhateverTheOrderOfAMapsEntries() {
    Map<String, Object> one = new LinkedHashMap<>();
    one.put("a", "x");
    one.put("b", 2L);
    one.put("c", List.of("p", "q"));
    one.put("d", 1.5);
    Map<String, Object> other = new LinkedHashMap<>();
    other.put("d", 1.5);
    other.put("c", List.of("p", "q"));
    other.put("b", 2L);
    other.put("a", "x");
    assertThat(one).isEqualTo(other);
    assertThat(SeededHash.of(one)).isEqualTo(SeededHash.of(other));
    assertThat(SeededHash.of(one)).isEqualTo(SeededHash.of(Map.copyOf(one)));
    assertThat(SeededHash.of(List.of("p", "q"))).isNotEqualTo(SeededHash.of(List.of("q", "p")));
  }
}
