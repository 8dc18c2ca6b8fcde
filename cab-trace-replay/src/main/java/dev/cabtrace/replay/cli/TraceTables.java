package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.internal.AttributeBytes;
import dev.cabtrace.replay.internal.CompactJson;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.internal.ParallelChunks;
import dev.cabtrace.replay.internal.ShortList;
import dev.cabtrace.replay.internal.Timestamps;
import dev.cabtrace.replay.internal.Utf8Line;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.replay.timeline.TokenTotals;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The cell page's tables as text: "Trace spans" (children indented under their parents) and "Model
 * calls" with totals, then the warnings and the cell's duration. Every string from the trace is
 * escaped: nothing in a trace can drive the terminal.
 */
final class TraceTables {

  private static final int MAX_ATTRS = 160;
  /** The Name column's widest cell: a longer name is cut there, with an ellipsis, not every row widened to it. */
  private static final int MAX_NAME = 60;
  /** Trace ids in the header line; a count of the rest (a trace of a whole sweep has thousands). */
  static final int TRACE_IDS_SHOWN = 5;
  private static final char[] PADDING = " ".repeat(64).toCharArray();

  private TraceTables() {}

  /**
   * Writes the cell's tables line by line, each line one write of its UTF-8 bytes: a million spans
   * are never held as text. The span and call tables are walked twice, once for the column widths
   * (their last, unpadded column, the attributes, is not made then), once to write; each walk a
   * chunk of rows at a time on several threads, the chunks written in order.
   */
  static void show(Timeline timeline, OutputStream out) throws IOException {
    show(timeline, out, ParallelChunks.ofProcessors());
  }

  /** {@link #show(Timeline, OutputStream)}, its rows made by {@code chunks}. */
  static void show(Timeline timeline, OutputStream out, ParallelChunks chunks) throws IOException {
    Utf8Line line = new Utf8Line();
    Map<String, Object> resource = timeline.resource();
    Object cell = resource.get("cab.cell_id");
    line.text("Cell ").text(TerminalText.escapeLine(cell == null ? timeline.source() : String.valueOf(cell)));
    emit(out, line);
    line.text("Trace ").text(ShortList.of(timeline.traceIds(), TRACE_IDS_SHOWN)).text(" · ").number(timeline.size())
        .text(" spans · duration ").text(Durations.seconds(timeline.durationNanos()));
    emit(out, line);
    emit(out, line);

    line.text("Trace spans (").number(timeline.size()).ascii(')');
    emit(out, line);
    String[] spanHeader = {"Span", "Kind", "Name", "Start", "Duration", "Attrs / Error"};
    int[] widths = widths(spanHeader);
    List<TimelineSpan> order = treeOrder(timeline);
    for (int[] part : chunks.map(order.size(), (from, to) -> {
      int[] chunkWidths = new int[widths.length];
      for (int i = from; i < to; i++) {
        widenForSpan(chunkWidths, timeline, order.get(i));
      }
      return chunkWidths;
    })) {
      widen(widths, part);
    }
    row(out, line, spanHeader, widths);
    chunks.write(order.size(), (from, to, chunkOut) -> {
      Utf8Line chunkLine = new Utf8Line();
      StringBuilder scratch = new StringBuilder();
      for (int i = from; i < to; i++) {
        spanLine(chunkLine, timeline, order.get(i), widths, scratch);
        emit(chunkOut, chunkLine);
      }
    }, out);

    // Made into records once: the timeline makes a call's record each time it is asked for, and
    // the table asks three times (the widths, the line, the latency total). By index, not through
    // a collection copy: its iterator would be compiled again around the making of each record.
    List<ModelCall> timelineCalls = timeline.modelCalls();
    ModelCall[] calls = new ModelCall[timelineCalls.size()];
    String[] callHeader = {"#", "Timestamp", "Request hash", "Prompt", "Completion", "Latency", "Finish"};
    int[] callWidths = widths(callHeader);
    long latency = 0;
    for (CallChunk chunk : chunks.map(calls.length, (from, to) -> {
      int[] chunkWidths = new int[callWidths.length];
      long sum = 0;
      for (int i = from; i < to; i++) {
        calls[i] = timelineCalls.get(i);
        sum += calls[i].latencyNanos();
        widenForCall(chunkWidths, i, calls[i]);
      }
      return new CallChunk(chunkWidths, sum);
    })) {
      widen(callWidths, chunk.widths());
      latency += chunk.latencyNanos();
    }
    emit(out, line);
    line.text("Model calls (").number(calls.length).ascii(')');
    emit(out, line);
    if (calls.length == 0) {
      line.text("Per-call token capture is not available for this run.");
      emit(out, line);
    } else {
      TokenTotals tokens = timeline.tokens();
      String[] totalRow = {"", "total", "", Long.toString(tokens.input()), Long.toString(tokens.output()),
          Durations.millis(latency), tokens.unknownCalls() > 0 ? tokens.unknownCalls() + " call(s) without usage" : ""};
      widen(callWidths, totalRow);
      row(out, line, callHeader, callWidths);
      chunks.write(calls.length, (from, to, chunkOut) -> {
        Utf8Line chunkLine = new Utf8Line();
        StringBuilder scratch = new StringBuilder();
        for (int i = from; i < to; i++) {
          callLine(chunkLine, i, calls[i], callWidths, scratch);
          emit(chunkOut, chunkLine);
        }
      }, out);
      row(out, line, totalRow, callWidths);
    }

    if (!timeline.warnings().isEmpty()) {
      emit(out, line);
      line.text("Warnings (").number(timeline.warnings().size()).ascii(')');
      emit(out, line);
      for (LoadWarning warning : timeline.warnings()) {
        line.text("  ").text(TerminalText.escapeLine(warning.toString()));
        emit(out, line);
      }
    }
    emit(out, line);
    line.text("Duration ").text(Durations.seconds(timeline.durationNanos()))
        .text(" (").text(Durations.millis(timeline.durationNanos())).ascii(')');
    emit(out, line);
  }

