package dev.cabtrace.replay.page;

import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.internal.ShortList;
import dev.cabtrace.replay.ledger.CellScore;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.ReplayCursor;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A cell's page: one self-contained HTML file that shows what the trace knows about the cell, as
 * the benchmark's cell page does (header, run identity, timing, the tokens and latency axes, the
 * trace replay, the terminal at t, the span and model-call tables), and replays it with the
 * terminal player's keys, landing on the same t values. Styles, script and trace are embedded;
 * nothing is fetched, so the file works from {@code file://} with no network at all.
 *
 * <pre>{@code
 * Timeline timeline = TraceReader.create().read(Path.of("cell.jsonl"));
 * Files.writeString(Path.of("cell.html"), CellPage.create(timeline).html());
 * }</pre>
 *
 * <p>Every string from the trace is escaped where the generator writes it and inserted as text by
 * the page's script; a Content-Security-Policy allows only the embedded script and style sheet.
 */
public final class CellPage {

  private static final Logger logger = Logger.getLogger(CellPage.class.getName());

  private final Map<String, CharSequence> text;
  private final PageTemplate.Part data;
  private final int terminalSnapshots;
  private volatile String html;

  private CellPage(Map<String, CharSequence> text, PageTemplate.Part data, int terminalSnapshots) {
    this.text = text;
    this.data = data;
    this.terminalSnapshots = terminalSnapshots;
  }

  /** The page of {@code timeline}, with default settings. */
  public static CellPage create(Timeline timeline) {
    return builder(timeline).build();
  }

  /** A builder for the page of {@code timeline}. */
  public static Builder builder(Timeline timeline) {
    return new Builder(Objects.requireNonNull(timeline, "timeline"));
  }

  /**
   * The page, one HTML document, made when first asked for. A page of a large trace is better
   * written with {@link #writeTo}, which never holds it whole.
   */
  public String html() {
    String page = html;
    if (page == null) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try {
        writeTo(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // not from the byte array: from reading attributes back
      }
      page = bytes.toString(StandardCharsets.UTF_8);
      html = page;
    }
    return page;
  }

  /** How many terminal screens the page holds (0 when no output was recorded). */
  public int terminalSnapshots() {
    return terminalSnapshots;
  }

  /** The policy the page carries in its meta element, for a server to send as a header too. */
  public static String contentSecurityPolicy() {
    return PageTemplate.CONTENT_SECURITY_POLICY;
  }

  /**
   * Writes the page to {@code out} as UTF-8, the trace's data as it is made (a page of a million
   * spans is never held whole); does not close it.
   */
  public void writeTo(OutputStream out) throws IOException {
    PageTemplate.write(PageTemplate.HTML, text, "data", data, out);
    out.flush();
  }

  /** Settings of a {@link CellPage}. */
  public static final class Builder {
    private final Timeline timeline;
    private int maxScreenSnapshots = ScreenSnapshots.DEFAULT_MAX_SNAPSHOTS;
    private String sourceName;

    private Builder(Timeline timeline) {
      this.timeline = timeline;
    }

    /**
     * The most terminal screens to embed (default 5,000): output that changed at more moments is
     * shown at this many, evenly spread, and the page says so.
     */
    public Builder setMaxScreenSnapshots(int maxScreenSnapshots) {
      if (maxScreenSnapshots < 2) {
        throw new IllegalArgumentException("maxScreenSnapshots must be at least 2");
      }
      this.maxScreenSnapshots = maxScreenSnapshots;
      return this;
    }

    /**
     * The name the page gives its trace, in its footer, its data and its warnings; default the
     * timeline's source. A server names a file relative to the directory it serves, not where that
     * lies.
     */
    public Builder setSourceName(String sourceName) {
      this.sourceName = Objects.requireNonNull(sourceName, "sourceName");
      return this;
    }

    /** Generates the page. */
    public CellPage build() {
      return render(timeline, maxScreenSnapshots, sourceName == null ? timeline.source() : sourceName);
    }
  }

  private static CellPage render(Timeline timeline, int maxScreenSnapshots, String source) {
    long tick = ReplayCursor.DEFAULT_TICK_NANOS;
    // The terminal is emulated on a thread of its own while the rest of the page is summed up.
    java.util.concurrent.FutureTask<ScreenSnapshots> emulation = timeline.output().isEmpty() ? null
        : new java.util.concurrent.FutureTask<>(
            () -> ScreenSnapshots.of(OutputRecording.of(timeline), tick, spanStarts(timeline), maxScreenSnapshots));
    if (emulation != null) {
      startOrRun(emulation, timeline.size());
    }
    CellSummary summary = CellSummary.of(timeline);
    CellScore score = CellScore.of(timeline);
    CellAxes axes = CellAxes.of(score);
    ScreenSnapshots terminal = null;
    String terminalProblem = null;
    if (emulation != null) {
      try {
        terminal = joined(emulation);
      } catch (RuntimeException e) {
        // The page still shows everything else; the terminal pane falls back to a span summary.
        terminalProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        logger.log(Level.WARNING, "could not emulate the terminal output of " + timeline.source(), e);
      }
    }
    List<ModelCall> calls = timeline.modelCalls();

    Map<String, CharSequence> values = new HashMap<>();
    values.put("csp", HtmlText.escape(PageTemplate.CONTENT_SECURITY_POLICY));
    values.put("style", PageTemplate.STYLE);
    values.put("script", PageTemplate.SCRIPT);
    String agent = summary.agent() == null ? "unknown agent" : summary.agent();
    String model = summary.model() == null ? "unknown model" : summary.model();
    values.put("title", HtmlText.fromTrace(agent + " × " + model
        + (summary.task() == null ? "" : " · " + summary.task()) + " · cab-trace"));
    values.put("heading", HtmlText.fromTrace(agent + " × " + model));
    values.put("category", HtmlText.fromTrace(summary.taskCategory() == null ? "" : summary.taskCategory()));
    values.put("task", summary.task() == null ? "<span class=\"unknown\">task not recorded</span>" : HtmlText.fromTrace(summary.task()));
    values.put("scores", scores(summary, score, axes));
    values.put("identity", identity(timeline, summary));
    values.put("timing", timing(summary, axes));
    values.put("axes", axes(axes));
    values.put("clock", "t = " + Durations.groupedMillis(0) + " / " + Durations.seconds(timeline.durationNanos()));
    values.put("durationText", Durations.seconds(timeline.durationNanos()));
    values.put("spanCount", Integer.toString(timeline.size()));
    values.put("spanFoot", spanFoot(timeline));
    values.put("terminalNote", HtmlText.escape(terminalNote(timeline, terminal, terminalProblem)));
    values.put("callCount", Integer.toString(calls.size()));
    values.put("callsBody", callsBody(timeline, calls));
    values.put("warnings", warnings(timeline.warnings(), timeline.source(), source));
    values.put("source", HtmlText.fromTrace(source));
    ScreenSnapshots screens = terminal;
    String problem = terminalProblem;
    PageTemplate.Part data = out -> PageData.write(out, timeline, source, axes, screens, problem, tick);
    return new CellPage(values, data, terminal == null ? 0 : terminal.snapshots().size());
  }

  /** Timelines of this many spans or more have their terminal emulated on a thread of its own. */
  private static final int SIDE_THREAD_SPANS = 100_000;

  /** Starts {@code task} on a thread of its own for a big timeline; runs it here for a small one. */
  private static void startOrRun(Runnable task, int spans) {
    if (spans >= SIDE_THREAD_SPANS && Runtime.getRuntime().availableProcessors() > 1) {
      Thread thread = new Thread(task, "cab-trace-page-terminal");
      thread.setDaemon(true);
      try {
        thread.start();
        return;
      } catch (OutOfMemoryError noThread) {
        // No thread to be had (a process limit): run here.
      }
    }
    task.run();
  }

  /** The task's result, waiting through interrupts (keeping the flag); what it threw, thrown as it was. */
  private static <T> T joined(java.util.concurrent.FutureTask<T> task) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RuntimeException) {
            throw (RuntimeException) e.getCause();
          }
          if (e.getCause() instanceof Error) {
            throw (Error) e.getCause();
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String scores(CellSummary summary, CellScore score, CellAxes axes) {
    StringBuilder out = new StringBuilder();
    score(out, "Pass", score.pass() == null ? null : score.pass() ? "1.000" : "0.000");
    Object perCorrect = axes.tokens().get("tokens_per_correct_task");
    score(out, "Tokens/correct", perCorrect == null ? null : perCorrect.toString());
    score(out, "Wall", summary.spanCount() == 0 ? null
        : String.format(Locale.ROOT, "%.1fs", score.wallClockMs() / 1000));
    return out.toString();
  }

  private static void score(StringBuilder out, String name, String value) {
    out.append("<div><dt>").append(HtmlText.escape(name)).append("</dt>");
    dd(out, value);
    out.append("</div>");
  }

  private static String identity(Timeline timeline, CellSummary summary) {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("cell_id", summary.cellId());
    rows.put("sweep_id", summary.sweepId());
    rows.put("container_image", summary.containerImage());
    rows.put("image_digest", summary.imageDigest());
    rows.put("model_build_id", summary.model());
    rows.put("exit_code", summary.exitCode());
    // The first few: the page's data lists them all.
    rows.put("trace_id", timeline.traceIds().isEmpty() ? null : ShortList.of(timeline.traceIds(), 5));
    return facts(rows);
  }

  private static String timing(CellSummary summary, CellAxes axes) {
    Map<String, String> rows = new LinkedHashMap<>();
    boolean empty = summary.spanCount() == 0;
    rows.put("started_at", empty ? null : Instant.ofEpochSecond(0, summary.startEpochNanos()).toString());
    rows.put("ended_at", empty ? null
        : Instant.ofEpochSecond(0, summary.startEpochNanos()).plusNanos(summary.durationNanos()).toString());
    rows.put("duration", empty ? null : Durations.seconds(summary.durationNanos()));
    Object tokens = axes.tokens().get("total_tokens");
    rows.put("tokens", tokens == null ? null : tokens.toString());
    return facts(rows);
  }

  private static String facts(Map<String, String> rows) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> row : rows.entrySet()) {
      out.append("<dt>").append(HtmlText.escape(row.getKey())).append("</dt>");
      dd(out, row.getValue());
    }
    return out.toString();
  }

  private static void dd(StringBuilder out, String value) {
    if (value == null) {
      out.append("<dd class=\"unknown\">not recorded</dd>");
    } else {
      out.append("<dd>").append(HtmlText.fromTrace(value)).append("</dd>");
    }
  }

  private static String axes(CellAxes axes) {
    return axisRow("tokens", axes.tokens()) + axisRow("latency", axes.latency());
  }

  private static String axisRow(String axis, Map<String, Object> values) {
    StringBuilder out = new StringBuilder("<tr><td>").append(axis).append("</td><td>")
        .append(HtmlText.escape(String.join(", ", values.keySet()))).append("</td><td>");
    for (Map.Entry<String, Object> value : values.entrySet()) {
      out.append("<span class=\"kv\" data-key=\"").append(HtmlText.escape(value.getKey())).append("\"><span class=\"k\">")
          .append(HtmlText.escape(value.getKey())).append("</span> <span class=\"v")
          .append(value.getValue() == null ? " unknown" : "").append("\">")
          .append(HtmlText.escape(CellAxes.display(value.getValue()))).append("</span></span>");
    }
    return out.append("</td></tr>").toString();
  }

  private static String spanFoot(Timeline timeline) {
    Map<String, Integer> kinds = new LinkedHashMap<>();
    int errors = 0;
    int unfinished = 0;
    for (TimelineSpan span : timeline.spans()) {
      kinds.merge(span.kindName(), 1, Integer::sum);
      if (span.status().name().equals("ERROR")) {
        errors++;
      }
      if (span.unfinished()) {
        unfinished++;
      }
    }
    StringBuilder out = new StringBuilder("<span>total: ").append(timeline.size()).append(" spans");
    for (Map.Entry<String, Integer> kind : kinds.entrySet()) {
      out.append(" · ").append(HtmlText.escape(kind.getKey())).append(' ').append(kind.getValue());
    }
    if (errors > 0) {
      out.append(" · ").append(errors).append(" with errors");
    }
    if (unfinished > 0) {
      out.append(" · ").append(unfinished).append(" unfinished");
    }
    out.append(" · duration ").append(Durations.seconds(timeline.durationNanos())).append("</span>");
    return out.toString();
  }

  private static String terminalNote(Timeline timeline, ScreenSnapshots terminal, String problem) {
    if (problem != null) {
      return "The recorded output could not be emulated (" + problem
          + "): a summary of the spans running at t instead.";
    }
    if (terminal == null) {
      return "No terminal output was recorded for this run: a summary of the spans running at t instead.";
    }
    String note = String.format(Locale.ROOT, "The emulated %d × %d screen at t, from %,d chunks of recorded output.",
        terminal.columns(), terminal.rows(), timeline.output().size());
    if (terminal.thinned()) {
      note += String.format(Locale.ROOT,
          " The output changed at %,d moments; the page holds the screen at %,d of them, evenly spread,"
              + " so a change between two of those shows at the next one held.",
          terminal.moments(), terminal.snapshots().size());
    }
    return note;
  }

  /** Where each span starts, as offsets, sorted: a replay stops there, and shows the screen as it stands. */
  private static long[] spanStarts(Timeline timeline) {
    List<dev.cabtrace.replay.timeline.TimelineSpan> spans = timeline.spans();
    long[] starts = new long[spans.size()];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = timeline.offsetNanos(spans.get(i).startEpochNanos());
    }
    java.util.Arrays.sort(starts);
    return starts;
  }

  private static String callsBody(Timeline timeline, List<ModelCall> calls) {
    if (calls.isEmpty()) {
      return "<p class=\"note\">Per-call token capture is not available for this run.</p>";
    }
    long latency = 0;
    for (ModelCall call : calls) {
      latency += call.latencyNanos();
    }
    long unknown = timeline.tokens().unknownCalls();
    return "<div class=\"vtable call-table\" id=\"call-table\" role=\"table\" aria-rowcount=\"" + calls.size() + "\">\n"
        + "<div class=\"vt-row vt-head\" role=\"row\"><span role=\"columnheader\">#</span><span role=\"columnheader\">Timestamp</span>"
        + "<span role=\"columnheader\">Request hash</span><span role=\"columnheader\" class=\"num\">Prompt</span>"
        + "<span role=\"columnheader\" class=\"num\">Completion</span><span role=\"columnheader\" class=\"num\">Latency</span>"
        + "<span role=\"columnheader\">Finish</span></div>\n"
        + "<div class=\"vt-viewport\" id=\"call-viewport\"><div class=\"vt-canvas\" id=\"call-canvas\"><div id=\"call-rows\" role=\"rowgroup\"></div></div></div>\n"
        + "<div class=\"vt-row vt-foot\" id=\"call-foot\" role=\"row\"><span></span><span>total</span><span></span>"
        + "<span class=\"num\">" + timeline.tokens().input() + "</span><span class=\"num\">" + timeline.tokens().output()
        + "</span><span class=\"num\">" + Durations.millis(latency) + "</span><span>"
        + (unknown > 0 ? unknown + " call(s) without usage" : timeline.tokens().total() + " tokens") + "</span></div>\n"
        + "</div>";
  }

  private static String warnings(List<LoadWarning> warnings, String file, String source) {
    if (warnings.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("<section id=\"warnings\" aria-labelledby=\"warnings-h\">\n<h2 id=\"warnings-h\">Warnings (")
        .append(warnings.size()).append(")</h2>\n<ul class=\"warnings\">");
    for (LoadWarning warning : warnings) {
      // A warning starts with the file it is about ("FILE:3: not JSON"): named as the page names it.
      String text = warning.toString();
      if (!file.isEmpty() && text.startsWith(file)) {
        text = source + text.substring(file.length());
      }
      out.append("<li>").append(HtmlText.fromTrace(text)).append("</li>");
    }
    return out.append("</ul>\n</section>").toString();
  }

  @Override
  public String toString() {
    return "CellPage{" + text.get("spanCount") + " spans, " + terminalSnapshots + " terminal screens}";
  }
}
