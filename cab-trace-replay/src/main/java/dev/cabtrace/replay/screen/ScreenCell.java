package dev.cabtrace.replay.screen;

import java.util.Objects;

/**
 * One cell of a {@link Screen}.
 *
 * @param text what the cell shows: {@code " "} when blank, one character possibly followed by
 *     combining marks, or {@code ""} for the right half of a wide character
 * @param width 1, 2 for a wide character, 0 for the right half of a wide character
 * @param style how the cell is drawn
 */
public record ScreenCell(String text, int width, CellStyle style) {

  /** Rejects null text or style. */
  public ScreenCell {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(style, "style");
  }
}
