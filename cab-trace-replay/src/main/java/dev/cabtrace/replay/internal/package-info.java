/**
 * Internal helpers that several cab-trace packages share. Public only because Java has no other
 * way to share across packages: not part of cab-trace's API, may change or go without notice.
 */
package dev.cabtrace.replay.internal;
