/**
 * A cell's figures as the benchmark scores them, and what is built on them: {@link
 * dev.cabtrace.replay.ledger.CellScore} (the {@code tokens} and {@code latency} axes of one cell),
 * {@link dev.cabtrace.replay.ledger.SweepLedger} (those figures per agent and model over a sweep),
 * {@link dev.cabtrace.replay.ledger.Budget} (limits a cell must stay within) and {@link
 * dev.cabtrace.replay.ledger.TimelineDiff} (two cells side by side). A figure the trace does not
 * hold is null, never 0.
 */
package dev.cabtrace.replay.ledger;
