package dev.cabtrace.replay.player;

import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.screen.Screen;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.Frame;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Draws one frame of a replay as the lines of a screen: header, a gantt of spans scaled to the
 * width with the cursor at t, the selected span, model calls with cumulative tokens, the recorded
 * terminal's screen as it stood at t, and the key legend. A pure function of its inputs (the
 * caller brings the screen, from a {@link dev.cabtrace.replay.screen.ScreenPlayback}); it only
 * looks at the spans that fit on the screen, so drawing costs the same for ten spans or a million.
 */
public final class FrameRenderer {

  /** The key legend, as on the cell page. */
  public static final String LEGEND =
      "space play/pause · ←/→ step span · ,/. step 100 ms · g/G start/end · +/- speed · q quit";

  private static final AttributedStyle ACTIVE = AttributedStyle.DEFAULT.bold().foreground(AttributedStyle.GREEN);
  private static final AttributedStyle SELECTED = AttributedStyle.DEFAULT.inverse();
  private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();
  private static final AttributedStyle HEADING = AttributedStyle.DEFAULT.bold();

  private FrameRenderer() {}

  /**
   * The screen for {@code frame} of {@code timeline}, {@code width} × {@code height} characters.
   *
   * @param screen the recorded terminal at the frame's moment, or null when the timeline recorded
   *     no terminal output (then no terminal pane is drawn)
   * @param playing whether the replay is playing
   * @param speed the play speed (1 = real time)
   */
  public static List<AttributedString> render(
      Timeline timeline, Frame frame, Screen screen, int width, int height, boolean playing, double speed) {
    int w = Math.max(20, width);
    int h = Math.max(10, height);
    List<AttributedString> lines = new ArrayList<>(h);
    long t = frame.offsetNanos();

    String state = playing ? "▶ playing " + speedText(speed) : "⏸ paused " + speedText(speed);
    String title = "cab-trace replay · " + TerminalText.escapeLine(cellName(timeline));
    lines.add(styled(fit(title, w - columns(state) - 1) + " " + state, HEADING, w));
    lines.add(plain("t = " + Durations.groupedMillis(t) + " / " + Durations.seconds(timeline.durationNanos())
        + "   active " + frame.active().size() + " · finished " + frame.finished().size()
        + " · not started " + frame.notStarted().size(), w));

    // The pane takes what is left of the screen once the other parts have their rows (title, status,
    // ruler, one gantt row, Selected and Model calls four each, the legend) and its heading: fewer
    // rows, the ones the cursor and the last output are on, not a pane cut off at the bottom.
    int outputRows = screen == null ? 0 : Math.max(0, Math.min(screen.rows(), Math.min(Math.max(3, h / 4), h - 14)));
    int fixedRows = 2 + 1 + 4 + 4 + (outputRows == 0 ? 0 : outputRows + 1) + 1;
    int ganttRows = Math.max(1, h - fixedRows);
    int labelWidth = Math.min(44, Math.max(16, w / 3));
    int barWidth = Math.max(4, w - labelWidth - 2);

    lines.add(styled(fit("Spans (" + timeline.size() + ")", labelWidth) + "  " + ruler(timeline, t, barWidth), DIM, w));
    int first = firstRow(timeline, frame, ganttRows);
    for (int row = 0; row < ganttRows; row++) {
      int index = first + row;
      if (index >= timeline.size()) {
        lines.add(AttributedString.EMPTY);
        continue;
      }
      lines.add(ganttRow(timeline, timeline.span(index), frame, t, labelWidth, barWidth, w));
    }

    TimelineSpan selected = frame.selected();
    lines.add(styled("Selected", HEADING, w));
    if (selected == null) {
      lines.add(plain("  (none: ←/→ selects a span)", w));
      lines.add(AttributedString.EMPTY);
      lines.add(AttributedString.EMPTY);
    } else {
      lines.add(plain("  " + selected.kindName() + " · " + TerminalText.escapeLine(selected.name()) + " · "
          + Durations.millis(selected.durationNanos()) + " · starts at " + Durations.groupedMillis(timeline.offsetNanos(selected.startEpochNanos()))
          + (selected.unfinished() ? " · UNFINISHED" : "")
          + (selected.status().name().equals("ERROR") ? " · ERROR " + TerminalText.escapeLine(selected.statusMessage()) : ""), w));
      // Two lines of attributes: the first full to the edge, the second goes on where it stopped.
      String attributes = attributesText(selected.attributes(), selected.kind() != null);
      String firstLine = new AttributedString(attributes).columnSubSequence(0, w - 2).toString();
      lines.add(plain("  " + firstLine, w));
      String rest = attributes.substring(firstLine.length());
      lines.add(plain(rest.isEmpty() ? "" : "  " + rest, w));
    }

    List<ModelCall> calls = frame.modelCalls();
    lines.add(styled("Model calls " + calls.size() + "/" + timeline.modelCalls().size()
        + " · tokens so far: in " + frame.tokens().input() + " · out " + frame.tokens().output()
        + " · total " + frame.tokens().total()
        + (frame.tokens().unknownCalls() > 0 ? " (" + frame.tokens().unknownCalls() + " without usage)" : ""), HEADING, w));
    for (int i = Math.max(0, calls.size() - 3); i < Math.max(3, calls.size()); i++) {
      if (i < calls.size()) {
        ModelCall call = calls.get(i);
        lines.add(plain("  #" + (i + 1) + " " + TerminalText.escapeLine(call.model()) + " · in " + count(call.inputTokens())
            + " · out " + count(call.outputTokens()) + " · " + Durations.millis(call.latencyNanos())
            + " · " + TerminalText.escapeLine(String.join(",", call.finishReasons())), w));
      } else {
        lines.add(AttributedString.EMPTY);
      }
    }

    if (outputRows > 0) {
      lines.add(styled(terminalHeading(screen), HEADING, w));
      List<AttributedString> pane = ScreenPane.lines(screen, w - 2, outputRows);
      for (int i = 0; i < outputRows; i++) {
        if (i < pane.size()) {
          lines.add(new AttributedStringBuilder(w).append("  ").append(pane.get(i)).toAttributedString().columnSubSequence(0, w));
        } else {
          lines.add(AttributedString.EMPTY);
        }
      }
    }
    while (lines.size() < h - 1) {
      lines.add(AttributedString.EMPTY);
    }
    // Laid out for at least 20 × 10, drawn at the screen's size: the legend always shows, on the
    // last line, however small the screen, and no line is wider than it.
    int rows = Math.max(1, height);
    List<AttributedString> drawn = new ArrayList<>(lines.subList(0, Math.min(rows, h) - 1));
    drawn.add(styled(LEGEND, DIM, w));
    if (width < w) {
      int columns = Math.max(0, width);
      drawn.replaceAll(line -> line.columnSubSequence(0, columns));
    }
    return drawn;
  }

