package dev.cabtrace.sdk;

import dev.cabtrace.api.CellIdentity;
import dev.cabtrace.sdk.capture.BlockingBatchSpanProcessor;
import dev.cabtrace.sdk.export.OtlpExport;
import dev.cabtrace.sdk.persist.CrashJournal;
import dev.cabtrace.sdk.persist.OtlpJsonLinesFileExporter;
import dev.cabtrace.sdk.redact.Redaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Builds a {@link CabTraceSdk}. */
public final class CabTraceSdkBuilder {

  private static final java.util.logging.Logger logger =
      java.util.logging.Logger.getLogger(CabTraceSdkBuilder.class.getName());

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final int MAX_EVENTS_PER_SPAN = dev.cabtrace.api.TerminalRecorder.MAX_EVENTS_PER_SPAN;

  private CellIdentity identity;
  private String serviceName = "cab-harness";
  private Attributes extraResource = Attributes.empty();
  private Path captureFile;
  private boolean built;
  private final List<SpanExporter> exporters = new ArrayList<>();
  private Duration maxBlockTime = Duration.ofSeconds(2);
  private Duration closeTimeout = Duration.ofSeconds(10);
  private Clock clock;
  private boolean oneTracePerCell = true;
  private Redaction redaction = Redaction.defaults();
  private boolean crashJournal = true;
  private OtlpExport otlpExport;
  private Map<String, String> environment = System.getenv();
  private Duration heartbeat = Duration.ofSeconds(1);

  CabTraceSdkBuilder() {}

  /** The cell this process traces; its identity becomes resource attributes. */
  public CabTraceSdkBuilder setCellIdentity(CellIdentity identity) {
    this.identity = Objects.requireNonNull(identity, "identity");
    return this;
  }

  /** {@code service.name} of the resource; default {@code cab-harness}. */
  public CabTraceSdkBuilder setServiceName(String serviceName) {
    this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    return this;
  }

  /** More resource attributes, merged over the defaults and the cell identity. */
  public CabTraceSdkBuilder setResourceAttributes(Attributes attributes) {
    this.extraResource = Objects.requireNonNull(attributes, "attributes");
    return this;
  }

  /**
   * The OTLP JSON Lines file every span is written to.
   *
   * @throws IllegalArgumentException for a path with no file name ({@code Path.of("")}, {@code /})
   */
  public CabTraceSdkBuilder setCaptureFile(Path captureFile) {
    Objects.requireNonNull(captureFile, "captureFile");
    if (captureFile.getFileName() == null || captureFile.getFileName().toString().isEmpty()) {
      throw new IllegalArgumentException("capture file \"" + captureFile + "\" has no file name");
    }
    this.captureFile = captureFile;
    return this;
  }

  /** One more exporter, fed by its own batching processor with the same no-loss settings. */
  public CabTraceSdkBuilder addSpanExporter(SpanExporter exporter) {
    exporters.add(Objects.requireNonNull(exporter, "exporter"));
    return this;
  }

  /**
   * The longest a span's end waits when exporting falls behind; default 2 s; zero for not at all;
   * at most a year.
   */
  public CabTraceSdkBuilder setMaxBlockTime(Duration maxBlockTime) {
    Objects.requireNonNull(maxBlockTime, "maxBlockTime");
    if (maxBlockTime.isNegative()) {
      throw new IllegalArgumentException("maxBlockTime must not be negative");
    }
    this.maxBlockTime = atMostLongest(maxBlockTime);
    return this;
  }

  /**
   * The longest {@link CabTraceSdk#close()} and {@link CabTraceSdk#flush()} wait; default 10 s; at
   * most a year (a longer one, such as {@code ChronoUnit.FOREVER}, is taken as a year).
   */
  public CabTraceSdkBuilder setCloseTimeout(Duration closeTimeout) {
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    if (closeTimeout.isNegative() || closeTimeout.isZero()) {
      throw new IllegalArgumentException("closeTimeout must be positive");
    }
    this.closeTimeout = atMostLongest(closeTimeout);
    return this;
  }

