package dev.cabtrace.replay.ledger;

import dev.cabtrace.replay.internal.CellResource;
import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the ledgers need of one trace, gathered span by span: its {@link CellScore}, the resource
 * and identity of the cell, the load warnings. From a file it is one streaming pass with no
 * timeline ({@link TraceReader#stream}), so memory does not grow with the spans; the same facts
 * come from a timeline already loaded ({@link #of(Timeline)}).
 *
 * <pre>{@code
 * TraceFacts facts = TraceFacts.read(Path.of("cell.jsonl"), TraceReader.create());
 * facts.score().totalTokens();
 * facts.identity("cab.tui");   // "openhands"
 * }</pre>
 */
public final class TraceFacts {

  private final String source;
  private final CellScore score;
  private final Map<String, Object> resource;
  private final String tui;
  private final String model;
  private final List<LoadWarning> warnings;
  private final long spans;

  private TraceFacts(String source, Gatherer gathered, List<LoadWarning> warnings) {
    this.source = source;
    this.score = gathered.score.score();
    this.resource = gathered.resource.resource();
    this.tui = gathered.tui.value(resource);
    this.model = gathered.model.value(resource);
    this.warnings = List.copyOf(warnings);
    this.spans = gathered.spans;
  }

  /** The facts of the trace in {@code file}, read in one streaming pass. */
  public static TraceFacts read(Path file, TraceReader reader) throws TraceReadException {
    return read(file, reader, span -> {});
  }

  /** As {@link #read(Path, TraceReader)}, handing every span to {@code also} too (another ledger). */
  public static TraceFacts read(Path file, TraceReader reader, Consumer<TimelineSpan> also) throws TraceReadException {
    Objects.requireNonNull(also, "also");
    Gatherer gatherer = new Gatherer();
    List<LoadWarning> warnings = reader.stream(file, gatherer.andThen(also));
    return new TraceFacts(file.toString(), gatherer, warnings);
  }

  /**
   * The facts of the trace {@code in} holds (any format {@link TraceReader} reads), streamed as
   * from a file; {@code source} names it in messages. Does not close it.
   */
  public static TraceFacts read(InputStream in, String source, TraceReader reader) throws TraceReadException {
    Gatherer gatherer = new Gatherer();
    List<LoadWarning> warnings = reader.stream(in, source, gatherer);
    return new TraceFacts(source, gatherer, warnings);
  }

  /** The facts of a timeline already loaded. */
  public static TraceFacts of(Timeline timeline) {
    return of(timeline, span -> {});
  }

  /** As {@link #of(Timeline)}, handing every span to {@code also} too. */
  public static TraceFacts of(Timeline timeline, Consumer<TimelineSpan> also) {
    Gatherer gatherer = new Gatherer();
    timeline.spans().forEach(gatherer.andThen(also));
    return new TraceFacts(timeline.source(), gatherer, timeline.warnings());
  }

  /** Where the trace came from. */
  public String source() {
    return source;
  }

  /** The cell's axes. */
  public CellScore score() {
    return score;
  }

  /**
   * The cell's resource, as {@link Timeline#resource()}: each attribute from the earliest span (the
   * longest among those starting together) whose resource carries it.
   */
  public Map<String, Object> resource() {
    return resource;
  }

  /**
   * The agent ({@code cab.tui}) or model ({@code cab.model}) the cell is counted under: the
   * {@linkplain #resource() resource}'s, else the attribute of the earliest span that has it; null
   * when none does.
   */
  public String identity(String key) {
    if ("cab.tui".equals(key)) {
      return tui;
    }
    if ("cab.model".equals(key)) {
      return model;
    }
    throw new IllegalArgumentException("identity is cab.tui or cab.model, not " + key);
  }

  /** What was imperfect in the input. */
  public List<LoadWarning> warnings() {
    return warnings;
  }

  /** The number of spans. */
  public long spans() {
    return spans;
  }

  /** Gathers the facts from spans in any order: what depends on order picks by start time. */
  private static final class Gatherer implements Consumer<TimelineSpan> {
    final CellScore.Accumulator score = new CellScore.Accumulator();
    final Earliest tui = new Earliest("cab.tui");
    final Earliest model = new Earliest("cab.model");
    final CellResource resource = new CellResource();
    long spans;

    @Override
    public void accept(TimelineSpan span) {
      spans++;
      score.accept(span);
      resource.add(span.resource(), span.startEpochNanos(), span.endEpochNanos());
      tui.accept(span);
      model.accept(span);
    }
  }

  /** The value of one attribute on the earliest span that has it. */
  private static final class Earliest implements Consumer<TimelineSpan> {
    private final String key;
    private Object value;
    private long start = Long.MAX_VALUE;
    private long end;

    Earliest(String key) {
      this.key = key;
    }

    @Override
    public void accept(TimelineSpan span) {
      if (earlier(span, start, end)) {
        Object found = span.attribute(key);
        if (found != null) {
          value = found;
          start = span.startEpochNanos();
          end = span.endEpochNanos();
        }
      }
    }

    String value(Map<String, Object> resource) {
      Object chosen = resource.get(key);
      if (chosen == null) {
        chosen = value;
      }
      return chosen == null ? null : String.valueOf(chosen);
    }
  }

  /** The timeline's order: start, then the longer span first; a tie keeps the one seen first. */
  private static boolean earlier(TimelineSpan span, long start, long end) {
    return span.startEpochNanos() < start || (span.startEpochNanos() == start && span.endEpochNanos() > end);
  }
}
