/**
 * The timeline of a cell rebuilt from its trace: immutable {@link
 * dev.cabtrace.replay.timeline.Timeline} of {@link dev.cabtrace.replay.timeline.TimelineSpan}s,
 * the {@link dev.cabtrace.replay.timeline.Frame} at any moment, and a {@link
 * dev.cabtrace.replay.timeline.ReplayCursor} that steps and plays through it.
 */
package dev.cabtrace.replay.timeline;
