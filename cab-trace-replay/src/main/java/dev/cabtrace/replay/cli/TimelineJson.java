package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.cabtrace.replay.internal.AttributeBytes;
import dev.cabtrace.replay.internal.JsonArrayChunks;
import dev.cabtrace.replay.internal.ParallelChunks;
import dev.cabtrace.replay.internal.PlainAttributeWriter;
import dev.cabtrace.replay.screen.Screen;
import dev.cabtrace.replay.timeline.Frame;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.ModelCall;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import dev.cabtrace.replay.timeline.TokenTotals;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents of {@code show --json}, {@code frame --json} and {@code tokens --json}, as UTF-8
 * bytes: a lone surrogate from a trace, which UTF-8 cannot hold, is written as its escape.
 */
final class TimelineJson {

  private static final JsonFactory JSON = TerminalSafeEscapes.utf8JsonFactory();

  private TimelineJson() {}

  static void show(Timeline timeline, OutputStream out) throws IOException {
    show(timeline, out, ParallelChunks.ofProcessors());
  }

  /** {@link #show(Timeline, OutputStream)}, its arrays' elements written by {@code chunks}. */
  static void show(Timeline timeline, OutputStream out, ParallelChunks chunks) throws IOException {
    try (JsonGenerator json = generator(out)) {
      json.writeStartObject();
      json.writeStringField("source", timeline.source());
      List<TimelineSpan> spans = timeline.spans();
      array(json, out, chunks, "spans", spans.size(),
          (chunk, i, plain) -> span(chunk, timeline, spans.get(i), plain));
      List<ModelCall> calls = timeline.modelCalls();
      array(json, out, chunks, "modelCalls", calls.size(),
          (chunk, i, plain) -> modelCall(chunk, timeline, calls.get(i)));
      tokens(json, "tokens", timeline.tokens());
      json.writeNumberField("durationMs", millis(timeline.durationNanos()));
      warnings(json, timeline.warnings());
      json.writeEndObject();
    }
    out.write('\n');
    out.flush();
  }

  /** What writes element {@code index} of an array. */
  private interface Element {
    void write(JsonGenerator json, int index, PlainAttributeWriter plain) throws IOException;
  }

  /**
   * Writes the array field {@code field} of the document's top object, its elements a chunk at a
   * time on several threads ({@link JsonArrayChunks}).
   */
  private static void array(JsonGenerator json, OutputStream out, ParallelChunks chunks, String field, int count,
      Element element) throws IOException {
    json.writeArrayFieldStart(field);
    JsonArrayChunks.write(json, out, chunks, TimelineJson::generator, chunk -> {
      chunk.writeStartObject();
      chunk.writeArrayFieldStart(field);
    }, count, (chunk, from, to, inOrder) -> {
      PlainAttributeWriter plain = new PlainAttributeWriter(chunk);
      for (int i = from; i < to; i++) {
        element.write(chunk, i, plain);
      }
      return true;
    });
    json.writeEndArray();
  }

  /** {@code screen}: the recorded terminal at the frame's moment, or null when none was recorded. */
  static void frame(Timeline timeline, Frame frame, Screen screen, OutputStream out) throws IOException {
    try (JsonGenerator json = generator(out)) {
      json.writeStartObject();
      json.writeNumberField("atMs", millis(frame.offsetNanos()));
      json.writeNumberField("durationMs", millis(timeline.durationNanos()));
      json.writeArrayFieldStart("active");
      PlainAttributeWriter plain = new PlainAttributeWriter(json);
      for (TimelineSpan span : frame.active()) {
        span(json, timeline, span, plain);
      }
      json.writeEndArray();
      json.writeNumberField("finished", frame.finished().size());
      json.writeNumberField("notStarted", frame.notStarted().size());
      json.writeNumberField("modelCallsFinished", frame.modelCalls().size());
      tokens(json, "tokens", frame.tokens());
      json.writeStringField("output", frame.output().text(null));
      json.writeFieldName("screen");
      if (screen == null) {
        json.writeNull();
      } else {
        ScreenCommand.write(json, screen);
      }
      warnings(json, timeline.warnings());
      json.writeEndObject();
    }
    out.write('\n');
    out.flush();
  }

