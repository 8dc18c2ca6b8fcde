package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteKeyTest {

  @Test
  void keysWhoseWordsDifferInTheirTopBitsDoNotShareAHash() {
    // 1,024 keys of ten word pairs, each pair either as is or with the top bit of both words
    // flipped: under a multiply-only hash ((h ^ w) * C, word after word) the flips cancel out and
    // every key has the same hash.
    Set<Integer> hashes = new HashSet<>();
    Set<ByteKey> keys = new HashSet<>();
    for (int variant = 0; variant < 1 << 10; variant++) {
      byte[] bytes = new byte[20 * 8];
      Arrays.fill(bytes, (byte) 'a');
      for (int pair = 0; pair < 10; pair++) {
        if ((variant >>> pair & 1) != 0) {
          bytes[(2 * pair) * 8 + 7] ^= (byte) 0x80; // the top bit of a little-endian word
          bytes[(2 * pair + 1) * 8 + 7] ^= (byte) 0x80;
        }
      }
      ByteKey key = new ByteKey(bytes, 0, bytes.length);
      hashes.add(key.hashCode());
      keys.add(key);
    }
    assertThat(keys).hasSize(1 << 10);
    assertThat(hashes).hasSizeGreaterThan(1_000);
  }

  @Test
  void equalBytesAreEqualKeysWithEqualHashesWhereverTheyLie() {
    byte[] one = "xx{\"name\":\"scope\"}yy".getBytes(StandardCharsets.UTF_8);
    byte[] other = "{\"name\":\"scope\"}".getBytes(StandardCharsets.UTF_8);
    ByteKey a = new ByteKey(one, 2, one.length - 2);
    ByteKey b = new ByteKey(other, 0, other.length);
    assertThat(a).isEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
    assertThat(new ByteKey(other, 0, other.length - 1)).isNotEqualTo(b);
  }
}
