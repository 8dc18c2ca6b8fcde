package dev.cabtrace.replay.timeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Assembles a {@link Timeline} from spans as a reader finds them: drops duplicates, links parents,
 * breaks cycles, orders the spans and notes what was imperfect. The readers use it, and it is the
 * way to make a timeline by hand (a test, an in-memory capture, a reader of another format):
 *
 * <pre>{@code
 * TimelineBuilder builder = new TimelineBuilder("by hand");
 * builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(1).setName("container")
 *     .putAttribute("cab.span.kind", "container").setStartEpochNanos(0).setEndEpochNanos(5_000_000), 0);
 * Timeline timeline = builder.build();
 * }</pre>
 */
public final class TimelineBuilder {

  /** Warnings of one kind beyond this many are summed up in one line. */
  private static final int WARNINGS_PER_KIND = 20;

  private final String source;
  private final List<TimelineSpan> spans = new ArrayList<>();
  // The line each span was read from, for the warnings of its assembly: the builder's, not the
  // span's, which a timeline built before may hold (4 bytes a span, for as long as the builder).
  private int[] lines = new int[0];
  private final SpanIdMap ids;
  private final List<LoadWarning> warnings = new ArrayList<>();
  private final Map<String, Integer> warningCounts = new LinkedHashMap<>();
  private long duplicates;
  private final Consumer<TimelineSpan> each;
  private int handedOn;
  // The origin of the span added last: a reader that makes a builder per span makes an origin per span.
  private SpanOrigin lastOrigin;

  /** A builder for a timeline read from {@code source} (a file name, a URL, ...). */
  public TimelineBuilder(String source) {
    this(source, null);
  }

  private TimelineBuilder(String source, Consumer<TimelineSpan> each) {
    this.source = source;
    this.each = each;
    // A streaming builder keeps no positions: its map holds a fingerprint of each span instead, to
    // tell a retried export from a copy with other content.
    this.ids = new SpanIdMap(true);
  }

  /**
   * A builder that keeps no span: it hands each span it would add to {@code each}, once, in the
   * order added, and keeps only the ids with a fingerprint of each span (to drop repeats, and to
   * tell a copy with another name, start, end or parent, with a warning naming its line, from the
   * same span again, which is counted), and the warnings. For one pass over a
   * trace that needs no timeline (a ledger); {@link #build()} is not available, {@link
   * #warnings()} is. The spans are not linked: no index, parent or depth, and the warnings that
   * need the tree (missing parents, cycles, skew) are not looked for.
   */
  public static TimelineBuilder streaming(String source, Consumer<TimelineSpan> each) {
    return new TimelineBuilder(source, Objects.requireNonNull(each, "each"));
  }

  /** The number of spans added so far. */
  public int size() {
    return each == null ? spans.size() : handedOn;
  }

  /**
   * Adds a span. A span whose id is already in the timeline is kept once: the first one, unless
   * that one never finished and this one did. A copy with another name, start, end or parent is a
   * warning naming both lines; copies that are the same are counted in one warning.
   *
   * @return whether the span was added
   */
  public boolean add(TimelineSpan.Builder builder, long line) {
    return add(builder.build(), line);
  }

  /**
   * Adds a span already built; see {@link #add(TimelineSpan.Builder, long)}. A span that a timeline
   * holds already goes into this one as a copy: a timeline never changes once built.
   */
  public boolean add(TimelineSpan span, long line) {
    if (span.spanIdBits() == 0) {
      warn("invalid id", line, () -> "a span without a valid span id; skipped");
      return false;
    }
    if (span.endedBeforeStart()) {
      warn("end before start", line, () -> "span " + span.spanId() + " (" + span.name() + ") ends before it starts; shown as zero-length");
    }
    int existing = ids.get(span.traceIdHigh(), span.traceIdLow(), span.spanIdBits());
    if (existing >= 0) {
      TimelineSpan kept = each == null ? spans.get(existing) : null;
      if (kept != null && kept.unfinished() && !span.unfinished()) {
        spans.set(existing, span);
        lines[existing] = lineOf(line);
      } else if (kept == null && !span.unfinished()) {
        // Streaming: the first copy is gone, its fingerprint says whether this one differs, not how.
        if (existing == fingerprint(span)) {
          duplicates++;
        } else {
          warn("span repeated with other content", line, () -> "span " + span.spanId() + " (" + span.name() + ")"
              + " appears again" + at(line) + " with another name, start, end or parent; the first kept");
        }
      } else if (!span.unfinished()) {
        String differs = differences(kept, span);
        if (differs == null) {
          duplicates++; // the same span again: a retried export
        } else {
          warn("span repeated with other content", line, () -> "span " + span.spanId() + " (" + kept.name() + ")"
              + at(lines[existing]) + " appears again" + at(line) + " with " + differs + "; the first kept");
        }
      }
      return false;
    }
    if (span.isModelCall()) {
      String negative = ModelCall.negativeCount(span);
      if (negative != null) {
        warn("negative token count", line, () -> "span " + span.spanId() + " (" + span.name() + ") has " + negative
            + ", which is not a count; taken as not recorded");
      }
    }
    if (each != null) {
      ids.put(span.traceIdHigh(), span.traceIdLow(), span.spanIdBits(), fingerprint(span));
      handedOn++;
      each.accept(span);
      return true;
    }
    ids.put(span.traceIdHigh(), span.traceIdLow(), span.spanIdBits(), spans.size());
    if (lines.length == spans.size()) {
      lines = java.util.Arrays.copyOf(lines, Math.max(16, 2 * lines.length));
    }
    lines[spans.size()] = lineOf(line);
    span.shareOrigin(lastOrigin);
    lastOrigin = span.origin();
    spans.add(span);
    return true;
  }