  static void ledger(TokenLedger ledger, List<LoadWarning> warnings, OutputStream out) throws IOException {
    try (JsonGenerator json = generator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("cells");
      for (TokenLedger.Row row : ledger.cells()) {
        ledgerRow(json, "cell", row);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("models");
      for (TokenLedger.Row row : ledger.models()) {
        ledgerRow(json, "model", row);
      }
      json.writeEndArray();
      tokens(json, "total", ledger.total());
      warnings(json, warnings);
      json.writeEndObject();
    }
    out.write('\n');
    out.flush();
  }

  private static void ledgerRow(JsonGenerator json, String nameField, TokenLedger.Row row) throws IOException {
    json.writeStartObject();
    json.writeStringField(nameField, row.name());
    json.writeNumberField("calls", row.tokens().calls());
    json.writeNumberField("input", row.tokens().input());
    json.writeNumberField("output", row.tokens().output());
    json.writeNumberField("cacheRead", row.tokens().cacheRead());
    json.writeNumberField("reasoning", row.tokens().reasoning());
    json.writeNumberField("total", row.tokens().total());
    json.writeNumberField("unknownCalls", row.tokens().unknownCalls());
    if (row.passes() != null) {
      json.writeNumberField("passes", row.passes());
      if (row.tokensPerCorrectTask() != null) {
        json.writeNumberField("tokensPerCorrectTask", row.tokensPerCorrectTask());
      } else {
        json.writeNullField("tokensPerCorrectTask");
      }
    }
    json.writeEndObject();
  }

  // Field names encoded once: a million spans write each one a million times.
  private static final SerializedString ATTRIBUTES = new SerializedString("attributes");
  private static final SerializedString CACHE_READ_INPUT_TOKENS = new SerializedString("cacheReadInputTokens");
  private static final SerializedString DURATION_MS = new SerializedString("durationMs");
  private static final SerializedString FINISH_REASONS = new SerializedString("finishReasons");
  private static final SerializedString INPUT_TOKENS = new SerializedString("inputTokens");
  private static final SerializedString KIND = new SerializedString("kind");
  private static final SerializedString LATENCY_MS = new SerializedString("latencyMs");
  private static final SerializedString MODEL = new SerializedString("model");
  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString OUTPUT_TOKENS = new SerializedString("outputTokens");
  private static final SerializedString PARENT_SPAN_ID = new SerializedString("parentSpanId");
  private static final SerializedString PROVIDER = new SerializedString("provider");
  private static final SerializedString REASONING_OUTPUT_TOKENS = new SerializedString("reasoningOutputTokens");
  private static final SerializedString REQUEST_HASH = new SerializedString("requestHash");
  private static final SerializedString SPAN_ID = new SerializedString("spanId");
  private static final SerializedString START_MS = new SerializedString("startMs");
  private static final SerializedString STATUS = new SerializedString("status");
  private static final SerializedString STATUS_MESSAGE = new SerializedString("statusMessage");
  private static final SerializedString TRACE_ID = new SerializedString("traceId");
  private static final SerializedString UNFINISHED = new SerializedString("unfinished");

  private static void span(JsonGenerator json, Timeline timeline, TimelineSpan span, PlainAttributeWriter plain)
      throws IOException {
    json.writeStartObject();
    json.writeFieldName(TRACE_ID);
    json.writeString(span.traceId());
    json.writeFieldName(SPAN_ID);
    json.writeString(span.spanId());
    json.writeFieldName(PARENT_SPAN_ID);
    json.writeString(span.parentSpanId());
    json.writeFieldName(KIND);
    json.writeString(span.kindName());
    json.writeFieldName(NAME);
    json.writeString(span.name());
    json.writeFieldName(START_MS);
    json.writeNumber(millis(timeline.offsetNanos(span.startEpochNanos())));
    json.writeFieldName(DURATION_MS);
    json.writeNumber(millis(span.durationNanos()));
    json.writeFieldName(STATUS);
    json.writeString(span.status().name());
    if (!span.statusMessage().isEmpty()) {
      json.writeFieldName(STATUS_MESSAGE);
      json.writeString(span.statusMessage());
    }
    if (span.unfinished()) {
      json.writeFieldName(UNFINISHED);
      json.writeBoolean(true);
    }
    json.writeFieldName(ATTRIBUTES);
    json.writeStartObject();
    Map<String, Object> attributes = span.attributes();
    if (!(attributes instanceof AttributeBytes) || !((AttributeBytes) attributes).visitPlain(null, plain)) {
      for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
        json.writeFieldName(attribute.getKey());
        value(json, attribute.getValue());
      }
    }
    json.writeEndObject();
    json.writeEndObject();
  }