  /** The clock spans are timed with; default the system clock. */
  public CabTraceSdkBuilder setClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Whether every root span gets the cell's one trace id (default), or a new trace id each, as the
   * plain SDK does.
   */
  public CabTraceSdkBuilder setOneTracePerCell(boolean oneTracePerCell) {
    this.oneTracePerCell = oneTracePerCell;
    return this;
  }

  /**
   * What is masked before spans reach the capture file or any exporter; default {@link
   * Redaction#defaults()}. {@link Redaction#none()} turns masking off.
   */
  public CabTraceSdkBuilder setRedaction(Redaction redaction) {
    this.redaction = Objects.requireNonNull(redaction, "redaction");
    return this;
  }

  /**
   * Whether spans that started but have not ended are journaled beside the capture file (default
   * on), so that a killed cell still shows them. See {@link CrashJournal}.
   */
  public CabTraceSdkBuilder setCrashJournal(boolean crashJournal) {
    this.crashJournal = crashJournal;
    return this;
  }

  /** How often the crash journal records that the cell is alive; default 1 s; at most a year. */
  public CabTraceSdkBuilder setHeartbeat(Duration heartbeat) {
    Objects.requireNonNull(heartbeat, "heartbeat");
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat must be positive");
    }
    this.heartbeat = atMostLongest(heartbeat);
    return this;
  }

  /**
   * Also send every span to a trace backend over OTLP. Without this, the standard environment
   * ({@code OTEL_EXPORTER_OTLP_ENDPOINT} and friends) decides; see {@link OtlpExport}.
   */
  public CabTraceSdkBuilder setOtlpExport(OtlpExport otlpExport) {
    this.otlpExport = Objects.requireNonNull(otlpExport, "otlpExport");
    return this;
  }

  /**
   * The environment read for {@code OTEL_EXPORTER_OTLP_*}, {@code OTEL_SERVICE_NAME} and {@code
   * OTEL_RESOURCE_ATTRIBUTES}; default the process environment.
   */
  public CabTraceSdkBuilder setEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    environment.forEach((name, value) -> {
      // Named, where Map.copyOf's own exception names nothing.
      Objects.requireNonNull(name, "environment has a null variable name");
      Objects.requireNonNull(value, () -> "environment variable " + name + " is null");
    });
    this.environment = Map.copyOf(environment);
    return this;
  }

  /**
   * The wired SDK, also registered as {@link io.opentelemetry.api.GlobalOpenTelemetry}, so that
   * code tracing through {@code CellTracer.global()} records into it. Fails if a global
   * OpenTelemetry was already set; the SDK it built is then closed, leaving no capture file.
   */
  public CabTraceSdk buildAndRegisterGlobal() {
    CabTraceSdk sdk = build();
    try {
      io.opentelemetry.api.GlobalOpenTelemetry.set(sdk.openTelemetry());
    } catch (RuntimeException e) {
      // Nothing traced through it yet: its close stops the journal and removes the files it made.
      try {
        sdk.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return sdk;
  }

  /**
   * The wired SDK. It is not registered as the global OpenTelemetry. A builder builds one: a second
   * SDK would share its exporters (closed with the first) and its capture file.
   *
   * @throws IllegalStateException when this builder has built an SDK already
   * @throws IllegalArgumentException when the capture file is a directory or under a file
   */
  public CabTraceSdk build() {
    if (built) {
      throw new IllegalStateException("this CabTraceSdkBuilder has built its SDK; take a new builder for another");
    }
    if (captureFile != null) {
      checkCaptureFile(captureFile);
    }
    built = true;
    AttributesBuilder fromEnvironment = Attributes.builder();
    OtlpExport.resourceAttributes(environment).forEach(fromEnvironment::put);
    OtlpExport.serviceName(environment).ifPresent(name -> fromEnvironment.put(SERVICE_NAME, name));
    Resource resource =
        Resource.getDefault()
            .merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName)))
            .merge(Resource.create(fromEnvironment.build()))
            .merge(Resource.create(identity == null ? Attributes.empty() : identity.toAttributes()))
            .merge(Resource.create(extraResource));
    SdkTracerProviderBuilder tracerProvider =
        SdkTracerProvider.builder()
            .setResource(resource)
            // Terminal output arrives as span events: the default limit of 128 would cut it short.
            // TerminalRecorder bounds what one span holds by bytes instead.
            .setSpanLimits(SpanLimits.builder().setMaxNumberOfEvents(MAX_EVENTS_PER_SPAN).build());
    if (clock != null) {
      tracerProvider.setClock(clock);
    }
    CellIdGenerator ids = null;
    if (oneTracePerCell) {
      ids = new CellIdGenerator();
      tracerProvider.setIdGenerator(ids);
    }
    List<BlockingBatchSpanProcessor> processors = new ArrayList<>();
    OtlpJsonLinesFileExporter captureExporter = null;
    CrashJournal journal = null;
    if (captureFile != null) {
      captureExporter = OtlpJsonLinesFileExporter.create(captureFile);
      if (crashJournal) {
        journal = CrashJournal.create(captureFile, clock == null ? Clock.getDefault() : clock, heartbeat, redaction);
        tracerProvider.addSpanProcessor(journal);
        processors.add(processor(journal.acknowledging(captureExporter)));
      } else {
        processors.add(processor(captureExporter));
      }
    }
    for (SpanExporter exporter : exporters) {
      processors.add(processor(exporter));
    }
    OtlpExport otlp = otlpExport != null ? otlpExport : OtlpExport.fromEnvironment(environment).orElse(null);
    SpanExporter backend = null;
    if (otlp != null) {
      try {
        backend = otlp.createExporter();
      } catch (RuntimeException e) {
        // The exporters check more than OtlpExport can know; the capture file does not need them.
        // Not its message: it may hold the endpoint with its credentials.
        logger.warning("cab-trace: the OpenTelemetry exporter refuses " + otlp.describe()
            + "; no spans are sent to a backend, the capture file is written");
      }
    }
    if (backend != null) {
      // The backend is a copy: a span end never waits for it. When a slow or dead backend lets its
      // queue fill, the copy gives up on the span (counted); the capture file keeps everything.
      processors.add(
          BlockingBatchSpanProcessor.builder(redaction.wrap(backend))
              .setMaxBlockTime(Duration.ZERO)
              .setExportTimeout(otlp.timeout().plusSeconds(3))
              .build());
    }
    processors.forEach(tracerProvider::addSpanProcessor);
    SdkTracerProvider provider = tracerProvider.build();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(provider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    return new CabTraceSdk(
        sdk,
        ids == null ? null : ids.traceId(),
        captureExporter,
        journal,
        List.copyOf(processors),
        closeTimeout);
  }

  /**
   * Refuses a capture file no span could be written to whatever the disk holds, rather than losing
   * every span later: a directory, or a path under a file. One that cannot be written for want of
   * permission or space is found at the first write, and counted as lost.
   */
  private static void checkCaptureFile(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException("capture file " + file + " is a directory");
    }
    for (Path parent = file.toAbsolutePath().getParent(); parent != null; parent = parent.getParent()) {
      if (Files.exists(parent)) {
        if (!Files.isDirectory(parent)) {
          throw new IllegalArgumentException("capture file " + file + " is under " + parent + ", which is not a directory");
        }
        return;
      }
    }
  }

  /**
   * The longest duration a setting takes: a longer one ({@code ChronoUnit.FOREVER}) is taken as
   * this, which still counts in nanoseconds from any clock reading without overflow.
   */
  private static final Duration LONGEST = Duration.ofDays(365);

  private static Duration atMostLongest(Duration duration) {
    return duration.compareTo(LONGEST) > 0 ? LONGEST : duration;
  }

  private BlockingBatchSpanProcessor processor(SpanExporter exporter) {
    return BlockingBatchSpanProcessor.builder(redaction.wrap(exporter))
        .setMaxBlockTime(maxBlockTime)
        .build();
  }
}
