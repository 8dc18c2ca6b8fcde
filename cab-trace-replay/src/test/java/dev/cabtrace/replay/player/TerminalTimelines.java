package dev.cabtrace.replay.player;

import dev.cabtrace.replay.timeline.SpanEvent;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineBuilder;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.util.LinkedHashMap;
import java.util.Map;

/** Timelines of one container span with recorded pty output, for the player's tests. */
final class TerminalTimelines {

  static final long T0 = 1_781_680_663_000_000_000L;
  static final long MS = 1_000_000L;

  /** Everything a hostile program could write to its terminal, with "ok" printed around it. */
  static final String HOSTILE =
      "ok\u001b]0;pwned\u0007\u001b]2;evil" + "\u001b\\" + "\u001b]52;c;cm0gLXJmIH4=\u0007"
          + "\u001bP1$r0m\u0007" + "\u001b\\" + "\u001b_apc\u001b\\" + "\u009b31m\u009d0;x\u0007"
          + "\u001b[?2004h\u001b[200~paste\u001b[201~\u001b[c\u001b[>c\u001b[6n\u001b[5n\u001b[21t"
          + "\u0007\u0000\u007f\u001b[?1049h\u001b[2;3H\u001b[1;31mok";

  private TerminalTimelines() {}

  /** A cell whose container recorded {@code chunks} (time in ms, pty text, alternately) at the given size. */
  static Timeline withPty(int columns, int rows, Object... chunks) {
    TimelineSpan.Builder container = TimelineSpan.builder().setTraceId(1, 1).setSpanId(2).setParentSpanId(1)
        .setName("tui:run").putAttribute("cab.span.kind", "container")
        .putAttribute("cab.terminal.columns", (long) columns).putAttribute("cab.terminal.rows", (long) rows)
        .setStartEpochNanos(T0).setEndEpochNanos(T0 + 1_000 * MS);
    for (int i = 0; i < chunks.length; i += 2) {
      Map<String, Object> attributes = new LinkedHashMap<>();
      attributes.put("cab.output.stream", "pty");
      attributes.put("cab.output.data", chunks[i + 1]);
      container.addEvent(new SpanEvent(T0 + ((Number) chunks[i]).longValue() * MS, "cab.output", attributes));
    }
    TimelineBuilder builder = new TimelineBuilder("tui.jsonl");
    builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("cell")
        .putAttribute("cab.span.kind", "adapter_run").setStartEpochNanos(T0).setEndEpochNanos(T0 + 1_000 * MS), 0);
    builder.add(container, 0);
    return builder.build();
  }
}
