package dev.cabtrace.replay.ledger;

import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Writes cells as OTLP JSON Lines, one span per line, the shape of the seed's capture file. */
public final class OtlpLines {

  private final String resource;
  private final String traceId;
  private final List<String> lines = new ArrayList<>();

  private OtlpLines(String traceId, String resource) {
    this.traceId = traceId;
    this.resource = resource;
  }

  /** A cell of {@code tui} × {@code model} (either may be null: not on the resource). */
  public static OtlpLines cell(String traceId, String tui, String model) {
    StringBuilder attributes = new StringBuilder(str("service.name", "cab-harness"));
    if (tui != null) {
      attributes.append(',').append(str("cab.tui", tui));
    }
    if (model != null) {
      attributes.append(',').append(str("cab.model", model));
    }
    return new OtlpLines(traceId, "{\"attributes\":[" + attributes + "]}");
  }

  /** Spans of a resource with exactly {@code attributes} ({@link #str}, ...), none when there are none. */
  public static OtlpLines resource(String traceId, String... attributes) {
    return new OtlpLines(traceId, "{\"attributes\":[" + String.join(",", attributes) + "]}");
  }

  /**
   * A cell whose first span comes from a remote agent's resource, which carries no identity, one
   * millisecond before the harness's task_setup; a resource starting later claims another agent.
   */
  public static String remoteAgentCell(long t0) {
    String trace = "5bf92f3577b34da6a3ce929d0e0e4736";
    OtlpLines agent = resource(trace, str("service.name", "remote-agent"))
        .span(7, 0, "agent step", "tool_call", t0 - 1_000_000, t0 + 5_000_000);
    OtlpLines harness = resource(trace, str("service.name", "cab-harness"), str("cab.tui", "aider"),
            str("cab.model", "m"), str("cab.cell_id", "s/aider/m/t"))
        .span(1, 0, "prepare", "task_setup", t0, t0 + 1_000_000)
        .span(2, 0, "agent", "adapter_run", t0 + 1_000_000, t0 + 9_000_000, bool("cab.pass", true));
    OtlpLines late = resource(trace, str("cab.tui", "other"), str("cab.cell_id", "late"))
        .span(3, 2, "late", "tool_call", t0 + 2_000_000, t0 + 3_000_000);
    return agent.text() + late.text() + harness.text();
  }

  /** Adds a span; {@code parent} 0 for a root; {@code end} 0 for a span that has not ended. */
  public OtlpLines span(long id, long parent, String name, String kind, long start, long end, String... attributes) {
    StringBuilder attrs = new StringBuilder(str("cab.span.kind", kind));
    for (String attribute : attributes) {
      attrs.append(',').append(attribute);
    }
    lines.add("{\"resourceSpans\":[{\"resource\":" + resource + ",\"scopeSpans\":[{\"scope\":{\"name\":\"cab-harness\","
        + "\"attributes\":[]},\"spans\":[{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + hex(id) + "\""
        + (parent == 0 ? "" : ",\"parentSpanId\":\"" + hex(parent) + "\"")
        + ",\"name\":\"" + name + "\",\"kind\":" + (kind.equals("model_call") ? 3 : 1)
        + ",\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\"" + end + "\",\"attributes\":[" + attrs
        + "],\"events\":[],\"links\":[],\"status\":{},\"flags\":259}]}]}]}");
    return this;
  }

  private static String hex(long id) {
    String digits = Long.toHexString(id);
    return "0".repeat(16 - digits.length()) + digits;
  }

  /** The lines written so far, each ending with a newline. */
  public String text() {
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line).append('\n');
    }
    return out.toString();
  }

  /** The cell read back. */
  public Timeline read(String name) throws TraceReadException {
    return TraceReader.create().read(new ByteArrayInputStream(text().getBytes(StandardCharsets.UTF_8)), name);
  }

  public static String str(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
  }

  public static String integer(String key, long value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"intValue\":\"" + value + "\"}}";
  }

  public static String bool(String key, boolean value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"boolValue\":" + value + "}}";
  }
}
