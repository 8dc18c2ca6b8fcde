package dev.cabtrace.replay.screen;

/**
 * The numeric parameters of a control sequence, as the parser collects them. Parameters are
 * separated by {@code ;}; a parameter introduced by {@code :} is a sub-parameter of the one before
 * it ({@code 38:2::255:0:0}). Missing parameters read as 0, values stop growing at {@link
 * #MAX_VALUE}, and parameters beyond {@link #MAX_COUNT} are dropped.
 */
final class CsiParams {

  static final int MAX_COUNT = 32;
  static final int MAX_VALUE = 65535;

  private final int[] values = new int[MAX_COUNT];
  private final boolean[] subParameter = new boolean[MAX_COUNT];
  private int count;
  private boolean overflow;
  private boolean colon;

  int count() {
    return count;
  }

  /** The value of parameter {@code index}, 0 when missing or empty. */
  int raw(int index) {
    return index < count ? values[index] : 0;
  }

  /** The value of parameter {@code index}, or {@code defaultValue} when it is missing or 0. */
  int get(int index, int defaultValue) {
    int value = raw(index);
    return value == 0 ? defaultValue : value;
  }

  /** Whether parameter {@code index} was introduced by a colon. */
  boolean isSubParameter(int index) {
    return index < count && subParameter[index];
  }

  /** Whether a colon appeared anywhere, kept parameter or dropped. */
  boolean hasSubParameters() {
    return colon;
  }

  void clear() {
    count = 0;
    overflow = false;
    colon = false;
  }

  void digit(int digit) {
    if (count == 0) {
      next(false);
    }
    if (!overflow) {
      values[count - 1] = Math.min(values[count - 1] * 10 + digit, MAX_VALUE);
    }
  }

  void separator(boolean colon) {
    if (count == 0) {
      next(false);
    }
    this.colon |= colon;
    next(colon);
  }

  void copyFrom(CsiParams other) {
    System.arraycopy(other.values, 0, values, 0, MAX_COUNT);
    System.arraycopy(other.subParameter, 0, subParameter, 0, MAX_COUNT);
    count = other.count;
    overflow = other.overflow;
    colon = other.colon;
  }

  private void next(boolean colon) {
    if (count < MAX_COUNT) {
      values[count] = 0;
      subParameter[count] = colon;
      count++;
    } else {
      overflow = true;
    }
  }
}
