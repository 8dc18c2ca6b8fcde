package dev.cabtrace.examples;

/**
 * What the container step came to.
 *
 * @param exitCode the subprocess's exit code (-1 when it could not start)
 * @param timedOut whether it was killed at the timeout
 * @param failure why it could not run, or null
 */
record CellRun(int exitCode, boolean timedOut, Exception failure) {}
