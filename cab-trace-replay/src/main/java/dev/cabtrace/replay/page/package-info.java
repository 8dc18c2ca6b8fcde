/**
 * The cell page: {@link dev.cabtrace.replay.page.CellPage} turns a timeline into one
 * self-contained HTML file (styles, script and trace embedded, nothing fetched) that replays the
 * cell with the terminal player's keys; {@link dev.cabtrace.replay.page.CellServer} serves an
 * index of the captures under a directory and each one's page, read-only, on a local port.
 *
 * <p>Every string from a trace reaches the page as text: escaped in the HTML the generator writes,
 * inserted with {@code textContent} by the page's script, and embedded as JSON that cannot close its
 * script element. A Content-Security-Policy allows only the page's own script and style (by hash)
 * and no network access at all.
 */
package dev.cabtrace.replay.page;
