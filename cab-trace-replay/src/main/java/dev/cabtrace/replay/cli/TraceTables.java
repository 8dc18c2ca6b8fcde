package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.internal.CompactJson;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.internal.Timestamps;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.replay.timeline.TokenTotals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cell page's tables as text: "Trace spans" (children indented under their parents) and "Model
 * calls" with totals, then the warnings and the cell's duration. Every string from the trace is
 * escaped: nothing in a trace can drive the terminal.
 */
final class TraceTables {

  private static final int MAX_ATTRS = 160;
  private static final char[] PADDING = " ".repeat(64).toCharArray();
  // One line at a time is built, a million times for a big trace: its builder is kept.
  private static final ThreadLocal<StringBuilder> LINE = ThreadLocal.withInitial(() -> new StringBuilder(512));
  private static final ThreadLocal<char[]> CHARS = ThreadLocal.withInitial(() -> new char[512]);

  private TraceTables() {}

  static String show(Timeline timeline) {
    StringBuilder out = new StringBuilder();
    try {
      show(timeline, out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // a StringBuilder does not throw
    }
    return out.toString();
  }

  /**
   * Writes the cell's tables line by line: a million spans are never held as text. The span and
   * call tables are walked twice, once for the column widths (their last, unpadded column, the
   * attributes, is not made then), once to write.
   */
  static void show(Timeline timeline, Appendable out) throws java.io.IOException {
    Map<String, Object> resource = timeline.resource();
    Object cell = resource.get("cab.cell_id");
    out.append("Cell ").append(TerminalText.escapeLine(cell == null ? timeline.source() : String.valueOf(cell)))
        .append('\n');
    out.append("Trace ").append(String.join(", ", timeline.traceIds())).append(" · ")
        .append(Integer.toString(timeline.size())).append(" spans · duration ")
        .append(Durations.seconds(timeline.durationNanos())).append('\n').append('\n');

    out.append("Trace spans (").append(Integer.toString(timeline.size())).append(")\n");
    String[] spanHeader = {"Span", "Kind", "Name", "Start", "Duration", "Attrs / Error"};
    int[] widths = widths(spanHeader);
    List<TimelineSpan> order = treeOrder(timeline);
    for (TimelineSpan span : order) {
      widenForSpan(widths, timeline, span);
    }
    line(out, spanHeader, widths);
    for (TimelineSpan span : order) {
      spanLine(out, timeline, span, widths);
    }

    // Made into records once: the timeline makes a call's record each time it is asked for, and
    // the table asks three times (the widths, the line, the latency total).
    List<ModelCall> calls = new ArrayList<>(timeline.modelCalls());
    out.append('\n').append("Model calls (").append(Integer.toString(calls.size())).append(")\n");
    if (calls.isEmpty()) {
      out.append("Per-call token capture is not available for this run.\n");
    } else {
      String[] callHeader = {"#", "Timestamp", "Request hash", "Prompt", "Completion", "Latency", "Finish"};
      TokenTotals tokens = timeline.tokens();
      long latency = calls.stream().mapToLong(ModelCall::latencyNanos).sum();
      String[] totalRow = {"", "total", "", Long.toString(tokens.input()), Long.toString(tokens.output()),
          Durations.millis(latency), tokens.unknownCalls() > 0 ? tokens.unknownCalls() + " call(s) without usage" : ""};
      int[] callWidths = widths(callHeader);
      StringBuilder scratch = new StringBuilder();
      for (int i = 0; i < calls.size(); i++) {
        widenForCall(callWidths, i, calls.get(i), scratch);
      }
      widen(callWidths, totalRow);
      line(out, callHeader, callWidths);
      for (int i = 0; i < calls.size(); i++) {
        callLine(out, i, calls.get(i), callWidths);
      }
      line(out, totalRow, callWidths);
    }

    if (!timeline.warnings().isEmpty()) {
      out.append('\n').append("Warnings (").append(Integer.toString(timeline.warnings().size())).append(")\n");
      for (LoadWarning warning : timeline.warnings()) {
        out.append("  ").append(TerminalText.escapeLine(warning.toString())).append('\n');
      }
    }
    out.append('\n').append("Duration ").append(Durations.seconds(timeline.durationNanos()))
        .append(" (").append(Durations.millis(timeline.durationNanos())).append(")\n");
  }

  /**
   * Widens the span table's columns for {@code span} as {@link #spanLine} writes them, from the lengths of
   * its cells and without making their text: a million spans are measured before any is written.
   */
  private static void widenForSpan(int[] widths, Timeline timeline, TimelineSpan span) {
    widths[0] = Math.max(widths[0], INDENTS[Math.min(span.depth(), INDENTS.length - 1)].length() + SPAN_ID_LENGTH);
    widths[1] = Math.max(widths[1], span.kindName().length());
    widths[2] = Math.max(widths[2], TerminalText.escapeLine(span.name()).length());
    widths[3] = Math.max(widths[3], millisLength(timeline.offsetNanos(span.startEpochNanos())));
    widths[4] = Math.max(widths[4], millisLength(span.durationNanos()) + (span.unfinished() ? UNFINISHED.length() : 0));
  }

  /** The length of {@link Durations#millis}'s text for {@code nanos}. */
  private static int millisLength(long nanos) {
    return digits(Math.floorDiv(nanos, 1_000_000L)) + " ms".length();
  }

  private static final int SPAN_ID_LENGTH = 16;
  private static final String UNFINISHED = " (unfinished)";
  // A span's indent by its depth, capped at 12 levels: two spaces a level and an arrow.
  private static final String[] INDENTS = indents(12);

  private static String[] indents(int deepest) {
    String[] indents = new String[deepest + 1];
    for (int depth = 0; depth <= deepest; depth++) {
      indents[depth] = "  ".repeat(depth) + (depth > 0 ? "↳ " : "");
    }
    return indents;
  }

  /** A span's line: its cells, each padded to its column, then its attributes (or error), written in place. */
  private static void spanLine(Appendable out, Timeline timeline, TimelineSpan span, int[] widths)
      throws java.io.IOException {
    StringBuilder line = LINE.get();
    line.setLength(0);
    line.append(INDENTS[Math.min(span.depth(), INDENTS.length - 1)]).append(span.spanId());
    pad(line, 0, widths[0]);
    int cell = line.length();
    line.append(span.kindName());
    pad(line, cell, widths[1]);
    cell = line.length();
    line.append(TerminalText.escapeLine(span.name()));
    pad(line, cell, widths[2]);
    cell = line.length();
    appendMillis(line, timeline.offsetNanos(span.startEpochNanos()));
    pad(line, cell, widths[3]);
    cell = line.length();
    appendMillis(line, span.durationNanos());
    if (span.unfinished()) {
      line.append(UNFINISHED);
    }
    pad(line, cell, widths[4]);
    appendAttrsOrError(line, span);
    emit(out, line);
  }

  /** A model call's line, in the columns of the call table's header. */
  private static void callLine(Appendable out, int index, ModelCall call, int[] widths) throws java.io.IOException {
    StringBuilder line = LINE.get();
    line.setLength(0);
    line.append(index + 1);
    pad(line, 0, widths[0]);
    int cell = line.length();
    Timestamps.appendIso(line, call.span().startEpochNanos());
    pad(line, cell, widths[1]);
    cell = line.length();
    line.append(requestHash(call));
    pad(line, cell, widths[2]);
    cell = line.length();
    appendCount(line, call.inputTokens());
    pad(line, cell, widths[3]);
    cell = line.length();
    appendCount(line, call.outputTokens());
    pad(line, cell, widths[4]);
    cell = line.length();
    appendMillis(line, call.latencyNanos());
    pad(line, cell, widths[5]);
    line.append(finishReasons(call));
    emit(out, line);
  }

  /** Widens the call table's columns for a call as {@link #callLine} writes it, making little text. */
  private static void widenForCall(int[] widths, int index, ModelCall call, StringBuilder scratch) {
    widths[0] = Math.max(widths[0], digits(index + 1));
    scratch.setLength(0);
    widths[1] = Math.max(widths[1], Timestamps.appendIso(scratch, call.span().startEpochNanos()).length());
    widths[2] = Math.max(widths[2], requestHash(call).length());
    widths[3] = Math.max(widths[3], call.inputTokens() == null ? 1 : digits(call.inputTokens()));
    widths[4] = Math.max(widths[4], call.outputTokens() == null ? 1 : digits(call.outputTokens()));
    widths[5] = Math.max(widths[5], millisLength(call.latencyNanos()));
  }

  private static String requestHash(ModelCall call) {
    return call.requestHash() == null ? "-" : TerminalText.escapeLine(shortHash(call.requestHash()));
  }

  private static String finishReasons(ModelCall call) {
    return TerminalText.escapeLine(call.finishReasons().size() == 1 ? call.finishReasons().get(0)
        : String.join(",", call.finishReasons()));
  }

  /** As {@link Durations#millis}, appended. */
  private static void appendMillis(StringBuilder line, long nanos) {
    line.append(Math.floorDiv(nanos, 1_000_000L)).append(" ms");
  }

  /** A token count, or {@code ?} when it was not recorded. */
  private static void appendCount(StringBuilder line, Long value) {
    if (value == null) {
      line.append('?');
    } else {
      line.append(value.longValue());
    }
  }

  /** The number of characters of {@code value}'s decimal text. */
  private static int digits(long value) {
    if (value < 0) {
      return Long.toString(value).length();
    }
    int digits = 1;
    while (value >= 10) {
      value /= 10;
      digits++;
    }
    return digits;
  }

  /** Pads the cell that starts at {@code start} in {@code line} to its column's width and the gap after it. */
  private static void pad(StringBuilder line, int start, int width) {
    for (int length = line.length() - start; length < width + 2; length++) {
      line.append(' ');
    }
  }

  /** Spans depth first: each root in start order, its children under it. */
  static List<TimelineSpan> treeOrder(Timeline timeline) {
    List<TimelineSpan> out = new ArrayList<>(timeline.size());
    java.util.ArrayDeque<TimelineSpan> stack = new java.util.ArrayDeque<>();
    List<TimelineSpan> roots = timeline.roots();
    for (int i = roots.size() - 1; i >= 0; i--) {
      stack.push(roots.get(i));
    }
    while (!stack.isEmpty()) {
      TimelineSpan span = stack.pop();
      out.add(span);
      List<TimelineSpan> children = timeline.children(span);
      for (int i = children.size() - 1; i >= 0; i--) {
        stack.push(children.get(i));
      }
    }
    return out;
  }

  /** The span's last column: its attributes cut to {@code MAX_ATTRS}, after its error if it failed. */
  private static void appendAttrsOrError(StringBuilder out, TimelineSpan span) {
    if (span.status() == SpanStatus.ERROR) {
      out.append("ERROR ").append(TerminalText.escapeLine(span.statusMessage())).append(' ');
    }
    int start = out.length();
    appendAttributesJson(out, span.attributes());
    if (out.length() - start > MAX_ATTRS) {
      out.setLength(start + MAX_ATTRS - 1);
      out.append('…');
    }
  }

  /**
   * Appends the attributes as the cell page shows them: one compact JSON object, each key and
   * string made safe for a terminal by {@link TerminalText#escapeLine} (a backslash from the trace
   * shows as {@code \\}, as JSON writes it too).
   */
  private static void appendAttributesJson(StringBuilder out, Map<String, Object> attributes) {
    int start = out.length();
    out.append('{');
    for (Map.Entry<String, Object> entry : attributes.entrySet()) {
      if (entry.getKey().equals("cab.span.kind")) {
        continue;
      }
      if (out.length() > start + 1) {
        out.append(',');
      }
      quote(out, entry.getKey());
      out.append(':');
      value(out, entry.getValue());
    }
    out.append('}');
  }

  private static void value(StringBuilder out, Object value) {
    if (value instanceof List<?>) {
      CompactJson.appendArray(out, (List<?>) value, TraceTables::value);
    } else if (value instanceof String) {
      quote(out, (String) value);
    } else if (value instanceof Map<?, ?>) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(out, String.valueOf(entry.getKey()));
        out.append(':');
        value(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof java.nio.ByteBuffer) {
      quote(out, AttributeValues.base64((java.nio.ByteBuffer) value));
    } else if (value instanceof Long) {
      out.append(((Long) value).longValue()); // as its text, which needs no escaping
    } else if (value instanceof Boolean) {
      out.append(((Boolean) value).booleanValue());
    } else {
      out.append(TerminalText.escapeLine(String.valueOf(value)));
    }
  }

  private static void quote(StringBuilder out, String text) {
    // escapeLine already doubled every backslash; a quote is the one character left to escape.
    String safe = TerminalText.escapeLine(text);
    out.append('"');
    if (safe.indexOf('"') < 0) {
      out.append(safe).append('"');
      return;
    }
    for (int i = 0; i < safe.length(); i++) {
      char c = safe.charAt(i);
      if (c == '"') {
        out.append('\\');
      }
      out.append(c);
    }
    out.append('"');
  }

  private static String shortHash(String hash) {
    return hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
  }

  /** Columns padded to their widest cell; the last column is not padded. */
  static void table(StringBuilder out, List<String[]> rows) {
    int[] widths = widths(rows.get(0));
    for (String[] row : rows) {
      widen(widths, row);
    }
    for (String[] row : rows) {
      try {
        line(out, row, widths);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e); // a StringBuilder does not throw
      }
    }
  }

