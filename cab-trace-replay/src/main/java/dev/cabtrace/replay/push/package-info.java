/**
 * Sending a trace read from a file to a backend later: {@link
 * dev.cabtrace.replay.push.CapturePusher} re-exports it over OTLP with its original ids, parent
 * links, timestamps, resource and attributes.
 */
package dev.cabtrace.replay.push;
