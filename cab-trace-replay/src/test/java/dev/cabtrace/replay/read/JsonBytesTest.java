package dev.cabtrace.replay.read;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonBytes#skipValue} against Jackson: where it skips a value, Jackson reads one value
 * ending at the same byte; on JSON within its limits it always skips. Inputs are generated values
 * (nested to the depth limit) and their byte-level mutations.
 */
class JsonBytesTest {

  private static final JsonFactory JACKSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(10_000).build())
      .build();

  @Test
  void skippingAnEmptyListOrObjectFirstEndsWhereSkipValueEnds() {
    Random random = new Random(11);
    for (String text : new String[] {"[]", "{}", "[],1", "{}]", "[ ]", "{ }", "[", "{", "]", "}", "[}", "{]", "[]]", "",
        "259,", "\"a\"", "[1]", "{\"a\":[]}"}) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      for (int end = 0; end <= bytes.length; end++) {
        assertThat(JsonBytes.skipEmptyOrValue(bytes, 0, end)).as("%s to %d", text, end)
            .isEqualTo(JsonBytes.skipValue(bytes, 0, end));
      }
    }
    for (int run = 0; run < 5_000; run++) {
      byte[] bytes = mutate(value(random, 0).getBytes(StandardCharsets.UTF_8), random);
      assertThat(JsonBytes.skipEmptyOrValue(bytes, 0, bytes.length)).isEqualTo(JsonBytes.skipValue(bytes, 0, bytes.length));
    }
  }

  @Test
  void skipsExactlyTheValueJacksonReadsAndNothingJacksonRejects() throws IOException {
    Random random = new Random(20261126L);
    int skipped = 0;
    int left = 0;
    for (int run = 0; run < 40_000; run++) {
      String text = value(random, 0);
      byte[] valid = (text + (random.nextBoolean() ? "" : " ,\"tail\"]")).getBytes(StandardCharsets.UTF_8);
      int end = JsonBytes.skipValue(valid, 0, valid.length);
      assertThat(end).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
      assertThat(jacksonEnd(valid, valid.length)).as(text).isEqualTo(end);

      byte[] mutated = mutate(valid, random);
      int mutatedEnd = JsonBytes.skipValue(mutated, 0, mutated.length);
      if (mutatedEnd == JsonBytes.FAIL) {
        left++;
      } else {
        skipped++;
        assertThat(jacksonEnd(mutated, mutated.length))
            .as("skipped %s", new String(mutated, StandardCharsets.ISO_8859_1))
            .isEqualTo(mutatedEnd);
      }
    }
    assertThat(skipped).as("mutations still values").isGreaterThan(1_000);
    assertThat(left).as("mutations left to Jackson").isGreaterThan(1_000);
  }

  @Test
  void nestsToItsDepthLimitAndNoFurther() throws IOException {
    for (String open : new String[] {"[", "{\"k\":"}) {
      String close = open.equals("[") ? "]" : "}";
      for (int depth = 98; depth <= 103; depth++) {
        String inner = depth % 2 == 0 ? "1" : (open.equals("[") ? "[]" : "{}");
        byte[] nested = (open.repeat(depth) + inner + close.repeat(depth)).getBytes(StandardCharsets.UTF_8);
        int end = JsonBytes.skipValue(nested, 0, nested.length);
        // Values inside up to 100 containers are skipped; deeper ones are left to Jackson.
        if (depth <= 100) {
          assertThat(end).as("depth %d", depth).isEqualTo(nested.length);
        } else {
          assertThat(end).as("depth %d", depth).isEqualTo(JsonBytes.FAIL);
        }
        assertThat(jacksonEnd(nested, nested.length)).isEqualTo(nested.length);
      }
    }
  }

  @Test
  void keepsTheKindOfEachOpenContainerPastSixtyFourLevels() throws IOException {
    Random random = new Random(64);
    for (int run = 0; run < 200; run++) {
      int depth = 60 + random.nextInt(41); // 60 to 100: across the two words of kinds
      StringBuilder open = new StringBuilder();
      StringBuilder close = new StringBuilder();
      for (int d = 0; d < depth; d++) {
        boolean object = random.nextBoolean();
        open.append(object ? "{\"k\":" : "[");
        close.insert(0, object ? "}" : "]");
      }
      byte[] good = (open + "1" + close).getBytes(StandardCharsets.UTF_8);
      assertThat(JsonBytes.skipValue(good, 0, good.length)).isEqualTo(good.length);
      // The same with one closer of the wrong kind: left to Jackson, which rejects it too.
      int wrong = open.length() + 1 + random.nextInt(close.length());
      byte[] bad = good.clone();
      bad[wrong] = (byte) (bad[wrong] == '}' ? ']' : '}');
      assertThat(JsonBytes.skipValue(bad, 0, bad.length)).as(new String(bad, StandardCharsets.UTF_8)).isEqualTo(JsonBytes.FAIL);
      assertThat(jacksonEnd(bad, bad.length)).isEqualTo(JsonBytes.FAIL);
    }
  }

  /**
   * Where the one value Jackson reads from {@code b} ends, or FAIL when it rejects it. The value is
   * read as an array's first element, as the scanner meets values, not as a root-level one (which
   * Jackson wants followed by a space).
   */
  private static int jacksonEnd(byte[] b, int length) {
    byte[] inArray = new byte[length + 1];
    inArray[0] = '[';
    System.arraycopy(b, 0, inArray, 1, length);
    try (JsonParser parser = JACKSON.createParser(inArray)) {
      parser.nextToken();
      if (parser.nextToken() == null) {
        return JsonBytes.FAIL;
      }
      parser.skipChildren();
      parser.finishToken();
      return (int) parser.currentLocation().getByteOffset() - 1;
    } catch (IOException e) {
      return JsonBytes.FAIL;
    }
  }

  private static String value(Random random, int depth) {
    int kind = random.nextInt(depth >= 6 ? 5 : 8);
    switch (kind) {
      case 0:
        return "\"" + string(random) + "\"";
      case 1:
        return Long.toString(random.nextLong() % 100_000);
      case 2:
        return random.nextBoolean() ? "1.5e-3" : "-0.25";
      case 3:
        return random.nextBoolean() ? "true" : "false";
      case 4:
        return "null";
      case 5:
      case 6: {
        StringBuilder out = new StringBuilder("{");
        int members = random.nextInt(4);
        for (int m = 0; m < members; m++) {
          out.append(m > 0 ? "," : "").append(space(random)).append('"').append(string(random)).append('"')
              .append(space(random)).append(':').append(space(random)).append(value(random, depth + 1)).append(space(random));
        }
        return out.append('}').toString();
      }
      default: {
        StringBuilder out = new StringBuilder("[");
        int elements = random.nextInt(4);
        for (int e = 0; e < elements; e++) {
          out.append(e > 0 ? "," : "").append(space(random)).append(value(random, depth + 1)).append(space(random));
        }
        return out.append(']').toString();
      }
    }
  }

  private static String string(Random random) {
    String[] parts = {"a", "key", "\\n", "\\\"", "\\u00e9", "é", "☃", "💡", " ", "\\/"};
    StringBuilder out = new StringBuilder();
    int n = random.nextInt(4);
    for (int k = 0; k < n; k++) {
      out.append(parts[random.nextInt(parts.length)]);
    }
    return out.toString();
  }

  private static String space(Random random) {
    return random.nextInt(4) == 0 ? " \n\t".substring(random.nextInt(3)) : "";
  }

  private static byte[] mutate(byte[] valid, Random random) {
    byte[] out = valid.clone();
    int changes = 1 + random.nextInt(3);
    byte[] special = "{}[],:\"\\ 0-e.tfn\u0001".getBytes(StandardCharsets.ISO_8859_1);
    for (int c = 0; c < changes && out.length > 0; c++) {
      int at = random.nextInt(out.length);
      out[at] = random.nextBoolean() ? special[random.nextInt(special.length)] : (byte) random.nextInt(256);
    }
    return out;
  }
}
