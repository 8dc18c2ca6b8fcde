/**
 * Reading traces of any common shape into a {@link dev.cabtrace.replay.timeline.Timeline}: {@link
 * dev.cabtrace.replay.read.TraceReader} detects OTLP JSON Lines (ours, the official exporters',
 * the Collector's), Grafana Tempo, Jaeger and Zipkin JSON, streams it, and tolerates what real
 * files hold (torn lines, duplicates, broken links), each with a warning.
 */
package dev.cabtrace.replay.read;
