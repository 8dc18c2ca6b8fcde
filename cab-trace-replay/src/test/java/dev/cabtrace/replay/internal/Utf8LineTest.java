package dev.cabtrace.replay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A line built as UTF-8 against the String it stands for: its bytes as the JDK encodes it, its length in chars. */
class Utf8LineTest {

  private static final char[] ALPHABET = {
    'a', ' ', '\t', '\u00e9', '\u21b3', '\u2026', '\u2003', '\u3000', '\u00a0', '\ud83d', '\ude00', '\udbff', '\udfff'
  };

  @Test
  void textNumbersAndPaddingAreTheStringsBytesAndLength() {
    Random random = new Random(5);
    for (int round = 0; round < 2_000; round++) {
      StringBuilder expected = new StringBuilder();
      // Each text is encoded on its own: a half pair at the end of one is not joined to the next.
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      Utf8Line line = new Utf8Line();
      for (int part = random.nextInt(8); part >= 0; part--) {
        switch (random.nextInt(4)) {
          case 0 -> {
            long number = random.nextInt(3) == 0 ? Long.MIN_VALUE + random.nextInt(2) : random.nextLong() >> random.nextInt(64);
            expected.append(number);
            bytes.writeBytes(Long.toString(number).getBytes(StandardCharsets.UTF_8));
            line.number(number);
          }
          case 1 -> {
            int spaces = random.nextInt(5) - 1;
            expected.append(" ".repeat(Math.max(0, spaces)));
            bytes.writeBytes(" ".repeat(Math.max(0, spaces)).getBytes(StandardCharsets.UTF_8));
            line.spaces(spaces);
          }
          default -> {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(600); i > 0; i--) {
              text.append(random.nextBoolean() ? (char) ('a' + random.nextInt(26)) : ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            expected.append(text);
            bytes.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
            line.text(text);
          }
        }
      }
      assertThat(line.chars()).isEqualTo(expected.length());
      assertThat(java.util.Arrays.copyOf(line.bytes(), line.length())).isEqualTo(bytes.toByteArray());
      // Trailing whitespace as String.strip's neighbour, Character.isWhitespace, sees it.
      int end = expected.length();
      while (end > 0 && Character.isWhitespace(expected.charAt(end - 1))) {
        end--;
      }
      line.trimTrailingWhitespace();
      assertThat(line.chars()).isEqualTo(end);
      // What is cut is whitespace, which is never a half pair: the bytes kept are a prefix.
      int cut = bytes.size() - line.length();
      assertThat(new String(bytes.toByteArray(), line.length(), cut, StandardCharsets.UTF_8)).isBlank();
      assertThat(java.util.Arrays.copyOf(line.bytes(), line.length()))
          .isEqualTo(java.util.Arrays.copyOf(bytes.toByteArray(), line.length()));
    }
  }
}
