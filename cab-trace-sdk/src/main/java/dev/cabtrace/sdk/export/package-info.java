/**
 * Sending spans to a trace backend (Jaeger, Grafana Tempo, an OpenTelemetry Collector) over OTLP,
 * as a copy of the capture file: {@link dev.cabtrace.sdk.export.OtlpExport}.
 */
package dev.cabtrace.sdk.export;
