/**
 * Persisting spans: the OTLP JSON Lines capture file, written as the OpenTelemetry file-exporter
 * specification defines it.
 */
package dev.cabtrace.sdk.persist;
