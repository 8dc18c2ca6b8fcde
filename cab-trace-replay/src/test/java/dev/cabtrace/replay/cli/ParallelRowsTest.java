package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Lines made a chunk at a time by several threads come out as one thread writes them: in row
 * order, each trimmed and ended; widths are the widest over every chunk; and a row that fails
 * fails the whole write with its own exception.
 */
class ParallelRowsTest {

  private static final List<Integer> ROWS =
      IntStream.range(0, 3 * ParallelRows.CHUNK + 17).boxed().collect(Collectors.toList());

  @Test
  void linesComeOutInRowOrderWhateverTheThreads() throws IOException {
    String expected = ROWS.stream().map(row -> "row " + row + (row % 7 == 0 ? " é" : "") + "\n")
        .collect(Collectors.joining());
    for (int threads = 1; threads <= 3; threads++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ParallelRows.<Integer>write(ROWS, (index, row, line, scratch) -> {
        scratch.setLength(0);
        scratch.append("row ").append(index);
        line.text(scratch);
        if (row % 7 == 0) {
          line.text(" é");
        }
        line.spaces(row % 3); // trailing blanks, trimmed
      }, out, threads);
      assertThat(out.toString(StandardCharsets.UTF_8)).as("%d thread(s)", threads).isEqualTo(expected);
    }
  }

  @Test
  void jsonArrayValuesAreWrittenAsOneGeneratorWritesThem() throws IOException {
    com.fasterxml.jackson.core.JsonFactory factory = TerminalSafeEscapes.utf8JsonFactory();
    for (boolean pretty : new boolean[] {true, false}) {
      ParallelRows.GeneratorMaker generators = stream -> {
        com.fasterxml.jackson.core.JsonGenerator json = factory.createGenerator(stream);
        if (pretty) {
          json.useDefaultPrettyPrinter();
        }
        return json;
      };
      ParallelRows.JsonRows<Integer> rows = json -> (g, row) -> {
        g.writeStartObject();
        g.writeNumberField("row", row);
        g.writeStringField("text", row % 11 == 0 ? "caf\u00e9 \"q\" \u001b[1m" : "r" + row);
        g.writeArrayFieldStart("list");
        g.writeNumber(row);
        g.writeEndArray();
        g.writeEndObject();
      };
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      try (com.fasterxml.jackson.core.JsonGenerator json = generators.make(expected)) {
        json.writeStartObject();
        json.writeArrayFieldStart("rows");
        com.fasterxml.jackson.core.JsonGenerator g = json;
        ParallelRows.JsonRowWriter<Integer> writer = rows.on(g);
        for (Integer row : ROWS) {
          writer.write(g, row);
        }
        json.writeEndArray();
        json.writeNumberField("after", 1);
        json.writeEndObject();
      }
      for (int threads = 2; threads <= 3; threads++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (com.fasterxml.jackson.core.JsonGenerator json = generators.make(out)) {
          json.writeStartObject();
          json.writeArrayFieldStart("rows");
          ParallelRows.jsonArray(json, out, ROWS, rows, generators, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("rows");
          }, threads);
          json.writeEndArray();
          json.writeNumberField("after", 1);
          json.writeEndObject();
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).as("pretty %s, %d threads", pretty, threads)
            .isEqualTo(expected.toString(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void widthsAreTheWidestOverEveryChunk() throws IOException {
    int last = ROWS.size() - 1;
    for (int threads = 1; threads <= 3; threads++) {
      int[] widths = ParallelRows.<Integer>widths(ROWS, new int[] {5, 0}, (columns, index, row) -> {
        columns[0] = Math.max(columns[0], row == 2 * ParallelRows.CHUNK + 3 ? 40 : 1);
        columns[1] = Math.max(columns[1], index == last ? 9 : index % 5);
      }, threads);
      assertThat(widths).as("%d thread(s)", threads).containsExactly(40, 9);
    }
  }

  @Test
  void aRowThatFailsFailsTheWriteWithItsOwnException() {
    IllegalStateException failure = new IllegalStateException("the trace file changed");
    for (int t = 1; t <= 2; t++) {
      int threads = t;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThatThrownBy(() -> ParallelRows.<Integer>write(ROWS, (index, row, line, scratch) -> {
        if (row == ParallelRows.CHUNK + 5) {
          throw failure;
        }
        line.text("x");
      }, out, threads)).isSameAs(failure);
      // The chunks before the failing row's are written whole; nothing after.
      assertThat(out.size()).isEqualTo("x\n".length() * ParallelRows.CHUNK);
    }
  }
}
