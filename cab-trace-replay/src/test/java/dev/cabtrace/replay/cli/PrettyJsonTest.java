package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrettyJsonTest {

  private static final JsonFactory JSON = new JsonFactory();

  @Test
  void writesTheBytesOfJacksonsDefaultPrettyPrinter() throws IOException {
    for (long seed = 0; seed < 200; seed++) {
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      try (JsonGenerator json = JSON.createGenerator(expected)) {
        json.useDefaultPrettyPrinter();
        write(json, new Random(seed), 0);
      }
      ByteArrayOutputStream actual = new ByteArrayOutputStream();
      try (JsonGenerator json = PrettyJson.on(JSON.createGenerator(actual))) {
        write(json, new Random(seed), 0);
      }
      assertThat(actual.toString(java.nio.charset.StandardCharsets.UTF_8)).as("seed %d", seed)
          .isEqualTo(expected.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void indentsPastTheLevelsItMadeAhead() throws IOException {
    ByteArrayOutputStream actual = new ByteArrayOutputStream();
    try (JsonGenerator json = PrettyJson.on(JSON.createGenerator(actual))) {
      for (int level = 0; level < 40; level++) {
        json.writeStartObject();
        json.writeFieldName("k");
      }
      json.writeString("v");
      for (int level = 0; level < 40; level++) {
        json.writeEndObject();
      }
    }
    String text = actual.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text).contains(System.lineSeparator() + "  ".repeat(40) + "\"k\" : \"v\"");
  }

  /** A random document: objects (empty ones too) and arrays nested up to 40 deep, every kind of value. */
  private static void write(JsonGenerator json, Random random, int depth) throws IOException {
    int kind = depth > 40 ? 2 + random.nextInt(4) : random.nextInt(6);
    switch (kind) {
      case 0 -> {
        json.writeStartObject();
        for (int i = random.nextInt(4); i > 0; i--) {
          json.writeFieldName("k" + random.nextInt(100) + (random.nextBoolean() ? "é\"" : ""));
          write(json, random, depth + 1);
        }
        json.writeEndObject();
      }
      case 1 -> {
        json.writeStartArray();
        for (int i = random.nextInt(4); i > 0; i--) {
          write(json, random, depth + 1);
        }
        json.writeEndArray();
      }
      case 2 -> json.writeString("s" + random.nextInt() + "\n\u2028");
      case 3 -> json.writeNumber(random.nextLong());
      case 4 -> json.writeNumber(random.nextDouble());
      default -> {
        if (random.nextBoolean()) {
          json.writeBoolean(random.nextBoolean());
        } else {
          json.writeNull();
        }
      }
    }
  }
}
