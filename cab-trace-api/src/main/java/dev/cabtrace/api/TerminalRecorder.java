package dev.cabtrace.api;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Records what a step's terminal showed as it happens: each chunk of stdout, stderr or a
 * pseudo-terminal's raw bytes becomes a timestamped {@value CabAttributes#OUTPUT_EVENT} event on the
 * span, in arrival order, so replay can show the output as it stood at any moment and Jaeger or
 * Tempo show it as span events.
 *
 * <pre>{@code
 * try (CellSpan container = tracer.container("aider:run");
 *     TerminalRecorder output = TerminalRecorder.create(container)) {
 *   pump(process.getInputStream(), output.stdout(System.out));
 * }
 * }</pre>
 *
 * <p>Bounded: at most {@link Builder#setMaxBytes max bytes} (default 4 MiB) per span, in at most
 * {@link Builder#setMaxChunks max chunks}, fewer than a span holds events ({@value
 * #MAX_EVENTS_PER_SPAN} under the cab-trace SDK; set it for another SDK); past either, one {@value
 * CabAttributes#OUTPUT_TRUNCATED_EVENT} event says how much was dropped. Binary safe: a chunk that
 * is not valid UTF-8 is recorded as base64. A multi-byte character split across two writes is kept
 * whole. Recording only touches memory, never the disk, so it cannot slow the
 * process whose output it records. Never throws into the caller.
 */
public final class TerminalRecorder implements AutoCloseable {

  /** Default cap on recorded bytes per span. */
  public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;

  /**
   * The most events one span holds: the cab-trace SDK's span event limit. Past it the SDK drops
   * events with no more than a count, so a recorder stops short of it and marks what it dropped.
   */
  public static final int MAX_EVENTS_PER_SPAN = 100_000;

  /**
   * The most chunks recorded on a span by default: the rest of its events are left for the
   * truncation mark and the span's other events.
   */
  public static final int DEFAULT_MAX_CHUNKS = MAX_EVENTS_PER_SPAN - 1_000;

  private final CellSpan span;
  private final long maxBytes;
  private final int maxChunks;
  private final Clock clock;
  private final List<RecordingStream> streams = new ArrayList<>();
  private long recordedBytes;
  private long droppedBytes;
  private int chunks;
  private boolean truncationMarked;
  private boolean closed;

  private TerminalRecorder(CellSpan span, long maxBytes, int maxChunks, Clock clock) {
    this.span = span;
    this.maxBytes = maxBytes;
    this.maxChunks = maxChunks;
    this.clock = clock;
  }

  /** A recorder on {@code span} with the default cap. */
  public static TerminalRecorder create(CellSpan span) {
    return builder(span).build();
  }

  /** A builder for a recorder on {@code span}. */
  public static Builder builder(CellSpan span) {
    return new Builder(Objects.requireNonNull(span, "span"));
  }

  /** Records the terminal's size on the span, as a pseudo-terminal would report it. */
  public TerminalRecorder recordSize(int columns, int rows) {
    span.setAttribute(CabAttributes.TERMINAL_COLUMNS, (long) columns)
        .setAttribute(CabAttributes.TERMINAL_ROWS, (long) rows);
    return this;
  }

  /** A stream recording stdout and forwarding every byte to {@code forward} (may be null). */
  public OutputStream stdout(OutputStream forward) {
    return stream("stdout", forward);
  }

  /** A stream recording stderr and forwarding every byte to {@code forward} (may be null). */
  public OutputStream stderr(OutputStream forward) {
    return stream("stderr", forward);
  }

  /** A stream recording a pseudo-terminal's raw bytes and forwarding them (may be null). */
  public OutputStream pty(OutputStream forward) {
    return stream("pty", forward);
  }

  private synchronized OutputStream stream(String name, OutputStream forward) {
    RecordingStream stream = new RecordingStream(name, forward);
    streams.add(stream);
    return stream;
  }

  /**
   * Records one chunk of {@code stream} ({@code stdout}, {@code stderr}, {@code pty}) now; nothing
   * once the recorder is closed.
   */
  public synchronized void record(String stream, byte[] bytes, int offset, int length) {
    try {
      if (closed || length <= 0) {
        return;
      }
      long room = chunks < maxChunks ? Math.max(0, maxBytes - recordedBytes) : 0;
      int kept = (int) Math.min(length, room);
      if (kept > 0) {
        addChunk(stream, bytes, offset, kept, clock.nanos());
        recordedBytes += kept;
        chunks++;
      }
      if (kept < length) {
        droppedBytes += length - kept;
      }
    } catch (RuntimeException e) {
      TracingFailures.report("could not record terminal output", e);
    }
  }

  /** Bytes recorded so far. */
  public synchronized long recordedBytes() {
    return recordedBytes;
  }

  /** Bytes past the cap on bytes or on chunks, not recorded. */
  public synchronized long droppedBytes() {
    return droppedBytes;
  }

  /**
   * Records what a stream held back (the start of a character whose end never came) as it is, and
   * marks the truncation, if any, on the span. Streams handed out stay usable but record nothing
   * more.
   */
  @Override
  public synchronized void close() {
    for (RecordingStream stream : streams) {
      stream.recordHeldBack();
    }
    closed = true;
    if (droppedBytes > 0 && !truncationMarked) {
      truncationMarked = true;
      span.addEvent(
          CabAttributes.OUTPUT_TRUNCATED_EVENT,
          Attributes.of(CabAttributes.OUTPUT_DROPPED_BYTES, droppedBytes));
    }
  }

  private void addChunk(String stream, byte[] bytes, int offset, int length, long epochNanos) {
    AttributesBuilder attributes = Attributes.builder().put(CabAttributes.OUTPUT_STREAM, stream);
    String text = utf8OrNull(bytes, offset, length);
    if (text != null) {
      attributes.put(CabAttributes.OUTPUT_DATA, text);
    } else {
      byte[] copy = new byte[length];
      System.arraycopy(bytes, offset, copy, 0, length);
      attributes
          .put(CabAttributes.OUTPUT_DATA, Base64.getEncoder().encodeToString(copy))
          .put(CabAttributes.OUTPUT_ENCODING, "base64");
    }
    span.span().addEvent(CabAttributes.OUTPUT_EVENT, attributes.build(), epochNanos, TimeUnit.NANOSECONDS);
  }

  private static String utf8OrNull(byte[] bytes, int offset, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Where recording reads the time; the system clock unless a test says otherwise. */
  public interface Clock {
    /** Now, in nanoseconds since the epoch. */
    long nanos();

    /** The system clock. */
    static Clock system() {
      return () -> {
        java.time.Instant now = java.time.Instant.now();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
      };
    }
  }

  /** Settings of a {@link TerminalRecorder}. */
  public static final class Builder {
    private final CellSpan span;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private int maxChunks = DEFAULT_MAX_CHUNKS;
    private Clock clock = Clock.system();

    private Builder(CellSpan span) {
      this.span = span;
    }

    /** The most bytes recorded on the span; default 4 MiB. */
    public Builder setMaxBytes(long maxBytes) {
      if (maxBytes < 0) {
        throw new IllegalArgumentException("maxBytes must not be negative");
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * The most chunks (span events) recorded on the span; default {@value TerminalRecorder#DEFAULT_MAX_CHUNKS}, for
     * the cab-trace SDK's limit of {@value TerminalRecorder#MAX_EVENTS_PER_SPAN} events. Under another
     * OpenTelemetry SDK, set it below that SDK's span event limit (OpenTelemetry's default is 128):
     * past its limit an SDK drops events without a word, and the truncation mark with them.
     */
    public Builder setMaxChunks(int maxChunks) {
      if (maxChunks < 0) {
        throw new IllegalArgumentException("maxChunks must not be negative");
      }
      this.maxChunks = maxChunks;
      return this;
    }

    /** The clock chunks are stamped with. */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The recorder. */
    public TerminalRecorder build() {
      return new TerminalRecorder(span, maxBytes, maxChunks, clock);
    }
  }

  /**
   * Forwards bytes first, then records them, holding back the start of a UTF-8 character that a
   * write split so that text chunks stay text. What it holds back is guarded by the recorder's
   * lock, so that the recorder's close can record it.
   */
  private final class RecordingStream extends OutputStream {
    private final String stream;
    private final OutputStream forward;
    private final byte[] pending = new byte[4];
    private int pendingLength;

    RecordingStream(String stream, OutputStream forward) {
      this.stream = stream;
      this.forward = forward;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
      if (forward != null) {
        forward.write(bytes, offset, length);
      }
      synchronized (TerminalRecorder.this) {
        recordWhole(bytes, offset, length);
      }
    }

    private void recordWhole(byte[] bytes, int offset, int length) {
      byte[] chunk = bytes;
      int from = offset;
      int size = length;
      if (pendingLength > 0) {
        chunk = new byte[pendingLength + length];
        System.arraycopy(pending, 0, chunk, 0, pendingLength);
        System.arraycopy(bytes, offset, chunk, pendingLength, length);
        from = 0;
        size = chunk.length;
        pendingLength = 0;
      }
      int split = incompleteUtf8Tail(chunk, from, size);
      if (split > 0) {
        System.arraycopy(chunk, from + size - split, pending, 0, split);
        pendingLength = split;
        size -= split;
      }
      record(stream, chunk, from, size);
    }

    @Override
    public void flush() throws IOException {
      if (forward != null) {
        forward.flush();
      }
    }

    /** Records what is held back as it is; called holding the recorder's lock. */
    void recordHeldBack() {
      if (pendingLength > 0) {
        record(stream, pending, 0, pendingLength);
        pendingLength = 0;
      }
    }

    @Override
    public synchronized void close() throws IOException {
      synchronized (TerminalRecorder.this) {
        recordHeldBack();
      }
      flush();
    }
  }

  /** How many bytes at the end of the chunk begin a UTF-8 character that is not complete yet. */
  static int incompleteUtf8Tail(byte[] bytes, int offset, int length) {
    int end = offset + length;
    for (int back = 1; back <= Math.min(3, length); back++) {
      int b = bytes[end - back] & 0xff;
      if ((b & 0xc0) == 0x80) {
        continue; // a continuation byte: look further back for the lead byte
      }
      int needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return needed > back ? back : 0;
    }
    return 0;
  }
}
