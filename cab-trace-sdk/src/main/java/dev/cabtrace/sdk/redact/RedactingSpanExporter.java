package dev.cabtrace.sdk.redact;

import dev.cabtrace.api.CabAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfoBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import dev.cabtrace.sdk.internal.DelegatingSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands spans to its delegate with their secrets masked: name, status description, attributes,
 * event names and attributes, link attributes, trace states, resource and scope attributes, the
 * scope's name and version, schema URLs, and terminal output ({@code cab.output} events) read
 * across its chunks.
 */
final class RedactingSpanExporter extends DelegatingSpanExporter {

  private static final String BASE64 = "base64";
  private static final Logger logger = Logger.getLogger(RedactingSpanExporter.class.getName());

  private final AtomicLong failures = new AtomicLong();

  private final Redaction redaction;
  /** Spans share a few resources and scopes: each is redacted once, not once per span. */
  private final ByIdentity<Resource> resources = new ByIdentity<>();
  private final ByIdentity<InstrumentationScopeInfo> scopes = new ByIdentity<>();

  RedactingSpanExporter(SpanExporter delegate, Redaction redaction) {
    super(delegate);
    this.redaction = redaction;
  }

  /**
   * Spans that could not be redacted, and so were left out of the export (lost, not exported), and
   * those the delegate left out.
   */
  @Override
  public long spansLeftOut() {
    return failures.get() + super.spansLeftOut();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    List<SpanData> redacted = new ArrayList<>(spans.size());
    for (SpanData span : spans) {
      try {
        redacted.add(redact(span));
      } catch (RuntimeException | StackOverflowError e) {
        // A span that could not be checked is not exported at all: never unmasked. A user
        // pattern can overflow the stack on a long text ((?:x|y)*z); that costs this span only.
        // Other errors (out of memory) are the JVM's trouble and go up to the processor.
        long count = failures.incrementAndGet();
        if (Long.bitCount(count) == 1) {
          logger.log(
              Level.WARNING,
              "cab-trace: could not redact span '" + span.getName() + "'; " + count
                  + " span(s) left out of the export so far",
              e);
        }
      }
    }
    return delegate.export(redacted);
  }

