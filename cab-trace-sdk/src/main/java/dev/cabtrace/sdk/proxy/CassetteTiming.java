package dev.cabtrace.sdk.proxy;

/** How fast a {@link ModelCallRecordingProxy} serves the answers it replays from a cassette. */
public enum CassetteTiming {
  /**
   * As they were recorded: the recorded time to first byte before the status line, then each
   * chunk of the body at its recorded offset from the request, so that a replayed cell's spans and
   * terminal have the shape of the recorded one, and an agent's own timeouts see what they saw.
   */
  ORIGINAL,
  /** At once: the whole answer as fast as the connection takes it, for tests. */
  FAST
}
