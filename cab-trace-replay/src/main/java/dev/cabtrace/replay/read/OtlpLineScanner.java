package dev.cabtrace.replay.read;

import static dev.cabtrace.replay.read.JsonBytes.FAIL;

import dev.cabtrace.replay.timeline.TimelineSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one line of OTLP JSON Lines as the OpenTelemetry exporters and cab-trace write it ({@code
 * {"resourceSpans":[...]}}, hex ids, decimal times) straight from its bytes, without a token per
 * value: the resources and scopes ({@link RepeatedObjects}) and each span ({@link
 * OtlpSpanReader}) in place. Anything else (another
 * layout, base64 ids, escapes in a name, malformed JSON) makes {@link #scan} return false having
 * added nothing, and the line goes to the Jackson readers, which decide what it is.
 */
final class OtlpLineScanner extends JsonWalker {

  private static final BytePattern RESOURCE_SPANS = new BytePattern("resourceSpans");
  private static final BytePattern RESOURCE = new BytePattern("resource");
  private static final BytePattern SCOPE_SPANS = new BytePattern("scopeSpans");
  private static final BytePattern SCOPE = new BytePattern("scope");
  private static final BytePattern SPANS = new BytePattern("spans");

  private ReadContext context;
  private final ByteStrings strings = new ByteStrings();
  private final LazyAttributes.Decoder decoder;
  private RepeatedObjects repeated;
  private final HotAttributeReader hotAttributes;
  private final List<TimelineSpan.Builder> pending = new ArrayList<>();
  // Builders are kept from line to line: the sink builds each span as it is handed on.
  private final List<TimelineSpan.Builder> builders = new ArrayList<>();
  private final OtlpSpanReader spans;
  private int lineStart;

  /** For {@code context}; with its {@code hotOnly}, spans keep only their hot attributes: what a ledger reads. */
  OtlpLineScanner(ReadContext context, LazyAttributes.Decoder decoder) {
    this.context = context;
    this.decoder = decoder;
    this.hotAttributes = new HotAttributeReader(strings);
    this.repeated = new RepeatedObjects(context, decoder, hotAttributes, strings);
    this.spans = new OtlpSpanReader(strings, hotAttributes, decoder);
  }

  /**
   * Reads for {@code context} from now on: a thread reading one small file after another (a
   * sweep) keeps its scanner, and with it the strings and attribute sets it has seen.
   */
  OtlpLineScanner bind(ReadContext context) {
    if (context != this.context) {
      this.context = context;
      repeated.bind(context);
    }
    return this;
  }

  /** Lets go of the load it read for (its sink holds that load's spans), keeping only its caches. */
  void release() {
    context = null;
    repeated.bind(null);
    builders.clear();
    spans.release();
    resource = null;
    scope = null;
  }

  /** Reads the line into the context's sink; false, having added nothing, if it is not for this reader. */
  boolean scan(byte[] bytes, int offset, int length) {
    b = bytes;
    lineStart = offset;
    end = offset + length;
    pending.clear();
    try {
      int i = JsonBytes.skipWhitespace(b, offset, end);
      i = document(i);
      if (i == FAIL || JsonBytes.skipWhitespace(b, i, end) != end) {
        return false;
      }
      for (int k = 0; k < pending.size(); k++) { // no iterator: a line is read a million times
        context.add(pending.get(k));
      }
      return true;
    } finally {
      pending.clear();
      b = null;
    }
  }

  // What the member readers below share: one object of each level is open at a time.
  private boolean foundResourceSpans;
  private Map<String, Object> resource;
  private boolean sawResource;
  private String scope;
  private boolean sawScope;

  private final Member documentMember = this::documentMember;
  private final Member resourceSpansMember = this::resourceSpansMember;
  private final Member scopeSpansMember = this::scopeSpansMember;
  private final Element resourceSpansElement = this::resourceSpans;
  private final Element scopeSpansElement = this::scopeSpans;
  private final Element spanElement = this::span;

  /** {"resourceSpans":[...]} and nothing else that is read. */
  private int document(int i) {
    foundResourceSpans = false;
    i = object(i, documentMember);
    return foundResourceSpans ? i : FAIL;
  }

  private int documentMember(int name, int nameEnd, int value) {
    if (!RESOURCE_SPANS.is(b, name, nameEnd)) {
      return JsonBytes.skipValue(b, value, end);
    }
    if (foundResourceSpans || b[value] != '[') {
      return FAIL;
    }
    foundResourceSpans = true;
    return array(value, resourceSpansElement);
  }

  private int resourceSpans(int i) {
    int first = pending.size();
    resource = Map.of();
    sawResource = false;
    i = object(i, resourceSpansMember);
    // The resource may come after the spans in the object: attach it at the end.
    for (int k = first; k < pending.size(); k++) {
      pending.get(k).setResource(resource);
    }
    return i;
  }

  private int resourceSpansMember(int name, int nameEnd, int value) {
    if (RESOURCE.is(b, name, nameEnd)) {
      if (sawResource || b[value] != '{') {
        return FAIL;
      }
      sawResource = true;
      int after = repeated.repeatedResourceEnd(b, value, end);
      if (after != FAIL) {
        resource = repeated.lastResource();
        return after;
      }
      after = JsonBytes.skipValue(b, value, end);
      if (after != FAIL) {
        resource = repeated.resource(b, value, after);
      }
      return resource == null ? FAIL : after;
    }
    if (SCOPE_SPANS.is(b, name, nameEnd)) {
      return b[value] == '[' ? array(value, scopeSpansElement) : FAIL;
    }
    return JsonBytes.skipValue(b, value, end);
  }

  private int scopeSpans(int i) {
    int first = pending.size();
    scope = "";
    sawScope = false;
    i = object(i, scopeSpansMember);
    for (int k = first; k < pending.size(); k++) {
      pending.get(k).setScope(scope);
    }
    return i;
  }

  private int scopeSpansMember(int name, int nameEnd, int value) {
    if (SPANS.is(b, name, nameEnd)) {
      return b[value] == '[' ? array(value, spanElement) : FAIL;
    }
    if (SCOPE.is(b, name, nameEnd)) {
      if (sawScope || b[value] != '{') {
        return FAIL;
      }
      sawScope = true;
      int after = repeated.repeatedScopeEnd(b, value, end);
      if (after != FAIL) {
        scope = repeated.lastScope();
        return after;
      }
      after = JsonBytes.skipValue(b, value, end);
      if (after != FAIL) {
        scope = repeated.scope(b, value, after);
      }
      return scope == null ? FAIL : after;
    }
    return JsonBytes.skipValue(b, value, end);
  }

  private int span(int i) {
    int used = pending.size();
    if (used == builders.size()) {
      builders.add(TimelineSpan.builder());
    }
    TimelineSpan.Builder span = builders.get(used).clear();
    i = spans.read(b, end, i, span, context, lineStart);
    if (i != FAIL) {
      pending.add(span);
    }
    return i;
  }
}
