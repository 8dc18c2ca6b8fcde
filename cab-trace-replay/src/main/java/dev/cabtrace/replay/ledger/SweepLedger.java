package dev.cabtrace.replay.ledger;

import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The figures of a sweep's cells per agent and model, as a leaderboard: groups by pass rate,
 * highest first, then by tokens per correct task, lowest first (unknown last).
 *
 * <pre>{@code
 * SweepLedger.Builder ledger = SweepLedger.builder();
 * for (Path cell : cells) {
 *   ledger.add(TraceReader.create().read(cell));
 * }
 * for (SweepGroup group : ledger.build().groups()) { ... }
 * }</pre>
 */
public final class SweepLedger {

  private static final Comparator<String> NAMES = Comparator.nullsLast(Comparator.naturalOrder());
  private static final Comparator<SweepGroup> LEADERBOARD =
      Comparator.comparingDouble(SweepGroup::passRate).reversed()
          .thenComparing(SweepGroup::tokensPerCorrectTask, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(SweepGroup::tui, NAMES)
          .thenComparing(SweepGroup::model, NAMES);

  private final long cells;
  private final List<SweepGroup> groups;
  private final List<String> warnings;

  private SweepLedger(long cells, List<SweepGroup> groups, List<String> warnings) {
    this.cells = cells;
    this.groups = groups;
    this.warnings = warnings;
  }

  /** A builder to add cells to. */
  public static Builder builder() {
    return new Builder();
  }

  /** The cells counted. */
  public long cells() {
    return cells;
  }

  /** One group per agent and model, in leaderboard order. */
  public List<SweepGroup> groups() {
    return groups;
  }

  /** What could not be counted, and why: each names the file or trace. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Collects cells. Thread-safe: cells may be added from several threads, and the ledger does not
   * depend on the order they arrive in (every sum is over integer nanoseconds and tokens).
   */
  public static final class Builder {
    // Keyed by one string: the agent and model come from the captures, and a map of string keys
    // stays quick when they are made to share a hash (it orders colliding strings), where one of
    // lists compares colliding keys one by one.
    private final Map<String, Accumulator> groups = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private long cells;

    private Builder() {}

    /**
     * Adds the cell {@code timeline} holds, in the group of its {@code cab.tui} and {@code
     * cab.model}: the resource's, else the first span attribute of that name (Zipkin carries the
     * resource as tags).
     */
    public Builder add(Timeline timeline) {
      Objects.requireNonNull(timeline, "timeline");
      return add(identity(timeline, "cab.tui"), identity(timeline, "cab.model"), CellScore.of(timeline));
    }

    /** Adds a cell already scored, in the group of agent {@code tui} and {@code model} (either may be null). */
    public Builder add(String tui, String model, CellScore score) {
      Objects.requireNonNull(score, "score");
      String key = key(tui, model);
      synchronized (this) {
        cells++;
        groups.computeIfAbsent(key, k -> new Accumulator(tui, model)).add(score);
      }
      return this;
    }

    /** Agent and model as one string, the agent's length first: no two pairs make the same key. */
    private static String key(String tui, String model) {
      // Appended, not concatenated with +: a sweep's cells would wait on the bootstrap of the one
      // string concatenation on their path (some 10 ms of a process's start).
      StringBuilder key = new StringBuilder(24 + (tui == null ? 0 : tui.length()) + (model == null ? 0 : model.length()));
      if (tui == null) {
        key.append('-');
      } else {
        key.append(tui.length()).append(':').append(tui);
      }
      if (model == null) {
        key.append('-');
      } else {
        key.append(':').append(model);
      }
      return key.toString();
    }

    /** The agent or model a cell is counted under: the resource's, else the first span attribute of that name. */
    public static String identityOf(Timeline timeline, String key) {
      return identity(timeline, key);
    }

    /** Notes something that could not be counted, naming it. */
    public synchronized Builder addWarning(String warning) {
      warnings.add(Objects.requireNonNull(warning, "warning"));
      return this;
    }

    /** The ledger of the cells added so far. */
    public synchronized SweepLedger build() {
      List<SweepGroup> result = new ArrayList<>();
      for (Accumulator group : groups.values()) {
        result.add(group.toGroup());
      }
      result.sort(LEADERBOARD);
      return new SweepLedger(cells, List.copyOf(result), List.copyOf(warnings));
    }

    private static String identity(Timeline timeline, String key) {
      Object value = timeline.resource().get(key);
      if (value == null) {
        for (TimelineSpan span : timeline.spans()) {
          value = span.attribute(key);
          if (value != null) {
            break;
          }
        }
      }
      return value == null ? null : String.valueOf(value);
    }
  }

  private static final class Accumulator {
    private final String tui;
    private final String model;
    private long cells;
    private long passes;
    private long passesWithTokens;
    private long prompt;
    private long completion;
    private long withTokens;
    private long modelCalls;
    private long modelCallNanos;
    private long[] wall = new long[8];
    private long[] container = new long[8];

    Accumulator(String tui, String model) {
      this.tui = tui;
      this.model = model;
    }

    void add(CellScore score) {
      if (cells == wall.length) {
        wall = Arrays.copyOf(wall, wall.length * 2);
        container = Arrays.copyOf(container, container.length * 2);
      }
      wall[(int) cells] = score.wallClockNanos();
      container[(int) cells] = score.containerActiveNanos();
      cells++;
      boolean passed = Boolean.TRUE.equals(score.pass());
      if (passed) {
        passes++;
      }
      if (score.hasTokens()) {
        withTokens++;
        prompt = CellScore.sum(prompt, score.promptTokens());
        completion = CellScore.sum(completion, score.completionTokens());
        if (passed) {
          passesWithTokens++;
        }
      }
      modelCalls = CellScore.sum(modelCalls, score.modelCalls());
      modelCallNanos = CellScore.sum(modelCallNanos, score.modelCallNanos());
    }

    SweepGroup toGroup() {
      long[] walls = Arrays.copyOf(wall, (int) cells);
      long[] containers = Arrays.copyOf(container, (int) cells);
      boolean anyTokens = withTokens > 0;
      return new SweepGroup(
          tui,
          model,
          cells,
          passes,
          (double) passes / cells,
          anyTokens ? prompt : null,
          anyTokens ? completion : null,
          anyTokens ? CellScore.sum(prompt, completion) : null,
          modelCalls,
          passesWithTokens > 0 ? (double) CellScore.sum(prompt, completion) / passesWithTokens : null,
          cells - withTokens,
          Millis.of(Percentiles.median(walls)),
          Millis.of(Percentiles.nearestRank(walls, 90)),
          Millis.of(Percentiles.median(containers)),
          Millis.of(modelCallNanos));
    }
  }
}
