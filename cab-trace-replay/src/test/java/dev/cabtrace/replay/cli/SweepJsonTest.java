package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.replay.ledger.CellScore;
import dev.cabtrace.replay.ledger.SweepGroup;
import dev.cabtrace.replay.ledger.SweepLedger;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code sweep --json} writes its ledger without a Jackson generator; it must write what a UTF-8
 * generator with the terminal-safe escapes and the default pretty printer writes (as {@code show
 * --json} is written), character for character: a lone surrogate as its escape.
 */
class SweepJsonTest {

  private static final String[] ODD = {
    "aider", "", "qu\"ote", "back\\slash", "new\nline", "tab\t", "nul\u0000", "bell\u0007", "esc\u001b[31m",
    "del\u007f", "csi\u009b", "c1\u0085", "rtl\u202e", "zw\u200b", "bom\ufeff", "ls\u2028ps\u2029", "é ☃", "💡",
    "lone\ud800", "slash/", "qwen/qwen3-next-80b-a3b-instruct", "bs\b", "ff\f", "cr\r",
    "alm\u061c", "wj\u2060", "lri\u2066", "pdi\u2069", "nbsp\u00a0"
  };

  @Test
  void writesWhatJacksonsPrettyPrinterWritesWithTheTerminalSafeEscapes() throws IOException {
    assertThat(SweepTables.json(SweepLedger.builder().build())).isEqualTo(jackson(SweepLedger.builder().build()));
    Random random = new Random(20261126L);
    for (int run = 0; run < 200; run++) {
      SweepLedger.Builder builder = SweepLedger.builder();
      int cells = random.nextInt(12);
      for (int c = 0; c < cells; c++) {
        boolean tokens = random.nextInt(4) > 0;
        long prompt = random.nextInt(100_000);
        builder.add(random.nextInt(6) == 0 ? null : pick(random), random.nextInt(6) == 0 ? null : pick(random),
            new CellScore(tokens ? prompt : null, tokens ? (long) random.nextInt(5_000) : null, random.nextInt(9),
                random.nextInt(3) == 0 ? null : random.nextBoolean(), Math.abs(random.nextLong() % 900_000_000_000L),
                random.nextInt(1_000_000_000), random.nextInt(1_000_000_000)));
      }
      for (int w = random.nextInt(3); w > 0; w--) {
        builder.addWarning("cannot read " + pick(random) + ": " + pick(random));
      }
      SweepLedger ledger = builder.build();
      assertThat(SweepTables.json(ledger)).as("run %d", run).isEqualTo(jackson(ledger));
    }
  }

  private static String pick(Random random) {
    return ODD[random.nextInt(ODD.length)] + (random.nextBoolean() ? "" : ODD[random.nextInt(ODD.length)]);
  }

  /** The ledger as a Jackson generator writes it: what sweep --json wrote before it wrote by hand. */
  private static String jackson(SweepLedger ledger) throws IOException {
    String[] columns = {
      "tui", "model", "cells", "passes", "pass_rate", "prompt_tokens", "completion_tokens", "total_tokens",
      "model_calls", "tokens_per_correct_task", "cells_without_tokens", "wall_clock_ms_median", "wall_clock_ms_p90",
      "container_active_ms_median", "model_call_ms_total"
    };
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (JsonGenerator json = TerminalSafeEscapes.utf8JsonFactory().createGenerator(bytes)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeNumberField("cells", ledger.cells());
      json.writeArrayFieldStart("groups");
      for (SweepGroup group : ledger.groups()) {
        json.writeStartObject();
        Object[] values = {
          group.tui(), group.model(), group.cells(), group.passes(), group.passRate(), group.promptTokens(),
          group.completionTokens(), group.totalTokens(), group.modelCalls(), group.tokensPerCorrectTask(),
          group.cellsWithoutTokens(), group.wallClockMsMedian(), group.wallClockMsP90(),
          group.containerActiveMsMedian(), group.modelCallMsTotal()
        };
        for (int i = 0; i < columns.length; i++) {
          json.writeFieldName(columns[i]);
          Object value = values[i];
          if (value == null) {
            json.writeNull();
          } else if (value instanceof String) {
            json.writeString((String) value);
          } else if (value instanceof Long) {
            json.writeNumber((Long) value);
          } else {
            json.writeNumber((Double) value);
          }
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("warnings");
      for (String warning : ledger.warnings()) {
        json.writeString(warning);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8) + '\n';
  }
}
