package dev.cabtrace.replay.page;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cabtrace.replay.internal.AttributeBytes;
import dev.cabtrace.replay.internal.CompactJson;
import dev.cabtrace.replay.internal.Durations;
import dev.cabtrace.replay.internal.JsonArrayChunks;
import dev.cabtrace.replay.internal.ParallelChunks;
import dev.cabtrace.replay.internal.PlainAttributeWriter;
import dev.cabtrace.replay.internal.Timestamps;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The page's data: the trace as one JSON document, column by column so that a trace of 100,000
 * spans stays compact and parses fast. Offsets and durations are integer nanoseconds from the
 * timeline's start, exact in JavaScript up to 2^53 ns (104 days). The document is made safe to
 * embed in a script element by {@link ScriptSafeEscapes}.
 */
final class PageData {

  private static final JsonFactory JSON = ScriptSafeEscapes.jsonFactory();
  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private PageData() {}

  /**
   * Writes the JSON document for {@code timeline} to {@code out} as UTF-8, safe to embed in a
   * script element; does not close {@code out}. Written as it is made: the document of a million
   * spans is never held whole.
   */
  static void write(OutputStream out, Timeline timeline, String source, CellAxes axes, ScreenSnapshots terminal,
      String terminalProblem, long tickNanos) throws IOException {
    write(out, timeline, source, axes, terminal, terminalProblem, tickNanos, ParallelChunks.ofProcessors());
  }