  private SpanData redact(SpanData span) {
    Attributes attributes = redaction.redact(span.getAttributes());
    List<EventData> events = redactEvents(span.getEvents());
    List<LinkData> links = redactLinks(span.getLinks());
    String description = redaction.redact(span.getStatus().getDescription());
    String name = redaction.redact(span.getName());
    Resource resource = resources.get(span.getResource(), this::redactResource);
    InstrumentationScopeInfo scope =
        scopes.get(span.getInstrumentationScopeInfo(), this::redactScope);
    SpanContext context = redactTraceState(span.getSpanContext());
    if (context == span.getSpanContext()
        && attributes == span.getAttributes()
        && events == span.getEvents()
        && links == span.getLinks()
        && description.equals(span.getStatus().getDescription())
        && name.equals(span.getName())
        && resource == span.getResource()
        && scope == span.getInstrumentationScopeInfo()) {
      return span;
    }
    StatusData status =
        description.equals(span.getStatus().getDescription())
            ? span.getStatus()
            : StatusData.create(span.getStatus().getStatusCode(), description);
    return new DelegatingSpanData(span) {
      @Override
      public SpanContext getSpanContext() {
        return context;
      }

      @Override
      public String getName() {
        return name;
      }

      @Override
      public Attributes getAttributes() {
        return attributes;
      }

      @Override
      public List<EventData> getEvents() {
        return events;
      }

      @Override
      public List<LinkData> getLinks() {
        return links;
      }

      @Override
      public StatusData getStatus() {
        return status;
      }

      @Override
      public Resource getResource() {
        return resource;
      }

      @Override
      public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
      }
    };
  }

  /**
   * A span's resource, which for spans taken in by {@code record} is another process's: its
   * {@code process.command_line} may hold the agent's {@code --api-key}.
   */
  private Resource redactResource(Resource resource) {
    Attributes attributes = redaction.redact(resource.getAttributes());
    String schemaUrl = redaction.redact(resource.getSchemaUrl());
    return attributes == resource.getAttributes() && Objects.equals(schemaUrl, resource.getSchemaUrl())
        ? resource
        : Resource.create(attributes, schemaUrl);
  }

  /** A scope with its attributes, and its name, version and schema URL (an agent's own text) redacted. */
  private InstrumentationScopeInfo redactScope(InstrumentationScopeInfo scope) {
    Attributes attributes = redaction.redact(scope.getAttributes());
    String name = redaction.redact(scope.getName());
    String version = redaction.redact(scope.getVersion());
    String schemaUrl = redaction.redact(scope.getSchemaUrl());
    if (attributes == scope.getAttributes()
        && name.equals(scope.getName())
        && Objects.equals(version, scope.getVersion())
        && Objects.equals(schemaUrl, scope.getSchemaUrl())) {
      return scope;
    }
    InstrumentationScopeInfoBuilder builder =
        InstrumentationScopeInfo.builder(name).setAttributes(attributes);
    if (version != null) {
      builder.setVersion(version);
    }
    if (schemaUrl != null) {
      builder.setSchemaUrl(schemaUrl);
    }
    return builder.build();
  }

  /**
   * A span context whose trace state (W3C {@code tracestate}, exported with the span and its
   * links) has each value redacted, masked whole under a secret key; the same instance when
   * nothing changed. {@link Redaction#MASK} is a valid trace state value.
   */
  private SpanContext redactTraceState(SpanContext context) {
    TraceState state = context.getTraceState();
    if (state.isEmpty()) {
      return context;
    }
    Map<String, String> changed = new LinkedHashMap<>();
    state.forEach(
        (key, value) -> {
          String redacted = redaction.isSecretName(key) ? Redaction.MASK : redaction.redact(value);
          if (!redacted.equals(value)) {
            changed.put(key, redacted);
          }
        });
    if (changed.isEmpty()) {
      return context;
    }
    TraceStateBuilder builder = state.toBuilder();
    changed.forEach(builder::put);
    TraceState redacted = builder.build();
    for (Map.Entry<String, String> entry : changed.entrySet()) {
      // A value the builder refuses (a masked text with a comma) is left as it was: drop it.
      if (!entry.getValue().equals(redacted.get(entry.getKey()))) {
        redacted = redacted.toBuilder().remove(entry.getKey()).build();
      }
    }
    return context.isRemote()
        ? SpanContext.createFromRemoteParent(
            context.getTraceId(), context.getSpanId(), context.getTraceFlags(), redacted)
        : SpanContext.create(context.getTraceId(), context.getSpanId(), context.getTraceFlags(), redacted);
  }

  private List<LinkData> redactLinks(List<LinkData> links) {
    List<LinkData> out = null;
    for (int i = 0; i < links.size(); i++) {
      LinkData link = links.get(i);
      Attributes attributes = redaction.redact(link.getAttributes());
      SpanContext context = redactTraceState(link.getSpanContext());
      if (attributes != link.getAttributes() || context != link.getSpanContext()) {
        if (out == null) {
          out = new ArrayList<>(links);
        }
        out.set(i, LinkData.create(context, attributes, link.getTotalAttributeCount()));
      }
    }
    return out == null ? links : out;
  }

  private List<EventData> redactEvents(List<EventData> events) {
    if (events.isEmpty()) {
      return events;
    }
    String[] outputData = redactOutput(events);
    List<EventData> out = null;
    for (int i = 0; i < events.size(); i++) {
      EventData event = events.get(i);
      // Output data was redacted per stream above: a chunk on its own could hold half a secret,
      // or base64 that must not be read as text.
      AttributeKey<?> skipped = isOutput(event) ? CabAttributes.OUTPUT_DATA : null;
      Attributes attributes = redaction.redact(event.getAttributes(), skipped);
      if (outputData != null && outputData[i] != null) {
        attributes = attributes.toBuilder().put(CabAttributes.OUTPUT_DATA, outputData[i]).build();
      }
      String name = redaction.redact(event.getName());
      if (attributes != event.getAttributes() || !name.equals(event.getName())) {
        if (out == null) {
          out = new ArrayList<>(events);
        }
        out.set(
            i,
            EventData.create(
                event.getEpochNanos(), name, attributes, event.getTotalAttributeCount()));
      }
    }
    return out == null ? events : out;
  }

  /**
   * The redacted data of each {@code cab.output} event, indexed like {@code events}: null where it
   * did not change, and null as a whole when none did. The events of one stream are read as one
   * text, so that a secret written in two chunks is found.
   */
  private String[] redactOutput(List<EventData> events) {
    Map<String, List<Integer>> streams = null;
    for (int i = 0; i < events.size(); i++) {
      EventData event = events.get(i);
      if (isOutput(event)) {
        if (streams == null) {
          streams = new LinkedHashMap<>();
        }
        String stream = event.getAttributes().get(CabAttributes.OUTPUT_STREAM);
        streams.computeIfAbsent(stream == null ? "" : stream, s -> new ArrayList<>()).add(i);
      }
    }
    if (streams == null) {
      return null;
    }
    String[] redacted = null;
    for (List<Integer> chunks : streams.values()) {
      redacted = redactStream(events, chunks, redacted);
    }
    return redacted;
  }

  /**
   * Redacts the chunks of one stream ({@code indices} into {@code events}, in order) as one text:
   * the part of a secret in the chunk where it starts becomes {@link Redaction#MASK}, its parts in
   * later chunks become empty. Base64 chunks are decoded to one char per byte, redacted, and
   * encoded again only when they changed, so that their other bytes stay exactly.
   */
  private String[] redactStream(List<EventData> events, List<Integer> indices, String[] redacted) {
    int count = indices.size();
    String[] chunks = new String[count];
    boolean[] base64 = new boolean[count];
    int[] starts = new int[count + 1];
    StringBuilder all = new StringBuilder();
    for (int k = 0; k < count; k++) {
      Attributes attributes = events.get(indices.get(k)).getAttributes();
      String data = attributes.get(CabAttributes.OUTPUT_DATA);
      if (BASE64.equals(attributes.get(CabAttributes.OUTPUT_ENCODING))) {
        try {
          data = new String(Base64.getDecoder().decode(data), StandardCharsets.ISO_8859_1);
          base64[k] = true;
        } catch (IllegalArgumentException e) {
          // Not base64 after all: redacted as the text it is.
        }
      }
      chunks[k] = data;
      starts[k] = all.length();
      all.append(data);
    }
    starts[count] = all.length();
    String[] masked = Redaction.mask(chunks, starts, redaction.secretRanges(all.toString()));
    for (int k = 0; masked != null && k < count; k++) {
      if (masked[k] != null) {
        if (redacted == null) {
          redacted = new String[events.size()];
        }
        redacted[indices.get(k)] =
            base64[k]
                ? Base64.getEncoder().encodeToString(masked[k].getBytes(StandardCharsets.ISO_8859_1))
                : masked[k];
      }
    }
    return redacted;
  }

  private static boolean isOutput(EventData event) {
    return CabAttributes.OUTPUT_EVENT.equals(event.getName())
        && event.getAttributes().get(CabAttributes.OUTPUT_DATA) != null;
  }

  /**
   * Redacted forms of shared instances (resources, scopes) by identity, in a fixed number of
   * slots: a slot holds the last instance that fell into it, so memory stays bounded however many
   * resources pass. Racing threads at worst redact an instance twice; an entry is immutable, so a
   * thread sees a whole one or none.
   */
  private static final class ByIdentity<T> {
    private final Entry<?>[] slots = new Entry<?>[256];

    @SuppressWarnings("unchecked")
    T get(T original, UnaryOperator<T> redact) {
      int slot = System.identityHashCode(original) & (slots.length - 1);
      Entry<?> known = slots[slot];
      if (known != null && known.original() == original) {
        return (T) known.redacted();
      }
      T redacted = redact.apply(original);
      slots[slot] = new Entry<>(original, redacted);
      return redacted;
    }

    private record Entry<T>(T original, T redacted) {}
  }
}
