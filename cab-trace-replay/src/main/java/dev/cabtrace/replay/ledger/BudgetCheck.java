package dev.cabtrace.replay.ledger;

/**
 * The outcome of one limit of a {@link Budget}.
 *
 * @param figure the figure checked, by its scorer key: {@code total_tokens}, {@code model_calls},
 *     {@code wall_clock_ms}, {@code model_call_ms} or {@code pass}
 * @param within whether the cell stayed within the limit; a figure that was not recorded is not
 *     within any limit
 * @param message one line with the actual value and the limit, e.g. {@code over budget:
 *     total_tokens 12034 > 10000}
 */
public record BudgetCheck(String figure, boolean within, String message) {}
