package dev.cabtrace.replay.internal;

/**
 * Incremental UTF-8 decoding, one byte at a time, so that a character split across two {@code
 * feed} calls still decodes. Invalid input becomes U+FFFD, one per maximal invalid subsequence
 * (the WHATWG rule): a byte that cannot continue the current sequence ends it and is then decoded
 * on its own, so an ESC in the middle of a broken sequence still starts an escape sequence.
 * Shared by the terminal emulator and {@code cast}, so that both read a recording's bytes as the
 * same characters. Internal: shared by cab-trace's own packages, not part of its API; it may
 * change without notice.
 */
public final class Utf8Decoder {

  /** More bytes are needed. */
  public static final int NEED_MORE = -1;

  /** The sequence so far is invalid: emit U+FFFD, then pass the same byte again. */
  public static final int INVALID_RETRY = -2;

  public static final int REPLACEMENT = 0xfffd;

  private int needed;
  private int seen;
  private int codePoint;
  private int lower = 0x80;
  private int upper = 0xbf;

  /** A code point, {@link #REPLACEMENT} for an invalid byte, or one of the negative markers. */
  public int accept(int b) {
    if (needed == 0) {
      if (b < 0x80) {
        return b;
      }
      if (b >= 0xc2 && b <= 0xdf) {
        start(1, b & 0x1f);
      } else if (b >= 0xe0 && b <= 0xef) {
        start(2, b & 0x0f);
        if (b == 0xe0) {
          lower = 0xa0;
        } else if (b == 0xed) {
          upper = 0x9f;
        }
      } else if (b >= 0xf0 && b <= 0xf4) {
        start(3, b & 0x07);
        if (b == 0xf0) {
          lower = 0x90;
        } else if (b == 0xf4) {
          upper = 0x8f;
        }
      } else {
        return REPLACEMENT;
      }
      return NEED_MORE;
    }
    if (b < lower || b > upper) {
      reset();
      return INVALID_RETRY;
    }
    lower = 0x80;
    upper = 0xbf;
    codePoint = codePoint << 6 | (b & 0x3f);
    if (++seen < needed) {
      return NEED_MORE;
    }
    int result = codePoint;
    reset();
    return result;
  }

  public void copyFrom(Utf8Decoder other) {
    needed = other.needed;
    seen = other.seen;
    codePoint = other.codePoint;
    lower = other.lower;
    upper = other.upper;
  }

  private void start(int continuationBytes, int bits) {
    needed = continuationBytes;
    seen = 0;
    codePoint = bits;
  }

  private void reset() {
    needed = 0;
    seen = 0;
    codePoint = 0;
    lower = 0x80;
    upper = 0xbf;
  }
}