  /** The call table's column widths over a chunk of calls, and their latencies' sum. */
  private record CallChunk(int[] widths, long latencyNanos) {}

  /**
   * Widens the span table's columns for {@code span} as {@link #spanLine} writes them, from the lengths of
   * its cells and without making their text: a million spans are measured before any is written.
   */
  private static void widenForSpan(int[] widths, Timeline timeline, TimelineSpan span) {
    widths[0] = Math.max(widths[0], INDENTS[Math.min(span.depth(), INDENTS.length - 1)].length() + SPAN_ID_LENGTH);
    widths[1] = Math.max(widths[1], span.kindName().length());
    widths[2] = Math.max(widths[2], nameCell(span).length());
    widths[3] = Math.max(widths[3], millisLength(timeline.offsetNanos(span.startEpochNanos())));
    widths[4] = Math.max(widths[4], millisLength(span.durationNanos()) + (span.unfinished() ? UNFINISHED.length() : 0));
  }

  /** The length of {@link Durations#millis}'s text for {@code nanos}. */
  private static int millisLength(long nanos) {
    return digits(Math.floorDiv(nanos, 1_000_000L)) + " ms".length();
  }

  private static final int SPAN_ID_LENGTH = 16;
  private static final String UNFINISHED = " (unfinished)";
  private static final byte[] SPAN_KIND_KEY = "cab.span.kind".getBytes(StandardCharsets.US_ASCII);
  // A span's indent by its depth, capped at 12 levels: two spaces a level and an arrow.
  private static final String[] INDENTS = indents(12);
  private static final byte[][] INDENT_BYTES = Arrays.stream(INDENTS)
      .map(indent -> indent.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

  private static String[] indents(int deepest) {
    String[] indents = new String[deepest + 1];
    for (int depth = 0; depth <= deepest; depth++) {
      indents[depth] = "  ".repeat(depth) + (depth > 0 ? "↳ " : "");
    }
    return indents;
  }

  /** A span's line: its cells, each padded to its column, then its attributes (or error). */
  private static void spanLine(Utf8Line line, Timeline timeline, TimelineSpan span, int[] widths,
      StringBuilder scratch) {
    int depth = Math.min(span.depth(), INDENTS.length - 1);
    line.utf8(INDENT_BYTES[depth], INDENTS[depth].length()).text(span.spanId());
    pad(line, 0, widths[0]);
    int cell = line.chars();
    line.text(span.kindName());
    pad(line, cell, widths[1]);
    cell = line.chars();
    line.text(nameCell(span));
    pad(line, cell, widths[2]);
    cell = line.chars();
    line.number(Math.floorDiv(timeline.offsetNanos(span.startEpochNanos()), 1_000_000L)).text(" ms");
    pad(line, cell, widths[3]);
    cell = line.chars();
    line.number(Math.floorDiv(span.durationNanos(), 1_000_000L)).text(" ms");
    if (span.unfinished()) {
      line.text(UNFINISHED);
    }
    pad(line, cell, widths[4]);
    appendAttrsOrError(line, span, scratch);
  }

  /** A span's name as its cell shows it: escaped, and cut to {@link #MAX_NAME} with an ellipsis. */
  private static String nameCell(TimelineSpan span) {
    String name = TerminalText.escapeLine(span.name());
    if (name.length() <= MAX_NAME) {
      return name;
    }
    int cut = MAX_NAME - 1;
    if (Character.isHighSurrogate(name.charAt(cut - 1))) {
      cut--; // not half a character
    }
    return name.substring(0, cut) + "…";
  }

  /** A model call's line, in the columns of the call table's header. */
  private static void callLine(Utf8Line line, int index, ModelCall call, int[] widths, StringBuilder scratch) {
    line.number(index + 1);
    pad(line, 0, widths[0]);
    int cell = line.chars();
    scratch.setLength(0);
    line.text(Timestamps.appendIso(scratch, call.span().startEpochNanos()));
    pad(line, cell, widths[1]);
    cell = line.chars();
    line.text(requestHash(call));
    pad(line, cell, widths[2]);
    cell = line.chars();
    appendCount(line, call.inputTokens());
    pad(line, cell, widths[3]);
    cell = line.chars();
    appendCount(line, call.outputTokens());
    pad(line, cell, widths[4]);
    cell = line.chars();
    line.number(Math.floorDiv(call.latencyNanos(), 1_000_000L)).text(" ms");
    pad(line, cell, widths[5]);
    line.text(finishReasons(call));
  }

  /** Widens the call table's columns for a call as {@link #callLine} writes it, making little text. */
  private static void widenForCall(int[] widths, int index, ModelCall call) {
    widths[0] = Math.max(widths[0], digits(index + 1));
    widths[1] = Math.max(widths[1], Timestamps.isoLength(call.span().startEpochNanos()));
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

  /** A token count, or {@code ?} when it was not recorded. */
  private static void appendCount(Utf8Line line, Long value) {
    if (value == null) {
      line.ascii('?');
    } else {
      line.number(value);
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

  /** Pads the cell that starts at char {@code start} of {@code line} to its column's width and the gap after it. */
  private static void pad(Utf8Line line, int start, int width) {
    line.spaces(width + 2 - (line.chars() - start));
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

  /**
   * The span's last column: its attributes cut to {@code MAX_ATTRS}, after its error if it failed;
   * written from the bytes they were read from when they are plain, else from their map.
   */
  private static void appendAttrsOrError(Utf8Line line, TimelineSpan span, StringBuilder scratch) {
    if (span.status() == SpanStatus.ERROR) {
      line.text("ERROR ").text(TerminalText.escapeLine(span.statusMessage())).ascii(' ');
    }
    int startBytes = line.length();
    int startChars = line.chars();
    Map<String, Object> attributes = span.attributes();
    // cab.span.kind is the Kind column; a kind cab-trace does not know stays an attribute.
    boolean kindShown = span.kind() != null;
    int whole = attributes instanceof AttributeBytes
        ? ((AttributeBytes) attributes).appendPlainJson(line, kindShown ? SPAN_KIND_KEY : null, MAX_ATTRS) : -1;
    if (whole < 0) {
      line.truncate(startBytes, startChars);
      scratch.setLength(0);
      appendAttributesJson(scratch, attributes, kindShown);
      if (scratch.length() > MAX_ATTRS) {
        scratch.setLength(MAX_ATTRS - 1);
        scratch.append('…');
      }
      line.text(scratch);
    } else if (whole > MAX_ATTRS) {
      // Plain attributes are ASCII: a byte a char.
      line.truncate(startBytes + MAX_ATTRS - 1, startChars + MAX_ATTRS - 1);
      line.text("…");
    }
  }

  /**
   * Appends the attributes as the cell page shows them: one compact JSON object, each key and
   * string made safe for a terminal by {@link TerminalText#escapeLine} (a backslash from the trace
   * shows as {@code \\}, as JSON writes it too).
   */
  private static void appendAttributesJson(StringBuilder out, Map<String, Object> attributes, boolean kindShown) {
    int start = out.length();
    out.append('{');
    for (Map.Entry<String, Object> entry : attributes.entrySet()) {
      if (kindShown && entry.getKey().equals("cab.span.kind")) {
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
      CompactJson.appendObject(out, (Map<?, ?>) value, TraceTables::quote, TraceTables::value);
    } else if (value instanceof java.nio.ByteBuffer) {
      quote(out, CompactJson.base64((java.nio.ByteBuffer) value));
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
      int start = out.length();
      for (int c = 0; c < row.length; c++) {
        cell(out, row, c, widths);
      }
      int end = out.length();
      while (end > start && Character.isWhitespace(out.charAt(end - 1))) {
        end--;
      }
      out.setLength(end);
      out.append('\n');
    }
  }

  /** The widths of a table's padded columns (all but the last), starting from its header. */
  private static int[] widths(String[] header) {
    int[] widths = new int[header.length];
    widen(widths, header);
    return widths;
  }

  private static void widen(int[] widths, int[] more) {
    for (int c = 0; c < widths.length; c++) {
      widths[c] = Math.max(widths[c], more[c]);
    }
  }

  private static void widen(int[] widths, String[] row) {
    for (int c = 0; c < row.length - 1; c++) {
      widths[c] = Math.max(widths[c], row[c].length());
    }
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

  /** A header or total row of the span or call table, written. */
  private static void row(OutputStream out, Utf8Line line, String[] row, int[] widths) throws IOException {
    for (int c = 0; c < row.length; c++) {
      int start = line.chars();
      line.text(row[c]);
      if (c < row.length - 1) {
        pad(line, start, widths[c]);
      }
    }
    emit(out, line);
  }

  /** Writes the line without its trailing blanks, and empties it. */
  private static void emit(OutputStream out, Utf8Line line) throws IOException {
    line.trimTrailingWhitespace();
    line.ascii('\n');
    out.write(line.bytes(), 0, line.length());
    line.clear();
  }
}
