package dev.cabtrace.replay.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * An ended span as the SDK's exporters take it, every field given up front: the spans {@code
 * record} receives and the spans {@code push} rebuilds from a file. Internal: shared by cab-trace's
 * own packages, not part of its API; it may change without notice.
 */
public final class ImmutableSpanData implements SpanData {

  private final String name;
  private final SpanKind kind;
  private final SpanContext context;
  private final SpanContext parent;
  private final StatusData status;
  private final long start;
  private final long end;
  private final Attributes attributes;
  private final int totalAttributes;
  private final List<EventData> events;
  private final int totalEvents;
  private final List<LinkData> links;
  private final int totalLinks;
  private final InstrumentationScopeInfo scope;
  private final Resource resource;

  private ImmutableSpanData(String name, SpanKind kind, SpanContext context, SpanContext parent, StatusData status,
      long start, long end, Attributes attributes, int totalAttributes, List<EventData> events, int totalEvents,
      List<LinkData> links, int totalLinks, InstrumentationScopeInfo scope, Resource resource) {
    this.name = name;
    this.kind = kind;
    this.context = context;
    this.parent = parent;
    this.status = status;
    this.start = start;
    this.end = end;
    this.attributes = attributes;
    this.totalAttributes = totalAttributes;
    this.events = events;
    this.totalEvents = totalEvents;
    this.links = links;
    this.totalLinks = totalLinks;
    this.scope = scope;
    this.resource = resource;
  }

  /**
   * A span with these fields; the totals count what was recorded, the dropped included. The lists
   * are kept as they are: callers hand over lists nobody changes afterwards.
   */
  public static SpanData create(String name, SpanKind kind, SpanContext context, SpanContext parent,
      StatusData status, long start, long end, Attributes attributes, int totalAttributes, List<EventData> events,
      int totalEvents, List<LinkData> links, int totalLinks, InstrumentationScopeInfo scope, Resource resource) {
    return new ImmutableSpanData(name, kind, context, parent, status, start, end, attributes, totalAttributes,
        events, totalEvents, links, totalLinks, scope, resource);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return kind;
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parent;
  }

  @Override
  public StatusData getStatus() {
    return status;
  }

  @Override
  public long getStartEpochNanos() {
    return start;
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
  public long getEndEpochNanos() {
    return end;
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public int getTotalRecordedEvents() {
    return totalEvents;
  }

  @Override
  public int getTotalRecordedLinks() {
    return totalLinks;
  }

  @Override
  public int getTotalAttributeCount() {
    return totalAttributes;
  }

  @Override
  @SuppressWarnings("deprecation")
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  public Resource getResource() {
    return resource;
  }
}
