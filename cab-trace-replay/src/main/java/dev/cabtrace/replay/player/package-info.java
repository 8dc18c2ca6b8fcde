/**
 * The terminal player: {@link dev.cabtrace.replay.player.FrameRenderer} draws a frame as lines of
 * text (a pure function, tested without a terminal) and {@link
 * dev.cabtrace.replay.player.TerminalPlayer} runs the key loop on a JLine terminal.
 */
package dev.cabtrace.replay.player;
