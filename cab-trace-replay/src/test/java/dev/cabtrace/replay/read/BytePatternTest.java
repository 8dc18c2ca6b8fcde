package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BytePattern}'s matches against a plain byte comparison: at every position of arrays that
 * hold the pattern, near misses of it (one byte changed, one byte short or long) and its prefixes,
 * including runs that end at the array's last byte, where no word can be loaded.
 */
class BytePatternTest {

  private static final String[] PATTERNS = {"k", "name", "kind", "spanId", "traceId", "intValue", "attributes",
      "parentSpanId", "endTimeUnixNano", "{\"key\":\"", "\",\"value\":{\""};

  @Test
  void matchesExactlyWhereThePlainComparisonDoes() {
    Random random = new Random(20261126L);
    int matches = 0;
    for (String text : PATTERNS) {
      BytePattern pattern = new BytePattern(text);
      byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
      for (int run = 0; run < 2_000; run++) {
        byte[] candidate = candidate(bytes, random);
        // The candidate at a random place in a random array, often flush with its end.
        int before = random.nextInt(12);
        int after = random.nextBoolean() ? 0 : random.nextInt(12);
        byte[] b = new byte[before + candidate.length + after];
        for (int k = 0; k < b.length; k++) {
          b[k] = (byte) ('a' + random.nextInt(4));
        }
        System.arraycopy(candidate, 0, b, before, candidate.length);
        int i = before;
        int end = before + candidate.length;

        boolean expectedIs = Arrays.equals(b, i, end, bytes, 0, bytes.length);
        assertThat(pattern.is(b, i, end)).as("%s is %s", text, new String(candidate, StandardCharsets.US_ASCII))
            .isEqualTo(expectedIs);
        assertThat(pattern.is(BytePattern.word(b, i, end), b, i, end)).as("%s is, by word, %s", text,
            new String(candidate, StandardCharsets.US_ASCII)).isEqualTo(expectedIs);
        boolean expectedAt = end - i >= bytes.length && Arrays.equals(b, i, i + bytes.length, bytes, 0, bytes.length);
        assertThat(pattern.at(b, i, end)).as("%s at %s", text, new String(candidate, StandardCharsets.US_ASCII))
            .isEqualTo(expectedAt);
        matches += expectedIs ? 1 : 0;
      }
    }
    assertThat(matches).as("exact matches among the candidates").isGreaterThan(2_000);
  }

  @Test
  void aWordHoldsOnlyTheBytesOfItsRun() {
    byte[] b = "abcdefghij".getBytes(StandardCharsets.US_ASCII);
    assertThat(BytePattern.word(b, 0, 3)).isEqualTo(BytePattern.word("abc".getBytes(StandardCharsets.US_ASCII), 0, 3));
    // Loaded whole (eight bytes fit) and assembled byte by byte (they do not): the same word.
    assertThat(BytePattern.word(b, 0, 3)).isEqualTo(0x636261L);
    assertThat(BytePattern.word(b, 7, 10)).isEqualTo(0x6A6968L);
    assertThat(BytePattern.word(b, 4, 4)).isZero();
  }

  @Test
  void takesOneToSixteenBytes() {
    assertThatThrownBy(() -> new BytePattern("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BytePattern("startTimeUnixNano")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new BytePattern("sixteen-bytes-ok").length()).isEqualTo(16);
  }

  /** The pattern, one byte changed, cut short, one byte longer, or a prefix of it. */
  private static byte[] candidate(byte[] bytes, Random random) {
    switch (random.nextInt(5)) {
      case 0:
        return bytes.clone();
      case 1: {
        byte[] changed = bytes.clone();
        changed[random.nextInt(changed.length)] ^= (byte) (1 << random.nextInt(7));
        return changed;
      }
      case 2:
        return Arrays.copyOf(bytes, bytes.length + 1);
      case 3:
        return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      default: {
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(8));
        longer[bytes.length] = (byte) random.nextInt(128);
        return longer;
      }
    }
  }
}
