/**
 * JUnit 5 support: {@link dev.cabtrace.replay.junit.CabTraceExtension} gives a test an in-memory
 * capture wired to a cell tracer, and the timeline of what it captured; {@link
 * dev.cabtrace.replay.junit.CellCapture#replayModelCalls} answers an agent's model calls from a
 * recorded cassette.
 */
package dev.cabtrace.replay.junit;
