package dev.cabtrace.replay.read;

/**
 * How many spans a big trace holds, guessed once from its first block: that block's spans per
 * byte times the bytes of the whole input. The timeline then makes its index of span ids once at
 * its size; growing it span by span over a million spans makes twenty tables of ever larger size,
 * each zeroed, filled again and dropped.
 */
final class SpanCountHint {

  /** No guess above this: a dense first block must not make a huge table for a file of big spans. */
  static final int MAX_SPANS = 1 << 23;

  private final long inputBytes;
  private boolean given;

  /** For an input of about {@code inputBytes} bytes in all (0 if unknown: no guess). */
  SpanCountHint(long inputBytes) {
    this.inputBytes = inputBytes;
  }

  /** After the first block: {@code spans} of its {@code blockBytes} bytes; tells {@code sink} once. */
  void firstBlock(long spans, long blockBytes, SpanSink sink) {
    if (given) {
      return;
    }
    given = true;
    if (spans > 0 && blockBytes > 0 && inputBytes > blockBytes) {
      sink.expect((int) Math.min(MAX_SPANS, (double) spans / blockBytes * inputBytes));
    }
  }
}
