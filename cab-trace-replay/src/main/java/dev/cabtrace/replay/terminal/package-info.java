/**
 * Putting text from a trace on a terminal safely: nothing a trace holds (names, attribute values,
 * recorded output) may move the cursor, change colours or talk to the terminal.
 */
package dev.cabtrace.replay.terminal;
