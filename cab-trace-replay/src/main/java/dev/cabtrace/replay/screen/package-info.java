/**
 * A terminal screen model for replaying recorded terminal output: feed bytes into a {@link
 * dev.cabtrace.replay.screen.TerminalEmulator}, read an immutable {@link
 * dev.cabtrace.replay.screen.Screen} back, seek through a recording with {@link
 * dev.cabtrace.replay.screen.ScreenRecording}, or through a trace's recorded terminal output with
 * {@link dev.cabtrace.replay.screen.ScreenPlayback}.
 *
 * <p>Nothing from the input stream is ever passed through: a screen holds decoded printable
 * characters and styles, and {@link dev.cabtrace.replay.screen.Screen#toAnsi()} emits only the
 * SGR sequences it generates itself. The emulator never answers queries.
 *
 * <p>All parameters and return values are non-null.
 */
package dev.cabtrace.replay.screen;
