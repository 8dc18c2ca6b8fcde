package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassetteCountingTest {

  @TempDir Path dir;

  private static IncomingRequest request(String target) throws IOException {
    String head = "POST " + target + " HTTP/1.1\r\nContent-Type: application/json\r\n\r\n";
    IncomingRequest request = IncomingRequest.readHead(new ByteArrayInputStream(head.getBytes(StandardCharsets.US_ASCII)));
    request.body = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
    return request;
  }

  @Test
  void replayingKeepsNoCountOfRequestsTheCassetteDoesNotHold() throws IOException {
    Path file = Files.createFile(dir.resolve("empty.cassette.jsonl"));
    Cassette cassette = Cassette.open(file, CassetteMode.REPLAY, CassetteTiming.values()[0], List.of());
    try {
      for (int i = 0; i < 2_000; i++) {
        Cassette.Lookup lookup = cassette.lookup(request("/v1/chat/completions?n=" + i));
        cassette.finished();
        assertThat(lookup.answer()).isNull();
      }
      assertThat(cassette.countedRequests()).isZero();
    } finally {
      cassette.close();
    }
  }

  @Test
  void recordingMissingRequestsCountsEachTheNthTimeItComes() throws IOException {
    Cassette cassette = Cassette.open(dir.resolve("new.cassette.jsonl"), CassetteMode.RECORD_MISSING,
        CassetteTiming.values()[0], List.of());
    try {
      assertThat(cassette.lookup(request("/v1/a")).occurrence()).isZero();
      cassette.finished();
      assertThat(cassette.lookup(request("/v1/a")).occurrence()).isEqualTo(1);
      cassette.finished();
      assertThat(cassette.lookup(request("/v1/b")).occurrence()).isZero();
      cassette.finished();
      assertThat(cassette.countedRequests()).isEqualTo(2);
    } finally {
      cassette.close();
    }
  }
}
