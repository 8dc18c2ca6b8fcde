package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.internal.CompactJson;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.terminal.TerminalText;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.replay.timeline.TokenTotals;
import java.time.Instant;
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

  private TraceTables() {}

  static String show(Timeline timeline) {
    StringBuilder out = new StringBuilder();
    Map<String, Object> resource = timeline.resource();
    Object cell = resource.get("cab.cell_id");
    out.append("Cell ").append(TerminalText.escapeLine(cell == null ? timeline.source() : String.valueOf(cell)))
        .append('\n');
    out.append("Trace ").append(String.join(", ", timeline.traceIds())).append(" · ")
        .append(timeline.size()).append(" spans · duration ").append(Durations.seconds(timeline.durationNanos()))
        .append('\n').append('\n');

    out.append("Trace spans (").append(timeline.size()).append(")\n");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Span", "Kind", "Name", "Start", "Duration", "Attrs / Error"});
    for (TimelineSpan span : treeOrder(timeline)) {
      String indent = "  ".repeat(Math.min(span.depth(), 12)) + (span.depth() > 0 ? "↳ " : "");
      rows.add(new String[] {
        indent + span.spanId(),
        span.kindName(),
        TerminalText.escapeLine(span.name()),
        Durations.millis(timeline.offsetNanos(span.startEpochNanos())),
        Durations.millis(span.durationNanos()) + (span.unfinished() ? " (unfinished)" : ""),
        attrsOrError(span)
      });
    }
    table(out, rows);

    List<ModelCall> calls = timeline.modelCalls();
    out.append('\n').append("Model calls (").append(calls.size()).append(")\n");
    if (calls.isEmpty()) {
      out.append("Per-call token capture is not available for this run.\n");
    } else {
      List<String[]> callRows = new ArrayList<>();
      callRows.add(new String[] {"#", "Timestamp", "Request hash", "Prompt", "Completion", "Latency", "Finish"});
      int n = 1;
      for (ModelCall call : calls) {
        callRows.add(new String[] {
          Integer.toString(n++),
          Instant.ofEpochSecond(0, call.span().startEpochNanos()).toString(),
          call.requestHash() == null ? "-" : TerminalText.escapeLine(shortHash(call.requestHash())),
          count(call.inputTokens()),
          count(call.outputTokens()),
          Durations.millis(call.latencyNanos()),
          TerminalText.escapeLine(String.join(",", call.finishReasons()))
        });
      }
      TokenTotals tokens = timeline.tokens();
      long latency = calls.stream().mapToLong(ModelCall::latencyNanos).sum();
      callRows.add(new String[] {"", "total", "", Long.toString(tokens.input()), Long.toString(tokens.output()),
          Durations.millis(latency), tokens.unknownCalls() > 0 ? tokens.unknownCalls() + " call(s) without usage" : ""});
      table(out, callRows);
    }

    if (!timeline.warnings().isEmpty()) {
      out.append('\n').append("Warnings (").append(timeline.warnings().size()).append(")\n");
      for (LoadWarning warning : timeline.warnings()) {
        out.append("  ").append(TerminalText.escapeLine(warning.toString())).append('\n');
      }
    }
    out.append('\n').append("Duration ").append(Durations.seconds(timeline.durationNanos()))
        .append(" (").append(Durations.millis(timeline.durationNanos())).append(")\n");
    return out.toString();
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

  private static String attrsOrError(TimelineSpan span) {
    String attrs = attributesJson(span.attributes());
    if (attrs.length() > MAX_ATTRS) {
      attrs = attrs.substring(0, MAX_ATTRS - 1) + "…";
    }
    if (span.status() == SpanStatus.ERROR) {
      return "ERROR " + TerminalText.escapeLine(span.statusMessage()) + " " + attrs;
    }
    return attrs;
  }

  /**
   * The attributes as the cell page shows them: one compact JSON object, each key and string made
   * safe for a terminal by {@link TerminalText#escapeLine} (a backslash from the trace shows as
   * {@code \\}, as JSON writes it too).
   */
  static String attributesJson(Map<String, Object> attributes) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, Object> entry : attributes.entrySet()) {
      if (entry.getKey().equals("cab.span.kind")) {
        continue;
      }
      if (out.length() > 1) {
        out.append(',');
      }
      quote(out, entry.getKey());
      out.append(':');
      value(out, entry.getValue());
    }
    return out.append('}').toString();
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
    } else {
      out.append(TerminalText.escapeLine(String.valueOf(value)));
    }
  }

  private static void quote(StringBuilder out, String text) {
    // escapeLine already doubled every backslash; a quote is the one character left to escape.
    String safe = TerminalText.escapeLine(text);
    out.append('"');
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

  private static String count(Long value) {
    return value == null ? "?" : value.toString();
  }

  /** Columns padded to their widest cell; the last column is not padded. */
  static void table(StringBuilder out, List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns - 1; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(row[c]);
        if (c < columns - 1) {
          for (int pad = row[c].length(); pad < widths[c] + 2; pad++) {
            line.append(' ');
          }
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
