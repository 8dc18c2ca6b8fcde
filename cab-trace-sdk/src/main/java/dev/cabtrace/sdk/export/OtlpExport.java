package dev.cabtrace.sdk.export;

import dev.cabtrace.sdk.redact.Redaction;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where and how spans go to a trace backend over OTLP. Build it by hand, or read it from the
 * standard environment with {@link #fromEnvironment}: {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}), {@code OTEL_EXPORTER_OTLP_PROTOCOL} ({@code grpc} or
 * {@code http/protobuf}, the default), {@code OTEL_EXPORTER_OTLP_HEADERS}, {@code
 * OTEL_EXPORTER_OTLP_TIMEOUT}, each with its {@code _TRACES_} variant taking precedence.
 *
 * <p>A backend that is down, slow or refusing costs a bounded time (short timeouts, few retries),
 * never blocks span ends beyond the SDK's bound, and is reported once.
 */
public final class OtlpExport {

  private static final Logger settingsLogger = Logger.getLogger(OtlpExport.class.getName());
  /**
   * The parent of the official exporters' loggers, each named after its class: they log every
   * failed export (io.opentelemetry.exporter.otlp.internal.HttpExporter in 1.68: a SEVERE record
   * with the stack trace, throttled), besides the one line this reports. Their names have moved
   * between versions; their parent has not.
   */
  static final String OFFICIAL_EXPORTER_LOGGERS = "io.opentelemetry.exporter";
  /** Held: java.util.logging keeps loggers weakly, and one collected would come back without its level. */
  private static volatile Logger quietedLogger;
  /** The export timeout when the environment names none (or a bad one). */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  /** The longest export timeout taken from the environment. */
  private static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  /** The OTLP transports. */
  public enum Protocol {
    GRPC("grpc"),
    HTTP_PROTOBUF("http/protobuf");

    private final String value;

    Protocol(String value) {
      this.value = value;
    }

    /** As the environment writes it. */
    public String value() {
      return value;
    }

    /** The protocol named {@code grpc} or {@code http/protobuf}. */
    public static Protocol parse(String text) {
      for (Protocol protocol : values()) {
        if (protocol.value.equalsIgnoreCase(text.trim())) {
          return protocol;
        }
      }
      throw new IllegalArgumentException("unknown OTLP protocol \"" + text + "\" (use grpc or http/protobuf)");
    }
  }

  private final String endpoint;
  private final Protocol protocol;
  private final Map<String, String> headers;
  private final Duration timeout;

  private OtlpExport(String endpoint, Protocol protocol, Map<String, String> headers, Duration timeout) {
    this.endpoint = endpoint;
    this.protocol = protocol;
    this.headers = Map.copyOf(headers);
    this.timeout = timeout;
  }

  /** Export to {@code endpoint} (for gRPC {@code http://host:4317}; for HTTP the full {@code .../v1/traces}). */
  public static OtlpExport create(String endpoint, Protocol protocol, Map<String, String> headers, Duration timeout) {
    Objects.requireNonNull(endpoint, "endpoint");
    // Fails here, not when the exporter is made: the OTLP exporters take http and https URLs only.
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    // As the exporters check it: the scheme as written, lower case. A host with '_' (a compose
    // service name) has no URI host, only an authority.
    if (uri == null || !(endpoint.startsWith("http://") || endpoint.startsWith("https://"))
        || uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
      throw new IllegalArgumentException("OTLP endpoint " + withoutCredentials(endpoint)
          + " is not an http:// or https:// URL with a host (e.g. http://localhost:4318)");
    }
    Objects.requireNonNull(protocol, "protocol");
    try {
      // The exporter's own check, made now: its message repeats the URL with its password.
      if (protocol == Protocol.GRPC) {
        OtlpGrpcSpanExporter.builder().setEndpoint(endpoint);
      } else {
        OtlpHttpSpanExporter.builder().setEndpoint(endpoint);
      }
    } catch (IllegalArgumentException e) {
      boolean unescapedUser = uri.getHost() == null && uri.getRawAuthority().indexOf('@') >= 0;
      throw new IllegalArgumentException("OTLP endpoint " + withoutCredentials(endpoint)
          + " is refused by the OpenTelemetry exporter" + (unescapedUser
              ? ": a user or password in a URL must be percent-encoded (@ as %40, : as %3A, / as %2F)"
              : " (e.g. http://localhost:4318)"));
    }
    return new OtlpExport(endpoint, protocol,
        Objects.requireNonNull(headers, "headers"), Objects.requireNonNull(timeout, "timeout"));
  }

