package dev.cabtrace.replay.ledger;

/**
 * One agent × model of a sweep: its cells' figures summed, and the spread of their latencies.
 *
 * <p>Token sums count only the cells whose tokens were recorded ({@link CellScore#hasTokens()});
 * the others are counted in {@code cellsWithoutTokens}. Tokens per correct task divides those
 * sums by the passes of the same cells, so that a cell without tokens neither adds tokens nor
 * dilutes the quotient with its pass.
 *
 * @param tui the agent ({@code cab.tui}), or null when not recorded
 * @param model the model ({@code cab.model}), or null when not recorded
 * @param cells the cells of this group
 * @param passes the cells that passed; a cell without a verdict does not pass
 * @param passRate passes divided by cells
 * @param promptTokens prompt tokens of the cells with tokens, or null when no cell has any
 * @param completionTokens completion tokens likewise, or null
 * @param totalTokens their sum, or null
 * @param modelCalls model-call records of every cell
 * @param tokensPerCorrectTask total tokens divided by the passes among the cells with tokens, or
 *     null when there is no such pass
 * @param cellsWithoutTokens cells whose tokens were not recorded
 * @param wallClockMsMedian the median wall-clock time (the mean of the middle two for an even
 *     count)
 * @param wallClockMsP90 the 90th percentile of wall-clock time, nearest rank: the ⌈0.9 n⌉-th
 *     smallest
 * @param containerActiveMsMedian the median container time
 * @param modelCallMsTotal the summed model-call time of every cell
 */
public record SweepGroup(
    String tui,
    String model,
    long cells,
    long passes,
    double passRate,
    Long promptTokens,
    Long completionTokens,
    Long totalTokens,
    long modelCalls,
    Double tokensPerCorrectTask,
    long cellsWithoutTokens,
    double wallClockMsMedian,
    double wallClockMsP90,
    double containerActiveMsMedian,
    double modelCallMsTotal) {}
