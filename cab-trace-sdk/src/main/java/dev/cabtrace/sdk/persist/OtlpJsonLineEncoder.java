package dev.cabtrace.sdk.persist;

import static dev.cabtrace.sdk.persist.LineBuffer.ascii;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes a batch of spans as one line of OTLP JSON ({@code {"resourceSpans":[...]}} and a
 * newline), field for field as the OpenTelemetry protobuf JSON mapping and the official Java
 * marshaller write it: lowercase hex ids, 64-bit integers as decimal strings, enums as integers.
 * Written straight into one reusable buffer as UTF-8. This class frames the line and groups the
 * spans by resource and scope, whose JSON it encodes once and copies after that; each span is
 * {@link OtlpJsonSpanWriter}'s, attributes {@link OtlpJsonAttributeWriter}'s. A span whose encoding
 * throws is left out of the line, the others written; {@link #leftOut()} counts them. Not
 * thread-safe: one encoder per writer.
 */
final class OtlpJsonLineEncoder {

  /** Resources and scopes kept encoded; past that, their cache is started afresh. */
  private static final int MAX_CACHED = 1024;

  private static final byte[] LINE_START = ascii("{\"resourceSpans\":[");
  private static final byte[] LINE_END = ascii("]}\n");
  private static final byte[] RESOURCE_START = ascii("{\"resource\":{");
  private static final byte[] SCOPE_SPANS_START = ascii("},\"scopeSpans\":[");
  private static final byte[] SCOPE_START = ascii("{\"scope\":{\"name\":");
  private static final byte[] VERSION = ascii(",\"version\":");
  private static final byte[] SPANS_START = ascii("},\"spans\":[");
  private static final byte[] SCHEMA_URL = ascii(",\"schemaUrl\":");

  private final LineBuffer out = new LineBuffer(64 * 1024);
  private final EncodedStrings strings = new EncodedStrings(out);
  private final OtlpJsonAttributeWriter attributes = new OtlpJsonAttributeWriter(out, strings);
  private final OtlpJsonSpanWriter spanWriter = new OtlpJsonSpanWriter(out, strings, attributes);
  private final Map<Resource, byte[]> resources = new IdentityHashMap<>();
  private final Map<InstrumentationScopeInfo, byte[]> scopes = new IdentityHashMap<>();
  private int leftOut;
  private Throwable leftOutCause;

  /** Encodes {@code spans} and returns the buffer holding exactly one line. */
  LineBuffer encode(Collection<SpanData> spans) {
    out.reset();
    leftOut = 0;
    leftOutCause = null;
    out.write(LINE_START);
    if (!spans.isEmpty()) {
      SpanData first = spans.iterator().next();
      if (allShare(spans, first.getResource(), first.getInstrumentationScopeInfo())) {
        writeResourceStart(first.getResource());
        writeScopeSpans(first.getInstrumentationScopeInfo(), spans);
        writeResourceEnd(first.getResource());
      } else {
        writeGrouped(spans);
      }
    }
    out.write(LINE_END);
    return out;
  }

  /** Spans the last {@link #encode} left out of its line because encoding them threw. */
  int leftOut() {
    return leftOut;
  }

  /** Why the last {@link #encode} left its last span out; null when it left none out. */
  Throwable leftOutCause() {
    return leftOutCause;
  }

  /** Whether all spans have this resource and scope: those of one process share the instances. */
  private static boolean allShare(
      Collection<SpanData> spans, Resource resource, InstrumentationScopeInfo scope) {
    for (SpanData span : spans) {
      if (span.getResource() != resource || span.getInstrumentationScopeInfo() != scope) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the spans grouped by resource and scope instance, as the OpenTelemetry exporters group
   * them, each group where its first span was. Not by equality: the resources and scopes of spans
   * that {@code record} receives are the traced program's, which could send thousands of unequal
   * ones that share a hash, and each lookup would then compare them all.
   */
  private void writeGrouped(Collection<SpanData> spans) {
    Map<Resource, ResourceGroup> grouped = new IdentityHashMap<>();
    List<ResourceGroup> order = new ArrayList<>();
    Resource lastResource = null;
    InstrumentationScopeInfo lastScope = null;
    List<SpanData> last = null;
    for (SpanData span : spans) {
      Resource resource = span.getResource();
      InstrumentationScopeInfo scope = span.getInstrumentationScopeInfo();
      if (last == null || resource != lastResource || scope != lastScope) {
        ResourceGroup group = grouped.get(resource);
        if (group == null) {
          group = new ResourceGroup(resource);
          grouped.put(resource, group);
          order.add(group);
        }
        last = group.spansOf(scope);
        lastResource = resource;
        lastScope = scope;
      }
      last.add(span);
    }
    boolean firstResource = true;
    for (ResourceGroup group : order) {
      if (!firstResource) {
        out.write(',');
      }
      firstResource = false;
      writeResourceStart(group.resource);
      boolean firstScope = true;
      for (InstrumentationScopeInfo scope : group.scopes) {
        if (!firstScope) {
          out.write(',');
        }
        firstScope = false;
        writeScopeSpans(scope, group.spans.get(scope));
      }
      writeResourceEnd(group.resource);
    }
  }

  /** The spans of one resource instance, by scope instance, the scopes in the order first seen. */
  private static final class ResourceGroup {
    final Resource resource;
    final List<InstrumentationScopeInfo> scopes = new ArrayList<>();
    final Map<InstrumentationScopeInfo, List<SpanData>> spans = new IdentityHashMap<>();

    ResourceGroup(Resource resource) {
      this.resource = resource;
    }

    List<SpanData> spansOf(InstrumentationScopeInfo scope) {
      List<SpanData> list = spans.get(scope);
      if (list == null) {
        list = new ArrayList<>();
        spans.put(scope, list);
        scopes.add(scope);
      }
      return list;
    }
  }

  /** {@code {"resource":{...},"scopeSpans":[}, from the cache when this resource was seen. */
  private void writeResourceStart(Resource resource) {
    byte[] cached = resources.get(resource);
    if (cached != null) {
      out.write(cached);
      return;
    }
    int start = out.size();
    out.write(RESOURCE_START);
    attributes.write(resource.getAttributes());
    out.write(SCOPE_SPANS_START);
    cache(resources, resource, out.copyFrom(start));
  }

  private void writeResourceEnd(Resource resource) {
    out.write(']');
    writeSchemaUrl(resource.getSchemaUrl());
    out.write('}');
  }

  private void writeScopeSpans(InstrumentationScopeInfo scope, Collection<SpanData> spans) {
    byte[] cached = scopes.get(scope);
    if (cached != null) {
      out.write(cached);
    } else {
      int start = out.size();
      out.write(SCOPE_START);
      out.writeString(scope.getName());
      if (scope.getVersion() != null) {
        out.write(VERSION);
        out.writeString(scope.getVersion());
      }
      out.write(',');
      attributes.write(scope.getAttributes());
      out.write(SPANS_START);
      cache(scopes, scope, out.copyFrom(start));
    }
    boolean first = true;
    for (SpanData span : spans) {
      int spanStart = out.size();
      if (!first) {
        out.write(',');
      }
      try {
        spanWriter.write(span);
        first = false;
      } catch (RuntimeException | StackOverflowError e) {
        // One span's data the writer cannot take (a deeply nested value, a broken SpanData)
        // costs that span only, not the batch, nor every later rewrite of the crash journal.
        out.truncate(spanStart);
        leftOut++;
        leftOutCause = e;
      }
    }
    out.write(']');
    writeSchemaUrl(scope.getSchemaUrl());
    out.write('}');
  }

  private void writeSchemaUrl(String schemaUrl) {
    if (schemaUrl != null) {
      out.write(SCHEMA_URL);
      out.writeString(schemaUrl);
    }
  }

  private static <K> void cache(Map<K, byte[]> cache, K key, byte[] encoded) {
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(key, encoded);
  }
}
