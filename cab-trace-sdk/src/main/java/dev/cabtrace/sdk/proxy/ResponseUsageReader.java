package dev.cabtrace.sdk.proxy;

import java.util.Arrays;

/**
 * Reads a model response's usage as its (decoded) bytes pass: a server-sent event stream event by
 * event, any other body whole at the end. What cannot be read says why instead of being guessed.
 */
final class ResponseUsageReader {

  private final ModelApi api;
  private final CallRecord record = new CallRecord();
  private final boolean sse;
  private ServerSentEvents events;
  private byte[] body = new byte[8192];
  private int bodyLength;
  private boolean bodyTooLarge;
  private String unreadableReason;

  ResponseUsageReader(ModelApi api, boolean sse) {
    this.api = api;
    this.sse = sse;
    if (sse) {
      events = newEventParser();
    }
  }

  private ServerSentEvents newEventParser() {
    return new ServerSentEvents(
        (type, data, length) -> {
          if (!(length == 6 && data[0] == '[' && data[1] == 'D' && data[2] == 'O' && data[3] == 'N' && data[4] == 'E'
              && data[5] == ']')) {
            api.read(JsonFields.parse(data, 0, length), record);
          }
        },
        ProxyExchange.MAX_PARSED_BYTES);
  }

  /** Whether the answer is an event stream. */
  boolean streamed() {
    return sse;
  }

  void accept(byte[] bytes, int offset, int length) {
    if (events != null) {
      events.feed(bytes, offset, length);
      return;
    }
    if (bodyTooLarge) {
      return;
    }
    if (bodyLength + length > ProxyExchange.MAX_PARSED_BYTES) {
      bodyTooLarge = true;
      body = null;
      return;
    }
    if (bodyLength + length > body.length) {
      body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + length));
    }
    System.arraycopy(bytes, offset, body, bodyLength, length);
    bodyLength += length;
  }

  void unreadable(String reason) {
    if (unreadableReason == null) {
      unreadableReason = reason;
    }
  }

  void finish() {
    if (events != null) {
      if (events.oversized()) {
        unreadable(events.oversizedEvents() + " event(s) over " + ProxyExchange.MAX_PARSED_BYTES + " bytes were not read");
      }
      return;
    }
    if (bodyTooLarge) {
      unreadable("the body is over " + ProxyExchange.MAX_PARSED_BYTES + " bytes");
      return;
    }
    if (!sse && looksLikeEventStream()) {
      // An event stream sent without its content type: read it as one.
      events = newEventParser();
      events.feed(body, 0, bodyLength);
      events.feed(new byte[] {'\n', '\n'}, 0, 2);
      return;
    }
    api.read(JsonFields.parse(body, 0, bodyLength), record);
  }

  private boolean looksLikeEventStream() {
    int i = 0;
    while (i < bodyLength && Character.isWhitespace(body[i])) {
      i++;
    }
    return bodyLength - i >= 5 && body[i] == 'd' && body[i + 1] == 'a' && body[i + 2] == 't' && body[i + 3] == 'a'
        && body[i + 4] == ':'
        || (bodyLength - i >= 6 && body[i] == 'e' && body[i + 1] == 'v' && body[i + 2] == 'e' && body[i + 3] == 'n'
        && body[i + 4] == 't' && body[i + 5] == ':');
  }

  CallRecord record() {
    return record;
  }

  String unreadableReason() {
    return unreadableReason;
  }
}