  /**
   * What differs between two copies of a span, compared cheaply (name, times, parent; not the
   * attributes), as {@code another name "x", start, end} ; null when nothing does.
   */
  private static String differences(TimelineSpan kept, TimelineSpan again) {
    List<String> differs = new ArrayList<>(4);
    if (!kept.name().equals(again.name())) {
      differs.add("another name \"" + again.name() + "\"");
    }
    if (kept.startEpochNanos() != again.startEpochNanos()) {
      differs.add("another start");
    }
    if (kept.endEpochNanos() != again.endEpochNanos()) {
      differs.add("another end");
    }
    if (kept.parentSpanIdBits() != again.parentSpanIdBits()) {
      differs.add("another parent");
    }
    return differs.isEmpty() ? null : String.join(", ", differs);
  }

  /**
   * What {@link #differences} compares, hashed into a non-negative int (a negative one reads as no
   * span in the map): what a streaming builder keeps of a span to compare its copies with.
   */
  private static int fingerprint(TimelineSpan span) {
    int hash = span.name().hashCode();
    hash = 31 * hash + Long.hashCode(span.startEpochNanos());
    hash = 31 * hash + Long.hashCode(span.endEpochNanos());
    hash = 31 * hash + Long.hashCode(span.parentSpanIdBits());
    return hash & Integer.MAX_VALUE;
  }

  /** " at line N", or nothing for no line. */
  private static String at(long line) {
    return line > 0 ? " at line " + line : "";
  }

  /**
   * {@code line} as the builder keeps it for a span's warnings: 0 for none, or for one past an int
   * (a file of two billion lines).
   */
  private static int lineOf(long line) {
    return line > 0 && line <= Integer.MAX_VALUE ? (int) line : 0;
  }

  /** Whether a span with the trace id and span id of {@code span} is already in. */
  public boolean contains(TimelineSpan span) {
    return ids.get(span.traceIdHigh(), span.traceIdLow(), span.spanIdBits()) >= 0;
  }

  /**
   * Notes something imperfect found at {@code line} (0 for none); the timeline shows it in {@link
   * Timeline#warnings()}.
   */
  public void warn(long line, String message) {
    warnings.add(new LoadWarning(source, line, message));
  }

  /**
   * Notes something imperfect that many spans may have, as {@link #warn(long, String)} does; beyond
   * a few of one {@code kind}, the rest are counted in one line.
   */
  public void warn(String kind, long line, String message) {
    warn(kind, line, () -> message);
  }

  /**
   * Notes {@code warning}, found in another file read into this timeline (a crash journal beside
   * the trace file): it names that file and its line.
   */
  public void warn(LoadWarning warning) {
    warnings.add(Objects.requireNonNull(warning, "warning"));
  }

  /** Notes {@code warning}, as {@link #warn(LoadWarning)}, counted with the others of its {@code kind}. */
  public void warn(String kind, LoadWarning warning) {
    Objects.requireNonNull(warning, "warning");
    if (warningCounts.merge(kind, 1, Integer::sum) <= WARNINGS_PER_KIND) {
      warnings.add(warning);
    }
  }

  private void warn(String kind, long line, java.util.function.Supplier<String> message) {
    int count = warningCounts.merge(kind, 1, Integer::sum);
    if (count <= WARNINGS_PER_KIND) {
      warnings.add(new LoadWarning(source, line, message.get()));
    }
  }

  /** The warnings so far, with the counts of repeats and of warnings beyond 20 of a kind. */
  public List<LoadWarning> warnings() {
    List<LoadWarning> all = new ArrayList<>(warnings);
    summarize(all);
    return all;
  }

  private void summarize(List<LoadWarning> out) {
    if (duplicates > 0) {
      out.add(new LoadWarning(source, 0, duplicates + " span(s) appeared more than once (a retried export?); each kept once"));
    }
    for (Map.Entry<String, Integer> count : warningCounts.entrySet()) {
      if (count.getValue() > WARNINGS_PER_KIND) {
        out.add(new LoadWarning(source, 0, (count.getValue() - WARNINGS_PER_KIND) + " more warning(s) of the kind \"" + count.getKey() + "\""));
      }
    }
  }