  /** {@link #write(OutputStream, Timeline, String, CellAxes, ScreenSnapshots, String, long)}, its columns written by {@code chunks}. */
  static void write(OutputStream out, Timeline timeline, String source, CellAxes axes, ScreenSnapshots terminal,
      String terminalProblem, long tickNanos, ParallelChunks chunks) throws IOException {
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      // A page cut by a failure (the trace changed under it) ends where it was cut, not closed as if whole.
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
      json.writeStartObject();
      json.writeNumberField("version", 1);
      json.writeStringField("source", source);
      json.writeNumberField("durationNanos", timeline.durationNanos());
      json.writeStringField("durationText", Durations.seconds(timeline.durationNanos()));
      json.writeNumberField("tickNanos", tickNanos);
      json.writeArrayFieldStart("traceIds");
      for (String id : timeline.traceIds()) {
        json.writeString(id);
      }
      json.writeEndArray();
      spans(json, out, chunks, timeline);
      modelCalls(json, out, chunks, timeline);
      json.writeObjectFieldStart("axes");
      map(json, "tokens", axes.tokens());
      map(json, "latency", axes.latency());
      json.writeEndObject();
      json.writeFieldName("terminal");
      if (terminal == null) {
        json.writeNull();
      } else {
        terminal.write(json);
      }
      if (terminalProblem != null) {
        json.writeStringField("terminalProblem", terminalProblem);
      }
      json.writeEndObject();
    }
  }

  /** What writes item {@code index} of a column. */
  private interface Cell {
    void write(JsonGenerator json, int index) throws IOException;
  }

  /** A column: the array field {@code field}, its cells written a chunk at a time on several threads. */
  private static void column(JsonGenerator json, OutputStream out, ParallelChunks chunks, String field, int count,
      Cell cell) throws IOException {
    json.writeArrayFieldStart(field);
    JsonArrayChunks.write(json, out, chunks, JSON::createGenerator, JsonGenerator::writeStartArray, count,
        (chunk, from, to, inOrder) -> {
          for (int i = from; i < to; i++) {
            cell.write(chunk, i);
          }
          return true;
        });
    json.writeEndArray();
  }

  private static void spans(JsonGenerator json, OutputStream out, ParallelChunks chunks, Timeline timeline)
      throws IOException {
    List<TimelineSpan> spans = timeline.spans();
    Map<String, Integer> kinds = new LinkedHashMap<>();
    for (TimelineSpan span : spans) {
      kinds.putIfAbsent(span.kindName(), kinds.size());
    }
    int count = spans.size();
    json.writeObjectFieldStart("spans");
    json.writeNumberField("count", count);
    json.writeArrayFieldStart("kinds");
    for (String kind : kinds.keySet()) {
      json.writeString(kind);
    }
    json.writeEndArray();
    column(json, out, chunks, "id", count, (chunk, i) -> chunk.writeString(spans.get(i).spanId()));
    column(json, out, chunks, "parent", count, (chunk, i) -> chunk.writeNumber(spans.get(i).parentIndex()));
    column(json, out, chunks, "depth", count, (chunk, i) -> chunk.writeNumber(spans.get(i).depth()));
    column(json, out, chunks, "kind", count, (chunk, i) -> chunk.writeNumber(kinds.get(spans.get(i).kindName())));
    column(json, out, chunks, "name", count, (chunk, i) -> chunk.writeString(spans.get(i).name()));
    column(json, out, chunks, "start", count,
        (chunk, i) -> chunk.writeNumber(timeline.offsetNanos(spans.get(i).startEpochNanos())));
    column(json, out, chunks, "end", count,
        (chunk, i) -> chunk.writeNumber(timeline.offsetNanos(spans.get(i).endEpochNanos())));
    column(json, out, chunks, "error", count,
        (chunk, i) -> chunk.writeNumber(spans.get(i).status() == SpanStatus.ERROR ? 1 : 0));
    // Rare facts, by span index.
    json.writeObjectFieldStart("message");
    for (TimelineSpan span : spans) {
      if (!span.statusMessage().isEmpty()) {
        json.writeStringField(Integer.toString(span.index()), span.statusMessage());
      }
    }
    json.writeEndObject();
    json.writeObjectFieldStart("missingParent");
    for (TimelineSpan span : spans) {
      if (span.parentIndex() < 0 && !span.parentSpanId().isEmpty()) {
        json.writeStringField(Integer.toString(span.index()), span.parentSpanId());
      }
    }
    json.writeEndObject();
    json.writeArrayFieldStart("unfinished");
    for (TimelineSpan span : spans) {
      if (span.unfinished()) {
        json.writeNumber(span.index());
      }
    }
    json.writeEndArray();
    // Each span's attributes as [key index, value, ...] in recorded order, keys in one table.
    KeyTable keys = new KeyTable();
    json.writeArrayFieldStart("attrs");
    JsonArrayChunks.write(json, out, chunks, JSON::createGenerator, JsonGenerator::writeStartArray, count,
        (chunk, from, to, inOrder) -> {
          PlainAttrs plain = new PlainAttrs(chunk, keys, inOrder);
          for (int i = from; i < to && !plain.unknownKey; i++) {
            attributes(chunk, spans.get(i), plain);
          }
          return !plain.unknownKey;
        });
    json.writeEndArray();
    json.writeArrayFieldStart("attrKeys");
    for (String key : keys.inOrder()) {
      json.writeString(key);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /** A span's attributes as {@code [key index, value, ...]}. */
  private static void attributes(JsonGenerator json, TimelineSpan span, PlainAttrs plain) throws IOException {
    json.writeStartArray();
    Map<String, Object> attributes = span.attributes();
    // cab.span.kind is the Kind column; a kind cab-trace does not know stays an attribute.
    boolean kindShown = span.kind() != null;
    if (attributes instanceof AttributeBytes
        && ((AttributeBytes) attributes).visitPlain(kindShown ? SPAN_KIND_KEY : null, plain)) {
      json.writeEndArray();
      return;
    }
    for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
      if (kindShown && attribute.getKey().equals("cab.span.kind")) {
        continue;
      }
      plain.key(attribute.getKey());
      attributeValue(json, attribute.getValue());
    }
    json.writeEndArray();
  }

  /**
   * The attribute keys' table, each key numbered in the order it first comes in the spans. Chunks
   * of spans written ahead of their turn look keys up only; a chunk that meets a key not yet
   * numbered is written again in its turn, when every key before it is.
   */
  private static final class KeyTable {
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> index =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> keys = new ArrayList<>(); // written in turn only

    /** The key's number, or null when it has none yet. */
    Integer known(String key) {
      return index.get(key);
    }

    /** The key's number, numbering it if it has none; in turn only. */
    int number(String key) {
      Integer known = index.get(key);
      if (known != null) {
        return known;
      }
      keys.add(key);
      index.put(key, keys.size() - 1);
      return keys.size() - 1;
    }

    List<String> inOrder() {
      return keys;
    }
  }

  private static final byte[] SPAN_KIND_KEY = "cab.span.kind".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * Plain attributes written from the bytes they were read from, as {@link #attributeValue} writes
   * their decoded values: a million spans' attributes are not made into maps for the page.
   */
  private static final class PlainAttrs extends PlainAttributeWriter {
    private final KeyTable keys;
    private final boolean inTurn;
    /** Whether a key with no number yet was met out of turn: what was written is then dropped. */
    boolean unknownKey;

    PlainAttrs(JsonGenerator json, KeyTable keys, boolean inTurn) {
      super(json);
      this.keys = keys;
      this.inTurn = inTurn;
    }

    @Override
    public void key(String key) throws IOException {
      Integer index = inTurn ? Integer.valueOf(keys.number(key)) : keys.known(key);
      if (index == null) {
        unknownKey = true;
        index = -1;
      }
      json.writeNumber(index);
    }

    @Override
    public void string(byte[] b, int start, int end) throws IOException {
      for (int i = start; i < end; i++) {
        if (b[i] == '<' || b[i] == '>' || b[i] == '&') {
          // The script's escapes: the generator writes them.
          json.writeString(new String(b, start, end - start, java.nio.charset.StandardCharsets.US_ASCII));
          return;
        }
      }
      super.string(b, start, end);
    }

    @Override
    public void number(long value) throws IOException {
      attributeValue(json, value);
    }
  }

  /**
   * An attribute value as the page reads it back into the JSON text the cell page shows: strings,
   * booleans, integers JavaScript holds exactly, and arrays of those as themselves; anything else
   * (a double, a larger integer) as {@code {"t": its JSON text}}, so that no digit changes.
   */
  private static void attributeValue(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull(); // an AnyValue with no value (an SDK's null array element)
    } else if (value instanceof String) {
      json.writeString((String) value);
    } else if (value instanceof Boolean) {
      json.writeBoolean((Boolean) value);
    } else if ((value instanceof Long || value instanceof Integer) && isSafeInteger(((Number) value).longValue())) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof List<?>) {
      json.writeStartArray();
      for (Object element : (List<?>) value) {
        attributeValue(json, element);
      }
      json.writeEndArray();
    } else {
      json.writeStartObject();
      json.writeStringField("t", valueJson(value));
      json.writeEndObject();
    }
  }

  private static void modelCalls(JsonGenerator json, OutputStream out, ParallelChunks chunks, Timeline timeline)
      throws IOException {
    // Made into records once, on several threads: the timeline makes a call's record each time it is asked for.
    List<ModelCall> timelineCalls = timeline.modelCalls();
    int count = timelineCalls.size();
    ModelCall[] calls = new ModelCall[count];
    long latency = 0;
    for (long[] sum : chunks.map(count, (from, to) -> {
      long chunkLatency = 0;
      for (int i = from; i < to; i++) {
        calls[i] = timelineCalls.get(i);
        chunkLatency += calls[i].latencyNanos();
      }
      return new long[] {chunkLatency};
    })) {
      latency += sum[0];
    }
    json.writeObjectFieldStart("calls");
    json.writeNumberField("count", count);
    column(json, out, chunks, "span", count, (chunk, i) -> chunk.writeNumber(calls[i].span().index()));
    column(json, out, chunks, "timestamp", count,
        (chunk, i) -> chunk.writeString(Timestamps.iso(calls[i].span().startEpochNanos())));
    column(json, out, chunks, "hash", count, (chunk, i) -> nullable(chunk, calls[i].requestHash()));
    column(json, out, chunks, "model", count, (chunk, i) -> chunk.writeString(calls[i].model()));
    column(json, out, chunks, "input", count, (chunk, i) -> nullable(chunk, calls[i].inputTokens()));
    column(json, out, chunks, "output", count, (chunk, i) -> nullable(chunk, calls[i].outputTokens()));
    column(json, out, chunks, "latency", count, (chunk, i) -> chunk.writeNumber(calls[i].latencyNanos()));
    column(json, out, chunks, "end", count,
        (chunk, i) -> chunk.writeNumber(timeline.offsetNanos(calls[i].span().endEpochNanos())));
    column(json, out, chunks, "finish", count,
        (chunk, i) -> chunk.writeString(String.join(",", calls[i].finishReasons())));
    json.writeObjectFieldStart("total");
    json.writeNumberField("input", timeline.tokens().input());
    json.writeNumberField("output", timeline.tokens().output());
    json.writeNumberField("total", timeline.tokens().total());
    json.writeNumberField("unknownCalls", timeline.tokens().unknownCalls());
    json.writeNumberField("latency", latency);
    json.writeEndObject();
    json.writeEndObject();
  }

  private static void map(JsonGenerator json, String field, Map<String, Object> values) throws IOException {
    json.writeObjectFieldStart(field);
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      json.writeFieldName(entry.getKey());
      Object value = entry.getValue();
      if (value == null) {
        json.writeNull();
      } else if (value instanceof Double) {
        json.writeNumber((Double) value);
      } else {
        json.writeNumber(((Number) value).longValue());
      }
    }
    json.writeEndObject();
  }

  /** Whether JavaScript holds {@code value} exactly; not Math.abs, which leaves Long.MIN_VALUE negative. */
  private static boolean isSafeInteger(long value) {
    return value >= -MAX_SAFE_INTEGER && value <= MAX_SAFE_INTEGER;
  }

  private static void nullable(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Long) {
      json.writeNumber((Long) value);
    } else {
      json.writeString(String.valueOf(value));
    }
  }

  /**
   * An attribute value as compact JSON text, strings escaped as JavaScript's {@code JSON.stringify}
   * escapes them, so that the page can join keys and values into the object the cell page shows.
   */
  static String valueJson(Object value) {
    StringBuilder out = new StringBuilder();
    value(out, value);
    return out.toString();
  }

  private static void value(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof List<?>) {
      CompactJson.appendArray(out, (List<?>) value, PageData::value);
    } else if (value instanceof Map<?, ?>) {
      CompactJson.appendObject(out, (Map<?, ?>) value, PageData::quote, PageData::value);
    } else if (value instanceof java.nio.ByteBuffer) {
      quote(out, CompactJson.base64((java.nio.ByteBuffer) value));
    } else if (value instanceof Boolean || value instanceof Long || value instanceof Integer) {
      out.append(value);
    } else if (value instanceof Double) {
      double d = (Double) value;
      if (Double.isFinite(d)) {
        out.append(d);
      } else {
        quote(out, String.valueOf(d));
      }
    } else {
      quote(out, String.valueOf(value));
    }
  }

  static void quote(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20 || isLoneSurrogate(text, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  private static boolean isLoneSurrogate(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }
}
