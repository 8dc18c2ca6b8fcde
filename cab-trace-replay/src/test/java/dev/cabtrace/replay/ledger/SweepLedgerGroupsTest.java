package dev.cabtrace.replay.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepLedgerGroupsTest {

  private static final CellScore CELL = new CellScore(10L, 5L, 1, true, 1_000_000, 0, 0);

  @Test
  void everyAgentAndModelPairIsAGroupOfItsOwnNoneAlikeHoweverTheyAreWritten() {
    // Unknown and empty are different, so are the two ways to split "a:b" between agent and
    // model, and agents Java hashes alike ("AaAa", "BBBB").
    String[][] pairs = {
      {null, null}, {null, "m"}, {"m", null}, {"", "m"}, {"m", ""}, {"", ""},
      {"a:b", "c"}, {"a", "b:c"}, {"AaAa", "m"}, {"BBBB", "m"}, {"AaBB", "m"}
    };
    SweepLedger.Builder builder = SweepLedger.builder();
    for (String[] pair : pairs) {
      builder.add(pair[0], pair[1], CELL);
      builder.add(pair[0], pair[1], CELL);
    }
    SweepLedger ledger = builder.build();
    List<String> groups = new ArrayList<>();
    for (SweepGroup group : ledger.groups()) {
      assertThat(group.cells()).isEqualTo(2);
      groups.add(group.tui() + "|" + group.model());
    }
    assertThat(groups).hasSize(pairs.length).doesNotHaveDuplicates();
    assertThat(ledger.cells()).isEqualTo(2L * pairs.length);
  }
}