  /** The timeline. */
  public Timeline build() {
    if (each != null) {
      throw new IllegalStateException("a streaming builder keeps no spans to build a timeline of");
    }
    int n = spans.size();
    // The times in arrays, read from the spans in the order they were made (which is the order
    // they lie in memory), on a second thread while this one links parents: a parent's times are
    // then looked up in an array, not a span.
    SideTask<long[][]> times = SideTask.start(n, () -> {
      long[] starts = new long[n];
      long[] ends = new long[n];
      for (int i = 0; i < n; i++) {
        TimelineSpan span = spans.get(i);
        starts[i] = span.startEpochNanos();
        ends[i] = span.endEpochNanos();
      }
      return new long[][] {starts, ends};
    });
    int[] parent = new int[n];
    // A span a timeline built before holds (from this builder, or another given the same spans) is
    // copied, its copy placed here: that timeline stays as it was built. A reader's spans are new.
    TimelineSpan[] copies = null;
    for (int i = 0; i < n; i++) {
      TimelineSpan span = spans.get(i);
      if (span.placed()) {
        copies = copies == null ? new TimelineSpan[n] : copies;
        copies[i] = span.unplacedCopy();
      }
      parent[i] = -1;
      if (span.parentSpanIdBits() != 0) {
        int found = ids.get(span.traceIdHigh(), span.traceIdLow(), span.parentSpanIdBits());
        if (found == i) {
          warn("own parent", lines[i], () -> "span " + span.spanId() + " (" + span.name() + ") is its own parent; shown as a root");
        } else if (found < 0) {
          warn("missing parent", lines[i], () -> "span " + span.spanId() + " (" + span.name() + "): parent " + span.parentSpanId() + " is not in the trace; shown as a root");
        } else {
          parent[i] = found;
        }
      }
    }
    int[] depth = depths(parent);
    long[][] read = times.join();
    // The copies go in once the times are read: the second thread reads the list meanwhile.
    for (int i = 0; copies != null && i < n; i++) {
      if (copies[i] != null) {
        spans.set(i, copies[i]);
      }
    }
    for (int i = 0; i < n; i++) {
      spans.get(i).depth = depth[i];
    }
    long[] starts = read[0];
    long[] ends = read[1];
    // The end order is sorted on a second thread while this one sorts by start.
    SideTask<int[]> byEnd = SideTask.start(n, () -> IndexSort.order(ends));
    for (int i = 0; i < n; i++) {
      int p = parent[i];
      // A parent that never ended was alive at least until the end it is shown with (its last
      // heartbeat): a child that ended after that is no sign of skew.
      if (p >= 0 && (starts[i] < starts[p] || (ends[i] > ends[p] && !spans.get(p).unfinished()))) {
        TimelineSpan span = spans.get(i);
        TimelineSpan parentSpan = spans.get(p);
        warn("clock skew", lines[i], () -> "span " + span.spanId() + " (" + span.name() + ") runs outside its parent " + parentSpan.spanId() + " (" + parentSpan.name() + "): clock skew? times kept as recorded");
      }
    }
    // Start order; a parent before its children on ties; then the longer span first.
    int[] order = IndexSort.order(starts, depth, ends);
    // The depths are sorted by: their array takes the positions, as a fresh one would cost its pages.
    int[] position = depth;
    List<TimelineSpan> sorted = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      position[order[i]] = i;
    }
    for (int i = 0; i < n; i++) {
      TimelineSpan span = spans.get(order[i]);
      span.index = i;
      span.parentIndex = parent[order[i]] < 0 ? -1 : position[parent[order[i]]];
      sorted.add(span);
    }
    int[] endOrder = byEnd.join(); // before the ends are put in start order under its sort
    IndexSort.permute(order, starts, ends);
    summarize(warnings);
    return new Timeline(source, sorted, warnings, starts, ends, IndexSort.renumbered(endOrder, position, ends));
  }

  /** Depth of every span; a cycle is broken by making the span that closes it a root. */
  private int[] depths(int[] parent) {
    int n = parent.length;
    int[] depth = new int[n];
    byte[] state = new byte[n]; // 0 unvisited, 1 on the current path, 2 done
    int[] path = new int[16];
    for (int i = 0; i < n; i++) {
      if (state[i] != 0) {
        continue;
      }
      int length = 0;
      int current = i;
      while (current >= 0 && state[current] == 0) {
        state[current] = 1;
        if (length == path.length) {
          path = java.util.Arrays.copyOf(path, length * 2);
        }
        path[length++] = current;
        current = parent[current];
      }
      if (current >= 0 && state[current] == 1) {
        int closing = path[length - 1];
        TimelineSpan span = spans.get(closing);
        warn("parent cycle", lines[closing], () -> "span " + span.spanId() + " (" + span.name() + ") is its own ancestor; the cycle is broken there and it is shown as a root");
        parent[closing] = -1;
      }
      for (int k = length - 1; k >= 0; k--) {
        int node = path[k];
        depth[node] = parent[node] < 0 ? 0 : depth[parent[node]] + 1;
        state[node] = 2;
      }
    }
    return depth;
  }
}
