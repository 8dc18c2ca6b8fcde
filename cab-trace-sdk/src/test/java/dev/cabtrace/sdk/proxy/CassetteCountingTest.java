package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

class CassetteCountingTest {

  @TempDir Path dir;

  private static IncomingRequest request(String target) throws IOException {
    String head = "POST " + target + " HTTP/1.1\r\nContent-Type: application/json\r\n\r\n";
    IncomingRequest request = IncomingRequest.readHead(new ByteArrayInputStream(head.getBytes(StandardCharsets.US_ASCII)));
    request.body = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
    return request;
  }

  @ParameterizedTest
  @EnumSource(value = CassetteMode.class, names = {"REPLAY", "RECORD_MISSING"})
  void keepsNoCountOfRequestsTheCassetteHoldsNoAnswerTo(CassetteMode mode) throws IOException {
    // Each distinct request the traced program sends would otherwise be kept for good.
    Path file = Files.createFile(dir.resolve("empty.cassette.jsonl"));
    try (Cassette cassette = Cassette.open(file, mode, CassetteTiming.FAST, List.of())) {
      for (int i = 0; i < 2_000; i++) {
        Cassette.Lookup lookup = cassette.lookup(request("/v1/chat/completions?n=" + i % 1_000));
        cassette.finished();
        assertThat(lookup.answer()).isNull();
        assertThat(lookup.recordedCount()).isZero();
      }
      assertThat(cassette.countedRequests()).isZero();
    }
  }
}