  private static String terminalHeading(Screen screen) {
    return "Terminal at t · " + screen.columns() + "×" + screen.rows()
        + (screen.alternateScreen() ? " · alternate screen" : "")
        + (screen.title().isEmpty() ? "" : " · " + TerminalText.escapeLine(screen.title()));
  }

  /** The first span row shown: the selected span (or the first active one) stays in view. */
  private static int firstRow(Timeline timeline, Frame frame, int rows) {
    int focus;
    if (frame.selected() != null) {
      focus = frame.selected().index();
    } else if (!frame.active().isEmpty()) {
      focus = frame.active().get(0).index();
    } else {
      focus = timeline.size() - frame.notStarted().size();
    }
    int first = focus - rows / 3;
    return Math.max(0, Math.min(first, timeline.size() - rows));
  }

  /**
   * {@code (offset × width − less) ÷ duration}, exactly, also where the product overflows a long: a
   * span with a wild start time (an unset clock) stretches a timeline over centuries.
   */
  private static long scale(long offset, int width, long duration, int less) {
    if (offset >= 0 && offset <= (Long.MAX_VALUE - less) / width) {
      return (offset * width - less) / duration;
    }
    return java.math.BigInteger.valueOf(offset).multiply(java.math.BigInteger.valueOf(width))
        .subtract(java.math.BigInteger.valueOf(less)).divide(java.math.BigInteger.valueOf(duration)).longValue();
  }