  private static void modelCall(JsonGenerator json, Timeline timeline, ModelCall call) throws IOException {
    json.writeStartObject();
    json.writeFieldName(SPAN_ID);
    json.writeString(call.span().spanId());
    json.writeFieldName(START_MS);
    json.writeNumber(millis(timeline.offsetNanos(call.span().startEpochNanos())));
    json.writeFieldName(MODEL);
    json.writeString(call.model());
    writeNullable(json, PROVIDER, call.provider());
    writeNullable(json, REQUEST_HASH, call.requestHash());
    writeNullable(json, INPUT_TOKENS, call.inputTokens());
    writeNullable(json, OUTPUT_TOKENS, call.outputTokens());
    writeNullable(json, CACHE_READ_INPUT_TOKENS, call.cacheReadInputTokens());
    writeNullable(json, REASONING_OUTPUT_TOKENS, call.reasoningOutputTokens());
    json.writeFieldName(LATENCY_MS);
    json.writeNumber(millis(call.latencyNanos()));
    json.writeFieldName(FINISH_REASONS);
    json.writeStartArray();
    for (String reason : call.finishReasons()) {
      json.writeString(reason);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void tokens(JsonGenerator json, String field, TokenTotals tokens) throws IOException {
    json.writeObjectFieldStart(field);
    json.writeNumberField("input", tokens.input());
    json.writeNumberField("output", tokens.output());
    json.writeNumberField("total", tokens.total());
    json.writeNumberField("calls", tokens.calls());
    // The sums leave these calls out: without the count, a partial total reads as the whole.
    json.writeNumberField("unknownCalls", tokens.unknownCalls());
    json.writeEndObject();
  }

  /** {@code "warnings": ["FILE:3: not JSON ...; skipped", ...]}, as {@code show --json} has it. */
  static void warnings(JsonGenerator json, List<LoadWarning> warnings) throws IOException {
    json.writeArrayFieldStart("warnings");
    for (LoadWarning warning : warnings) {
      json.writeString(warning.toString());
    }
    json.writeEndArray();
  }

  private static void value(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull(); // an AnyValue with no value (an SDK's null array element)
    } else if (value instanceof List<?>) {
      json.writeStartArray();
      for (Object element : (List<?>) value) {
        value(json, element);
      }
      json.writeEndArray();
    } else if (value instanceof Long || value instanceof Integer) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double) {
      double d = (Double) value;
      if (Double.isFinite(d)) {
        json.writeNumber(d);
      } else {
        json.writeString(String.valueOf(d));
      }
    } else if (value instanceof Boolean) {
      json.writeBoolean((Boolean) value);
    } else if (value instanceof Map<?, ?>) {
      json.writeStartObject();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        json.writeFieldName(String.valueOf(entry.getKey()));
        value(json, entry.getValue());
      }
      json.writeEndObject();
    } else if (value instanceof java.nio.ByteBuffer) {
      json.writeString(dev.cabtrace.replay.internal.CompactJson.base64((java.nio.ByteBuffer) value));
    } else {
      json.writeString(String.valueOf(value));
    }
  }

  private static void writeNullable(JsonGenerator json, SerializedString field, Object value) throws IOException {
    json.writeFieldName(field);
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Long) {
      json.writeNumber((Long) value);
    } else {
      json.writeString(String.valueOf(value));
    }
  }

  /** Milliseconds with microsecond precision, as a JSON number. */
  private static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  private static JsonGenerator generator(OutputStream out) throws IOException {
    JsonGenerator json = JSON.createGenerator(out);
    json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    // A document cut short (a trace changed while it was written) stays cut, not closed into one
    // that reads as whole.
    json.configure(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT, false);
    return PrettyJson.on(json);
  }
}
