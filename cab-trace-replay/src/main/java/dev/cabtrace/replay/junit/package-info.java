/**
 * JUnit 5 support: {@link dev.cabtrace.replay.junit.CabTraceExtension} gives a test an in-memory
 * capture wired to a cell tracer, and the timeline of what it captured.
 */
package dev.cabtrace.replay.junit;
