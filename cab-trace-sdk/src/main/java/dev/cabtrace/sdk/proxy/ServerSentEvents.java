package dev.cabtrace.sdk.proxy;

import java.nio.charset.StandardCharsets;

/**
 * A parser of {@code text/event-stream} bodies as the WHATWG HTML specification defines them
 * (section "Server-sent events", "Interpreting an event stream"), fed bytes as they arrive: lines end
 * in LF, CRLF or a lone CR (also across two feeds), {@code data:} lines of one event are joined with
 * LF, comments and unknown fields are ignored, a leading byte order mark is skipped, and an event
 * not ended by a blank line when the stream ends is discarded. Lines are copied into one reusable
 * buffer, never into strings; the data of an event is handed over as bytes. An event larger than
 * the cap is not dispatched: it is reported through {@link #oversized()} instead of being cut.
 */
final class ServerSentEvents {

  /** Receives each complete event. */
  interface Listener {
    /** One event: its type ({@code message} when none was given) and data (without the last LF). */
    void onEvent(String type, byte[] data, int length);
  }

  private static final byte[] DATA = {'d', 'a', 't', 'a'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
  private static final byte[] ID = {'i', 'd'};
  private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};

  private final Listener listener;
  private final int maxEventBytes;

  private byte[] line = new byte[512];
  private int lineLength;
  private boolean lineTooLong;
  private byte[] data = new byte[512];
  private int dataLength;
  private boolean hasData;
  private boolean eventTooLong;
  private String eventType;
  private String lastEventId = "";
  private long retryMillis = -1;
  private boolean lastWasCr;
  private long bytesSeen;
  private long oversizedEvents;

  ServerSentEvents(Listener listener, int maxEventBytes) {
    this.listener = listener;
    this.maxEventBytes = maxEventBytes;
  }

  /** Parses {@code length} more bytes of the stream. */
  void feed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    if (bytesSeen < 3) {
      i = skipByteOrderMark(bytes, i, end);
    }
    bytesSeen += length;
    int segment = i;
    for (; i < end; i++) {
      byte b = bytes[i];
      if (b == '\n' && lastWasCr) {
        // The LF of a CRLF whose CR ended the line already (possibly in the previous feed).
        lastWasCr = false;
        segment = i + 1;
        continue;
      }
      lastWasCr = false;
      if (b == '\r' || b == '\n') {
        append(bytes, segment, i - segment);
        endOfLine();
        lastWasCr = b == '\r';
        segment = i + 1;
      }
    }
    append(bytes, segment, end - segment);
  }

  /** How many events were over the cap and not dispatched. */
  long oversizedEvents() {
    return oversizedEvents;
  }

  /** Whether any event was over the cap. */
  boolean oversized() {
    return oversizedEvents > 0;
  }

  /** The last event id the stream set, "" if none. */
  String lastEventId() {
    return lastEventId;
  }

  /** The reconnection time the stream asked for, or -1. */
  long retryMillis() {
    return retryMillis;
  }

  private int skipByteOrderMark(byte[] bytes, int i, int end) {
    // U+FEFF as UTF-8 (EF BB BF), only as the stream's first bytes; a split mark is rare enough
    // that only a mark within the first feed is skipped.
    if (bytesSeen == 0 && end - i >= 3 && bytes[i] == (byte) 0xEF && bytes[i + 1] == (byte) 0xBB
        && bytes[i + 2] == (byte) 0xBF) {
      return i + 3;
    }
    return i;
  }

  private void append(byte[] bytes, int from, int count) {
    if (count <= 0 || lineTooLong) {
      return;
    }
    if (lineLength + count > maxEventBytes) {
      lineTooLong = true;
      return;
    }
    if (lineLength + count > line.length) {
      line = java.util.Arrays.copyOf(line, Math.min(maxEventBytes, Math.max(line.length * 2, lineLength + count)));
    }
    System.arraycopy(bytes, from, line, lineLength, count);
    lineLength += count;
  }

  private void endOfLine() {
    try {
      if (lineTooLong) {
        eventTooLong = true;
      } else if (lineLength == 0) {
        dispatch();
      } else if (line[0] != ':') {
        field();
      }
    } finally {
      lineLength = 0;
      lineTooLong = false;
    }
  }

  private void field() {
    int colon = indexOf(line, lineLength, (byte) ':');
    int nameEnd = colon < 0 ? lineLength : colon;
    int valueStart = colon < 0 ? lineLength : colon + 1;
    if (valueStart < lineLength && line[valueStart] == ' ') {
      valueStart++;
    }
    int valueLength = lineLength - valueStart;
    if (is(DATA, nameEnd)) {
      if (dataLength + valueLength + 1 > maxEventBytes) {
        eventTooLong = true;
        return;
      }
      if (dataLength + valueLength + 1 > data.length) {
        data = java.util.Arrays.copyOf(data, Math.min(maxEventBytes, Math.max(data.length * 2, dataLength + valueLength + 1)));
      }
      System.arraycopy(line, valueStart, data, dataLength, valueLength);
      dataLength += valueLength;
      data[dataLength++] = '\n';
      hasData = true;
    } else if (is(EVENT, nameEnd)) {
      eventType = new String(line, valueStart, valueLength, StandardCharsets.UTF_8);
    } else if (is(ID, nameEnd)) {
      if (indexOf(line, lineLength, (byte) 0) < 0) {
        lastEventId = new String(line, valueStart, valueLength, StandardCharsets.UTF_8);
      }
    } else if (is(RETRY, nameEnd)) {
      long retry = 0;
      for (int i = valueStart; i < lineLength; i++) {
        if (line[i] < '0' || line[i] > '9' || retry > Long.MAX_VALUE / 20) {
          return;
        }
        retry = retry * 10 + (line[i] - '0');
      }
      if (valueLength > 0) {
        retryMillis = retry;
      }
    }
  }

  private void dispatch() {
    try {
      if (eventTooLong) {
        oversizedEvents++;
        return;
      }
      if (!hasData) {
        return;
      }
      listener.onEvent(eventType == null || eventType.isEmpty() ? "message" : eventType, data, dataLength - 1);
    } finally {
      dataLength = 0;
      hasData = false;
      eventTooLong = false;
      eventType = null;
    }
  }

  private boolean is(byte[] name, int nameLength) {
    if (nameLength != name.length) {
      return false;
    }
    for (int i = 0; i < nameLength; i++) {
      if (line[i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] bytes, int length, byte b) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
