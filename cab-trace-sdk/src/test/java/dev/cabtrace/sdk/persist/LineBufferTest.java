package dev.cabtrace.sdk.persist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The buffer writes strings and numbers byte for byte as jackson-core's generator does, as the
 * capture files written before it did.
 */
class LineBufferTest {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  @Test
  void escapesEveryAsciiCharacterAsJackson() throws IOException {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 128; c++) {
      all.append(c);
      assertSameAsJackson(String.valueOf(c));
    }
    assertSameAsJackson(all.toString());
  }

  @Test
  void writesUnicodeAsJackson() throws IOException {
    List<String> texts =
        List.of(
            "",
            "é à ü ß ÿ \u0080 \u07ff",
            "\u0800 世界 \u2028 \u2029 \ufeff \uffff",
            "emoji 😀 and 𝄞 after it",
            "a lone high \ud83d surrogate",
            "a lone low \ude00 surrogate",
            "\ude00\ud83d reversed",
            "ends on a high surrogate \ud83d",
            "\udbff".repeat(5_000) + " many lone ones, past the initial size",
            "tab\tnew\nline\r\u0000\u001f\u007f\\\"/");
    for (String text : texts) {
      assertSameAsJackson(text);
    }
  }

  @Test
  void writesRandomStringsAsJackson() throws IOException {
    Random random = new Random(17);
    for (int n = 0; n < 2_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(40);
      for (int i = 0; i < length; i++) {
        switch (random.nextInt(4)) {
          case 0:
            text.append((char) random.nextInt(0x80));
            break;
          case 1:
            text.append((char) random.nextInt(0x800));
            break;
          case 2:
            text.append((char) random.nextInt(0x10000));
            break;
          default:
            text.appendCodePoint(0x10000 + random.nextInt(0x100000));
        }
      }
      assertSameAsJackson(text.toString());
    }
  }

  @Test
  void writesHugeStringsPastTheInitialSize() throws IOException {
    StringBuilder text = new StringBuilder();
    while (text.length() < 3_000_000) {
      text.append("line ").append(text.length()).append(" \"quoted\" é 世界 😀\n");
    }
    assertSameAsJackson(text.toString());
    assertSameAsJackson("x".repeat(1_000_000) + "\n");
  }

  @Test
  void writesLongsAsLongToString() {
    List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
    long power = 1;
    for (int i = 0; i < 19; i++) {
      values.addAll(List.of(power - 1, power, power + 1, -power));
      power *= 10;
    }
    Random random = new Random(17);
    for (int i = 0; i < 10_000; i++) {
      values.add(random.nextLong() >> random.nextInt(64));
    }
    LineBuffer buffer = new LineBuffer(4);
    for (long value : values) {
      buffer.reset();
      buffer.writeLong(value);
      assertThat(buffer.toString(StandardCharsets.US_ASCII)).isEqualTo(Long.toString(value));
      buffer.reset();
      buffer.writeUnsignedLong(value);
      assertThat(buffer.toString(StandardCharsets.US_ASCII))
          .isEqualTo(Long.toUnsignedString(value));
    }
  }

  @Test
  void writesDoublesAsJackson() throws IOException {
    double[] values = {
      0.0, -0.0, 0.25, -1.5, 1e-7, 123456789.125, 1e300, Double.MIN_VALUE, Double.MAX_VALUE,
      Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
    };
    for (double value : values) {
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      try (JsonGenerator json = JSON.createGenerator(expected)) {
        json.writeNumber(value);
      }
      LineBuffer buffer = new LineBuffer(1);
      buffer.writeDouble(value);
      assertThat(buffer.toString(StandardCharsets.UTF_8))
          .as("%s", value)
          .isEqualTo(expected.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void keepsUnpairedSurrogatesAsEscapesThatReadBackTheSame() throws IOException {
    String text = "a \ud83d b \ude00 c \ude00\ud83d d \ud83d\ude00 e \ud83d";
    LineBuffer buffer = new LineBuffer(8);
    buffer.writeString(text);
    String written = buffer.toString(StandardCharsets.UTF_8);
    assertThat(written).isEqualTo("\"a \\uD83D b \\uDE00 c \\uDE00\\uD83D d \\uD83D\\uDE00 e \\uD83D\"");
    try (JsonParser parser = JSON.createParser(buffer.copyFrom(0))) {
      parser.nextToken();
      assertThat(parser.getText()).isEqualTo(text);
    }
  }

  /** Jackson's bytes for {@code text}. */
  private static void assertSameAsJackson(String text) throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(expected)) {
      json.writeString(text);
    }
    // A small buffer, with something in it already, so that growing is exercised too.
    LineBuffer buffer = new LineBuffer(8);
    buffer.write('[');
    buffer.writeString(text);
    byte[] ours = buffer.copyFrom(1);
    assertThat(ours).as("%s", text).isEqualTo(expected.toByteArray());
  }

}
