package dev.cabtrace.replay.timeline;

/** Where a playing cursor reads the passing of time: the system clock, or a virtual one in tests. */
@FunctionalInterface
public interface ReplayClock {

  /** A monotonic reading in nanoseconds. */
  long nanoTime();

  /** The system's monotonic clock. */
  static ReplayClock system() {
    return System::nanoTime;
  }
}
