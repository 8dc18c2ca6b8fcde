package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerSentEventsTest {

  /**
   * A streamed Chat Completions answer in the shape the OpenAI API sends it (and the official
   * {@code openai} npm client reads): role chunk, content chunk, finish chunk, usage chunk, [DONE].
   */
  private static final String OPENAI_STREAM =
      "data: {\"id\":\"chatcmpl-B1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
          + "data: {\"id\":\"chatcmpl-B1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
          + ": keep-alive comment\n\n"
          + "data: {\"id\":\"chatcmpl-B1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
          + "data: {\"id\":\"chatcmpl-B1\",\"object\":\"chat.completion.chunk\",\"created\":1781680664,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":5210,\"completion_tokens\":388,\"total_tokens\":5598}}\n\n"
          + "data: [DONE]\n\n";

  private record Event(String type, String data) {}

  private static List<Event> parse(String stream, int feedSize) {
    List<Event> events = new ArrayList<>();
    ServerSentEvents parser = new ServerSentEvents(
        (type, data, length) -> events.add(new Event(type, new String(data, 0, length, StandardCharsets.UTF_8))), 1 << 20);
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += feedSize) {
      parser.feed(bytes, i, Math.min(feedSize, bytes.length - i));
    }
    return events;
  }

  @ParameterizedTest(name = "line ending {0}")
  @ValueSource(strings = {"LF", "CRLF", "CR"})
  void everyLineEndingGivesTheSameEventsWhereverTheFeedsSplit(String ending) {
    String eol = ending.equals("LF") ? "\n" : ending.equals("CRLF") ? "\r\n" : "\r";
    String stream = OPENAI_STREAM.replace("\n", eol);
    List<Event> whole = parse(stream, Integer.MAX_VALUE);

    assertThat(whole).hasSize(5);
    assertThat(whole.get(3).data()).contains("\"prompt_tokens\":5210");
    assertThat(whole.get(4).data()).isEqualTo("[DONE]");
    assertThat(whole).allSatisfy(e -> assertThat(e.type()).isEqualTo("message"));
    // Split between every pair of bytes, CR and LF of a CRLF included.
    for (int feed = 1; feed <= 7; feed++) {
      assertThat(parse(stream, feed)).as("fed %d byte(s) at a time", feed).isEqualTo(whole);
    }
  }

  @Test
  void multiLineDataIsJoinedWithLineFeedsAndFieldsFollowTheSpecification() {
    String stream = "event: message_start\r\n"
        + "id: 7\r\n"
        + "retry: 1500\r\n"
        + "data: {\"type\":\"message_start\",\r\n"
        + "data:\"message\":{\"usage\":{\"input_tokens\":2095}}}\r\n"
        + "\r\n"
        + "data\n"             // a field name alone: empty data
        + "\n"
        + "event: ping\n"
        + "\n"                 // no data: not dispatched
        + "data: tail without blank line";

    ServerSentEvents[] parser = new ServerSentEvents[1];
    List<Event> events = new ArrayList<>();
    parser[0] = new ServerSentEvents(
        (type, data, length) -> events.add(new Event(type, new String(data, 0, length, StandardCharsets.UTF_8))), 1 << 20);
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    parser[0].feed(bytes, 0, bytes.length);

    assertThat(events).containsExactly(
        new Event("message_start", "{\"type\":\"message_start\",\n\"message\":{\"usage\":{\"input_tokens\":2095}}}"),
        new Event("message", ""));
    assertThat(parser[0].lastEventId()).isEqualTo("7");
    assertThat(parser[0].retryMillis()).isEqualTo(1500);
  }

  @Test
  void aByteOrderMarkAtTheStartIsSkipped() {
    assertThat(parse("\uFEFFdata: x\n\n", Integer.MAX_VALUE)).containsExactly(new Event("message", "x"));
  }

  @Test
  void anOversizedEventIsCountedNotCutAndTheNextOneIsRead() {
    List<String> data = new ArrayList<>();
    ServerSentEvents parser = new ServerSentEvents(
        (type, bytes, length) -> data.add(new String(bytes, 0, length, StandardCharsets.UTF_8)), 64);
    String big = "data: " + "x".repeat(100) + "\n\n";
    String small = "data: {\"usage\":1}\n\n";
    byte[] bytes = (big + small).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += 10) {
      parser.feed(bytes, i, Math.min(10, bytes.length - i));
    }

    assertThat(data).containsExactly("{\"usage\":1}");
    assertThat(parser.oversized()).isTrue();
    assertThat(parser.oversizedEvents()).isEqualTo(1);
  }
}
