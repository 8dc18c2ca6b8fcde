/**
 * AssertJ assertions on timelines, spans and frames: {@link
 * dev.cabtrace.replay.assertions.CabTraceAssertions} is the one entry point.
 */
package dev.cabtrace.replay.assertions;
