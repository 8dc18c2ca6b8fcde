package dev.cabtrace.replay.internal;

/**
 * How large a document may be where it is held in memory whole (a capture's OTLP/JSON line that
 * {@code push} converts, a backend's answer): 64 MiB, the longest request {@code record} takes, or
 * a sixteenth of the heap, whichever is less. Internal: shared by cab-trace's own packages, not
 * part of its API.
 */
public final class InMemoryDocument {

  /** The most bytes held. */
  public static final int MAX_BYTES = (int) Math.min(64 << 20, Runtime.getRuntime().maxMemory() / 16);

  private InMemoryDocument() {}

  /** {@link #MAX_BYTES} as a message says it: {@code 64 MiB}, or bytes when it is not whole MiB. */
  public static String describeMax() {
    return MAX_BYTES % (1 << 20) == 0 ? (MAX_BYTES >> 20) + " MiB" : MAX_BYTES + " bytes";
  }
}
