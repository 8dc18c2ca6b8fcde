package dev.cabtrace.sdk.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Strings written again from their kept JSON text against the same strings encoded each time. */
class EncodedStringsTest {

  @Test
  void aStringWrittenAgainIsTheTextItWasTheFirstTime() {
    Random random = new Random(3);
    String[] pieces = {"chat qwen", "\"", "\\", "\n", "\u0001", "caf\u00e9", "\ud83d\ude00", "\ud83d", "x".repeat(300), ""};
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int k = random.nextInt(4); k >= 0; k--) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      strings.add(text.toString());
    }
    LineBuffer kept = new LineBuffer(16);
    LineBuffer plain = new LineBuffer(16);
    EncodedStrings encoded = new EncodedStrings(kept);
    // The same instances again and again, and others between them that fall into their slots.
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 2_000; i++) {
        String text = strings.get(random.nextInt(strings.size()));
        encoded.write(text);
        plain.writeString(text);
      }
    }
    assertThat(kept.toString(StandardCharsets.UTF_8)).isEqualTo(plain.toString(StandardCharsets.UTF_8));
    assertThat(kept.size()).isEqualTo(plain.size());
  }
}