  private static AttributedString ganttRow(
      Timeline timeline, TimelineSpan span, Frame frame, long t, int labelWidth, int barWidth, int w) {
    long start = timeline.offsetNanos(span.startEpochNanos());
    long end = timeline.offsetNanos(span.endEpochNanos());
    boolean active = (start <= t && t < end) || (start == end && start == t);
    boolean selected = frame.selected() == span;
    String indent = "  ".repeat(Math.min(span.depth(), 8));
    String label = (selected ? "> " : "  ") + indent + span.kindName() + " " + TerminalText.escapeLine(span.name());
    long duration = Math.max(1, timeline.durationNanos());
    int from = (int) Math.min(barWidth - 1, scale(start, barWidth, duration, 0));
    int to = (int) Math.min(barWidth - 1, Math.max(from, scale(end, barWidth, duration, 1)));
    int cursor = (int) Math.min(barWidth - 1, scale(t, barWidth, duration, 0));
    StringBuilder bar = new StringBuilder(barWidth);
    for (int x = 0; x < barWidth; x++) {
      if (x == cursor) {
        bar.append('┃');
      } else if (x >= from && x <= to) {
        bar.append(span.unfinished() ? '┄' : '━');
      } else {
        bar.append(' ');
      }
    }
    AttributedStringBuilder out = new AttributedStringBuilder(w);
    AttributedStyle style = selected ? SELECTED : active ? ACTIVE : AttributedStyle.DEFAULT;
    out.style(style).append(fit(label, labelWidth)).style(AttributedStyle.DEFAULT).append("  ");
    out.style(active ? ACTIVE : AttributedStyle.DEFAULT).append(bar.toString());
    return out.toAttributedString().columnSubSequence(0, w);
  }

  private static String ruler(Timeline timeline, long t, int barWidth) {
    StringBuilder out = new StringBuilder(barWidth);
    String start = "0";
    String end = Durations.seconds(timeline.durationNanos());
    out.append(start);
    while (out.length() < barWidth - end.length()) {
      out.append(' ');
    }
    out.append(end);
    return out.length() > barWidth ? out.substring(0, barWidth) : out.toString();
  }

  private static String cellName(Timeline timeline) {
    Map<String, Object> resource = timeline.resource();
    Object cell = resource.get("cab.cell_id");
    return cell != null ? String.valueOf(cell) : timeline.source();
  }

  /** The attributes as the selected span's line shows them; cab.span.kind only when it is no kind shown. */
  static String attributesText(Map<String, Object> attributes, boolean kindShown) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Object> entry : attributes.entrySet()) {
      if (kindShown && entry.getKey().equals("cab.span.kind")) {
        continue;
      }
      if (out.length() > 0) {
        out.append("  ");
      }
      out.append(entry.getKey()).append('=').append(valueText(entry.getValue()));
    }
    return TerminalText.escapeLine(out.toString());
  }

  static String valueText(Object value) {
    if (value instanceof List<?>) {
      List<String> parts = new ArrayList<>();
      for (Object element : (List<?>) value) {
        parts.add(valueText(element));
      }
      return "[" + String.join(", ", parts) + "]";
    }
    if (value instanceof String) {
      return "\"" + value + "\"";
    }
    if (value instanceof java.util.Map<?, ?>) {
      List<String> parts = new ArrayList<>();
      for (java.util.Map.Entry<?, ?> entry : ((java.util.Map<?, ?>) value).entrySet()) {
        parts.add(entry.getKey() + ": " + valueText(entry.getValue()));
      }
      return "{" + String.join(", ", parts) + "}";
    }
    if (value instanceof java.nio.ByteBuffer) {
      return "bytes:" + dev.cabtrace.replay.internal.CompactJson.base64((java.nio.ByteBuffer) value);
    }
    return String.valueOf(value);
  }

  private static String count(Long tokens) {
    return tokens == null ? "?" : tokens.toString();
  }

  private static String speedText(double speed) {
    return (speed == Math.rint(speed) ? String.valueOf((long) speed) : String.valueOf(speed)) + "×";
  }

  private static AttributedString plain(String text, int width) {
    return new AttributedString(fit(text, width));
  }

  private static AttributedString styled(String text, AttributedStyle style, int width) {
    return new AttributedString(fit(text, width), style);
  }

  /**
   * {@code text} cut to {@code width} terminal columns (with … when cut), padded with spaces. Wide
   * characters take two columns and combining marks none, as JLine's {@code WCWidth} counts them;
   * a surrogate pair is never split.
   */
  static String fit(String text, int width) {
    if (width <= 0) {
      return "";
    }
    AttributedString columns = new AttributedString(text);
    if (columns.columnLength() > width) {
      AttributedString cut = columns.columnSubSequence(0, width - 1);
      return cut + "…" + " ".repeat(width - 1 - cut.columnLength());
    }
    return text + " ".repeat(width - columns.columnLength());
  }

  /** The terminal columns that {@code text} takes. */
  private static int columns(String text) {
    return new AttributedString(text).columnLength();
  }
}
