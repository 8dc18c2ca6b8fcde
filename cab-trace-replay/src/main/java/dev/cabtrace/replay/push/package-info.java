/**
 * Sending a trace read from a file to a backend later: {@link
 * dev.cabtrace.replay.push.CapturePusher} re-exports it over OTLP, the spans of the file's OTLP/JSON
 * lines with every field they have, the others with their original ids, parents, timestamps,
 * resource and attributes.
 */
package dev.cabtrace.replay.push;
