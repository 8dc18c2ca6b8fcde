package dev.cabtrace.replay.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resource of a cell, from spans given one by one in any order: each attribute as the
 * earliest span whose resource carries it has it. One agent span from a resource without the
 * cell's identity (a remote agent, a clock a millisecond ahead) starting first does not take the
 * identity ({@code cab.tui}, {@code cab.model}, {@code cab.cell_id}) away from the harness's
 * resource. The earliest span: the first to start, then the longer, then the one given first (the
 * timeline's order). Keeps one entry per resource map: readers share one map between the spans
 * of one resource. Internal: shared by cab-trace's own packages, not part of its API.
 */
public final class CellResource {

  private final Map<Map<String, Object>, Earliest> earliest = new IdentityHashMap<>();
  private Map<String, Object> lastResource;
  private Earliest last;
  private long given;

  /** Takes a span of {@code resource} starting at {@code start} and ending at {@code end}. */
  public void add(Map<String, Object> resource, long start, long end) {
    long order = given++;
    if (resource.isEmpty()) {
      return;
    }
    if (resource != lastResource) {
      lastResource = resource;
      last = earliest.get(resource);
      if (last == null) {
        last = new Earliest(resource, start, end, order);
        earliest.put(resource, last);
        return;
      }
    }
    if (start < last.start || (start == last.start && end > last.end)) {
      last.start = start;
      last.end = end;
      last.order = order;
    }
  }

  /** The cell's resource: each attribute from the earliest span whose resource has it; empty when none has any. */
  public Map<String, Object> resource() {
    if (earliest.size() <= 1) {
      return earliest.isEmpty() ? Map.of() : earliest.keySet().iterator().next();
    }
    List<Earliest> byStart = new ArrayList<>(earliest.values());
    byStart.sort((a, b) -> a.start != b.start ? Long.compare(a.start, b.start)
        : a.end != b.end ? Long.compare(b.end, a.end) : Long.compare(a.order, b.order));
    Map<String, Object> merged = new LinkedHashMap<>();
    for (Earliest resource : byStart) {
      for (Map.Entry<String, Object> attribute : resource.resource.entrySet()) {
        merged.putIfAbsent(attribute.getKey(), attribute.getValue());
      }
    }
    return Collections.unmodifiableMap(merged);
  }

  /** The earliest span of one resource. */
  private static final class Earliest {
    final Map<String, Object> resource;
    long start;
    long end;
    long order;

    Earliest(Map<String, Object> resource, long start, long end, long order) {
      this.resource = resource;
      this.start = start;
      this.end = end;
      this.order = order;
    }
  }
}
