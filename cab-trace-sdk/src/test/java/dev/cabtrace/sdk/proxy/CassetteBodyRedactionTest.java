package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.sdk.redact.Redaction;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a stored body is masked, and where the masked bytes go among the recorded chunks. */
class CassetteBodyRedactionTest {

  private static final String KEY = "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX";

  private static List<CassetteRecord.Chunk> chunks(String... texts) {
    List<CassetteRecord.Chunk> out = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      out.add(new CassetteRecord.Chunk(i + 1, texts[i].getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static List<String> masked(List<CassetteRecord.Chunk> chunks) {
    byte[] body = CassetteRecord.concatenate(chunks);
    List<String> out = new ArrayList<>();
    for (CassetteRecord.Chunk chunk :
        CassetteBodyRedaction.apply(chunks, CassetteBodyRedaction.replacements(body, Redaction.defaults()))) {
      out.add(chunk.offsetNanos() + ":" + new String(chunk.bytes(), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void aStreamSplitMidEventKeepsEveryUnmaskedByteInItsChunk() {
    List<String> masked = masked(chunks(
        "data: {\"a\":1}\n\ndata: {\"t\":\"key ",
        KEY.substring(0, 10),
        KEY.substring(10) + " \\\"x\\\"\"}\n\nda",
        "ta: [DONE]\n\n"));

    assertThat(masked).containsExactly(
        "1:data: {\"a\":1}\n\ndata: {\"t\":\"key ",
        "3:[REDACTED] \\\"x\\\"\"}\n\nda",
        "4:ta: [DONE]\n\n");
  }

  @Test
  void aDataLineThatIsNotJsonAndTheTextAroundEventsAreMaskedAsText() {
    assertThat(masked(chunks("event: x\ndata: Authorization: Bearer abcdefgh123\n\ndata: {\"password\":\"hunter2\"}\n\n")))
        .containsExactly("1:event: x\ndata: Authorization: Bearer [REDACTED]\n\ndata: {\"password\":\"[REDACTED]\"}\n\n");
  }

  @Test
  void aNumberUnderASecretNameIsMaskedAsItsStringsAre() {
    assertThat(masked(chunks("{\"password\":12345678,\"pins\":{\"secret\":[1,\"2\",true]},\"max_tokens\":4096}")))
        .containsExactly("1:{\"password\":\"[REDACTED]\",\"pins\":{\"secret\":[\"[REDACTED]\",\"[REDACTED]\",true]},"
            + "\"max_tokens\":4096}");
  }

  @Test
  void aJsonBodyKeepsItsFinalLineBreakAndOneWithAKeyTwiceIsMaskedAsText() {
    assertThat(masked(chunks("{\"password\": \"hunter2\"}\n")))
        .containsExactly("1:{\"password\":\"[REDACTED]\"}\n");
    // Read as a tree, the first "a" would be lost.
    assertThat(masked(chunks("{\"a\":1,\"a\":2,\"t\":\"" + KEY + "\"}")))
        .containsExactly("1:{\"a\":1,\"a\":2,\"t\":\"[REDACTED]\"}");
  }

  @Test
  void aBodyCutMidCharacterIsMaskedAndAnEmptyChunkDropped() {
    // é is C3 A9, cut between the first chunk and the third.
    byte[] body = ("caf\u00e9" + KEY).getBytes(StandardCharsets.UTF_8);
    List<CassetteRecord.Chunk> chunks = List.of(
        new CassetteRecord.Chunk(1, java.util.Arrays.copyOfRange(body, 0, 4)),
        new CassetteRecord.Chunk(2, new byte[0]),
        new CassetteRecord.Chunk(3, java.util.Arrays.copyOfRange(body, 4, body.length)));

    List<CassetteRecord.Chunk> masked =
        CassetteBodyRedaction.apply(chunks, CassetteBodyRedaction.replacements(body, Redaction.defaults()));

    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    masked.forEach(chunk -> joined.writeBytes(chunk.bytes()));
    assertThat(joined.toString(StandardCharsets.UTF_8)).isEqualTo("caf\u00e9[REDACTED]");
    assertThat(masked).extracting(CassetteRecord.Chunk::offsetNanos).containsExactly(1L, 3L);
  }

  private static String chat(int index, String content) {
    return "data: {\"id\":\"c\",\"choices\":[{\"index\":" + index + ",\"delta\":{\"content\":\"" + content
        + "\"}}]}\n\n";
  }

  @Test
  void aKeyStreamedInDeltasIsMaskedInTheDeltaWhereItStartsAndLeftOutOfTheLaterOnes() {
    List<String> masked = masked(chunks(
        chat(0, "Set OPENAI_AP"), chat(0, "I_KEY=sk-proj-Zq8v"), chat(0, "LmN3pR7tXw2Yabcd"),
        chat(0, " and export DB_PASSWORD=") + chat(0, "hunter2"), chat(0, " then run") + "data: [DONE]\n\n"));

    assertThat(masked).containsExactly(
        "1:" + chat(0, "Set OPENAI_AP"),
        "2:" + chat(0, "I_KEY=[REDACTED]"),
        "3:" + chat(0, ""),
        "4:" + chat(0, " and export DB_PASSWORD=") + chat(0, "[REDACTED]"),
        "5:" + chat(0, " then run") + "data: [DONE]\n\n");
  }

  @Test
  void choicesAndContentBlocksStreamedTogetherAreTextsOfTheirOwn() {
    // Each chunk holds the choice it continues at position 0; its index says which.
    List<String> masked = masked(chunks(
        chat(0, "key sk-proj-ABCD"), chat(1, "nothing "), chat(0, "EFGHIJKLMNOPQRSTUVWX"), chat(1, "here")));

    assertThat(masked).containsExactly(
        "1:" + chat(0, "key [REDACTED]"), "2:" + chat(1, "nothing "), "3:" + chat(0, ""), "4:" + chat(1, "here"));

    String text = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"%s\"}}\n\n";
    String json = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,"
        + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"%s\"}}\n\n";
    String ping = "event: ping\ndata: {\"type\":\"ping\"}\n\n";
    assertThat(masked(chunks(
        String.format(text, "Use ghp_Zq8vLmN3"), ping, String.format(json, "{\\\"api_key\\\": \\\"hunt"),
        String.format(text, "pR7tXw2YabcdEFGHijklMNOP1234 now"), String.format(json, "er2\\\"}"))))
        .containsExactly(
            "1:" + String.format(text, "Use [REDACTED]"),
            "2:" + ping,
            "3:" + String.format(json, "{\\\"api_key\\\": \\\"[REDACTED]"),
            "4:" + String.format(text, " now"),
            "5:" + String.format(json, "\\\"}"));
  }

  @Test
  void aStreamWithNothingToMaskHasNoReplacements() {
    byte[] body = (chat(0, "Set OPENAI_AP") + chat(0, "I_KEY in your env") + chat(1, "max_tokens is 5") + "data: [DONE]\n\n")
        .getBytes(StandardCharsets.UTF_8);

    assertThat(CassetteBodyRedaction.replacements(body, Redaction.defaults())).isEmpty();
  }

  @Test
  void aBodyWithNothingToMaskHasNoReplacements() {
    byte[] body = "{\"choices\":[{\"message\":{\"content\":\"max_tokens is 5\"}}]}".getBytes(StandardCharsets.UTF_8);

    assertThat(CassetteBodyRedaction.replacements(body, Redaction.defaults())).isEmpty();
  }
}