  /** The export the standard OTEL_EXPORTER_OTLP_* variables describe, if they name an endpoint. */
  public static Optional<OtlpExport> fromEnvironment(Map<String, String> environment) {
    String protocolText = first(environment, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL");
    Protocol protocol = Protocol.HTTP_PROTOBUF;
    if (protocolText != null) {
      try {
        protocol = Protocol.parse(protocolText);
      } catch (IllegalArgumentException e) {
        settingsLogger.warning("cab-trace: OTEL_EXPORTER_OTLP_PROTOCOL=" + protocolText
            + " is not supported (grpc or http/protobuf); using http/protobuf");
      }
    }
    String endpoint = environment.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    if (blank(endpoint)) {
      String base = environment.get("OTEL_EXPORTER_OTLP_ENDPOINT");
      if (blank(base)) {
        return Optional.empty();
      }
      base = base.trim();
      // The base endpoint gets the signal path for HTTP; gRPC uses it as it is.
      endpoint = protocol == Protocol.HTTP_PROTOBUF ? (base.endsWith("/") ? base : base + "/") + "v1/traces" : base;
    }
    Map<String, String> headers = new LinkedHashMap<>(pairs(environment, "OTEL_EXPORTER_OTLP_HEADERS"));
    headers.putAll(pairs(environment, "OTEL_EXPORTER_OTLP_TRACES_HEADERS"));
    String timeoutText = first(environment, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT");
    Duration timeout = DEFAULT_TIMEOUT;
    if (timeoutText != null) {
      try {
        long millis = Long.parseLong(timeoutText.trim());
        if (millis <= 0 || millis > MAX_TIMEOUT.toMillis()) {
          throw new NumberFormatException("not positive, or longer than a day");
        }
        timeout = Duration.ofMillis(millis);
      } catch (NumberFormatException e) {
        settingsLogger.warning("cab-trace: OTEL_EXPORTER_OTLP_TIMEOUT=" + timeoutText
            + " is not a positive number of milliseconds up to a day; using " + DEFAULT_TIMEOUT.toMillis());
      }
    }
    try {
      return Optional.of(create(endpoint.trim(), protocol, headers, timeout));
    } catch (IllegalArgumentException e) {
      // The capture file does not depend on the backend copy: a bad endpoint only loses the copy.
      settingsLogger.warning("cab-trace: " + e.getMessage() + ", from "
          + (blank(environment.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) ? "OTEL_EXPORTER_OTLP_ENDPOINT"
              : "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") + "; no spans are sent to a backend");
      return Optional.empty();
    }
  }

  /** The endpoint. */
  public String endpoint() {
    return endpoint;
  }

  /** The transport. */
  public Protocol protocol() {
    return protocol;
  }

  /** The headers sent with every export (for example an API token). */
  public Map<String, String> headers() {
    return headers;
  }

  /** The longest one export may take. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * The exporter: the official OTLP exporter with short retries, behind a wrapper that reports the
   * first failure once, clearly, and counts the rest.
   */
  public SpanExporter createExporter() {
    return createExporter(true);
  }

  /**
   * The exporter, for a copy of a capture file ({@code copyOfCapture}, as the SDK uses it) or for
   * sending a file later (as {@code cab-trace push} does); only its failure message differs.
   */
  public SpanExporter createExporter(boolean copyOfCapture) {
    RetryPolicy retry =
        RetryPolicy.builder()
            .setMaxAttempts(3)
            .setInitialBackoff(Duration.ofMillis(200))
            .setMaxBackoff(Duration.ofSeconds(1))
            .build();
    SpanExporter exporter;
    if (protocol == Protocol.GRPC) {
      OtlpGrpcSpanExporterBuilder builder =
          OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).setTimeout(timeout).setRetryPolicy(retry)
              .setConnectTimeout(Duration.ofSeconds(2));
      headers.forEach(builder::addHeader);
      exporter = builder.build();
    } else {
      OtlpHttpSpanExporterBuilder builder =
          OtlpHttpSpanExporter.builder().setEndpoint(endpoint).setTimeout(timeout).setRetryPolicy(retry)
              .setConnectTimeout(Duration.ofSeconds(2));
      headers.forEach(builder::addHeader);
      exporter = builder.build();
    }
    return new ReportingSpanExporter(
        exporter,
        describe(),
        copyOfCapture ? "Every span is still written to the capture file." : "The file is unchanged; push it again later.");
  }

  /**
   * For an application's {@code main} (the {@code cab-trace} CLI, the example cell), never for a
   * library, whose application owns the logging: turns the official exporters' own logging off
   * ({@code io.opentelemetry.exporter} and below), so that a failed export is the one line {@link
   * #createExporter()} reports and the failures after it are counted, not each logged again with
   * its stack trace. Left as it is when that logger has a level already, or when a logging
   * configuration is given ({@code java.util.logging.config.file} or {@code .class}).
   */
  public static void quietOfficialExporterLogs() {
    if (System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null) {
      return;
    }
    Logger logger = Logger.getLogger(OFFICIAL_EXPORTER_LOGGERS);
    if (logger.getLevel() == null) {
      logger.setLevel(Level.OFF);
      quietedLogger = logger;
    }
  }

  /** The export in words, for messages: {@code http://127.0.0.1:4317 (grpc)}. */
  public String describe() {
    // A token in the query (?api_key=) is as secret as a password.
    return Redaction.defaults().redact(withoutCredentials(endpoint)) + " (" + protocol.value() + ")";
  }

  /** {@code url} with a user and password in it ({@code http://user:secret@host}) masked. */
  static String withoutCredentials(String url) {
    int scheme = url.indexOf("://");
    int path = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
    // The last '@' of the authority: a password may hold one.
    int at = path < 0 ? url.lastIndexOf('@') : url.lastIndexOf('@', path);
    if (scheme < 0 || at < scheme || (path >= 0 && at > path)) {
      return url;
    }
    return url.substring(0, scheme + 3) + "[REDACTED]" + url.substring(at);
  }

  /** OTEL_SERVICE_NAME, if set. */
  public static Optional<String> serviceName(Map<String, String> environment) {
    String name = environment.get("OTEL_SERVICE_NAME");
    return blank(name) ? Optional.empty() : Optional.of(name.trim());
  }

  /** OTEL_RESOURCE_ATTRIBUTES as a map ({@code k=v,k2=v2}, values URL-decoded). */
  public static Map<String, String> resourceAttributes(Map<String, String> environment) {
    return pairs(environment, "OTEL_RESOURCE_ATTRIBUTES");
  }

  /** The {@code k=v,k2=v2} list in the variable {@code name}, each key and value URL-decoded. */
  private static Map<String, String> pairs(Map<String, String> environment, String name) {
    String text = environment.get(name);
    Map<String, String> out = new LinkedHashMap<>();
    if (blank(text)) {
      return out;
    }
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      out.put(decode(name, pair.substring(0, eq).trim()), decode(name, pair.substring(eq + 1).trim()));
    }
    return out;
  }

  /** {@code text} URL-decoded; as it is, with a warning, when it is not ({@code 50%}). */
  private static String decode(String name, String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      settingsLogger.warning("cab-trace: a value in " + name + " is not URL-encoded (" + e.getMessage()
          + "); taken as written");
      return text;
    }
  }

  private static String first(Map<String, String> environment, String... names) {
    for (String name : names) {
      String value = environment.get(name);
      if (!blank(value)) {
        return value.toLowerCase(Locale.ROOT).equals(value) ? value : value;
      }
    }
    return null;
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }

  @Override
  public String toString() {
    return "OtlpExport{" + describe() + "}";
  }
}
