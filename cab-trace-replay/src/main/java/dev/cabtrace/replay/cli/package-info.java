/** The {@code cab-trace} command line: show, frame, replay, tokens and cast. */
package dev.cabtrace.replay.cli;