  /** The widths of a table's padded columns (all but the last), starting from its header. */
  private static int[] widths(String[] header) {
    int[] widths = new int[header.length];
    widen(widths, header);
    return widths;
  }

  private static void widen(int[] widths, String[] row) {
    for (int c = 0; c < row.length - 1; c++) {
      widths[c] = Math.max(widths[c], row[c].length());
    }
  }

  private static void line(Appendable out, String[] row, int[] widths) throws java.io.IOException {
    StringBuilder line = LINE.get();
    line.setLength(0);
    for (int c = 0; c < row.length; c++) {
      cell(line, row, c, widths);
    }
    emit(out, line);
  }

  private static void cell(StringBuilder line, String[] row, int c, int[] widths) {
    line.append(row[c]);
    if (c < row.length - 1) {
      line.append(PADDING, 0, Math.max(0, Math.min(PADDING.length, widths[c] + 2 - row[c].length())));
      for (int pad = row[c].length() + PADDING.length; pad < widths[c] + 2; pad++) {
        line.append(' ');
      }
    }
  }

  /** Writes the line without its trailing blanks; to a Writer as characters, not as a String made for it. */
  private static void emit(Appendable out, StringBuilder line) throws java.io.IOException {
    int end = line.length();
    while (end > 0 && Character.isWhitespace(line.charAt(end - 1))) {
      end--;
    }
    line.setLength(end);
    line.append('\n');
    if (out instanceof java.io.Writer) {
      char[] chars = CHARS.get();
      if (chars.length < line.length()) {
        chars = new char[Math.max(2 * chars.length, line.length())];
        CHARS.set(chars);
      }
      line.getChars(0, line.length(), chars, 0);
      ((java.io.Writer) out).write(chars, 0, line.length());
    } else {
      out.append(line);
    }
  }
}
